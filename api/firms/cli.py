"""`comptoir firm create`: register a firm without the SSO, for self-hosters."""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.db import run_in_transaction
from api.core.errors import AppError, NotFound
from api.core.settings import get_settings
from api.firms import service
from api.firms.schemas import FirmCreate
from api.members import service as members_service
from api.models.membership import MembershipStatus


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
    set_owner = actions.add_parser(
        "set-owner",
        help="donner le rôle propriétaire à un utilisateur du cabinet (audité), quand plus "
        "personne ne peut agir en propriétaire",
    )
    set_owner.add_argument("--siren", required=True, help="le SIREN du cabinet")
    set_owner.add_argument("--email", required=True, help="l'adresse de l'utilisateur")
    set_owner.set_defaults(handler=_set_owner)


async def _create_firm(data: FirmCreate) -> service.CreatedFirm:
    settings = get_settings()
    return await run_in_transaction(
        settings, lambda session: service.create_firm(session, settings, data)
    )


async def _restore_owner(siren: str, email: str) -> members_service.Member:
    settings = get_settings()

    async def restore(session: AsyncSession) -> members_service.Member:
        firm = await service.find_by_siren(session, siren)
        if firm is None:
            raise NotFound(f"Aucun cabinet n'a le SIREN {siren}.")
        return await members_service.restore_owner(session, firm.id, email)

    return await run_in_transaction(settings, restore)


def _set_owner(args: argparse.Namespace) -> int:
    from api.migrate import upgrade_to_head

    upgrade_to_head()
    try:
        member = asyncio.run(_restore_owner(args.siren.replace(" ", ""), args.email.strip()))
    except AppError as error:
        print(f"{error.title} : {error.detail or ''}", file=sys.stderr)
        return 1
    print(f"{member.user.display_name} ({member.user.email}) est propriétaire du cabinet.")
    if member.membership.status is MembershipStatus.INVITED:
        print("Son invitation est encore en attente : il doit enrôler son téléphone avec le lien.")
    return 0


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
