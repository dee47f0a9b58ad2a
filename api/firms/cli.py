"""`comptoir firm create`: register a firm without the SSO, for self-hosters."""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import ValidationError

from api.core.db import run_in_transaction
from api.core.errors import AppError
from api.core.settings import get_settings
from api.firms import service
from api.firms.schemas import FirmCreate


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    firm = commands.add_parser("firm", help="cabinets")
    actions = firm.add_subparsers(dest="firm_command", required=True)
    create = actions.add_parser("create", help="créer un cabinet et son propriétaire")
    create.add_argument("--name", required=True)
    create.add_argument("--siren", required=True)
    create.add_argument("--owner-email", required=True)
    create.add_argument("--owner-first-name", required=True)
    create.add_argument("--owner-last-name", required=True)
    create.set_defaults(handler=_create)


async def _create_firm(data: FirmCreate) -> service.CreatedFirm:
    settings = get_settings()
    return await run_in_transaction(
        settings, lambda session: service.create_firm(session, settings, data)
    )


def _create(args: argparse.Namespace) -> int:
    from api.migrate import upgrade_to_head

    try:
        data = FirmCreate(
            name=args.name,
            siren=args.siren.replace(" ", ""),
            owner_email=args.owner_email,
            owner_first_name=args.owner_first_name,
            owner_last_name=args.owner_last_name,
        )
    except ValidationError as error:
        print(f"Données invalides : {error}", file=sys.stderr)
        return 2
    upgrade_to_head()
    try:
        created = asyncio.run(_create_firm(data))
    except AppError as error:
        print(f"{error.title} : {error.detail or ''}", file=sys.stderr)
        return 1
    print(f"Cabinet « {created.firm.name} » créé (TVA {created.firm.vat_number}).")
    print(f"Lien d'enrôlement de {created.owner.display_name} (usage unique) :")
    print(f"  {created.enrollment.url}")
    return 0
