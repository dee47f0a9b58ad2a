"""`comptoir support list`: the support requests, newest first, for the operator."""

from __future__ import annotations

import argparse
import asyncio

from api.core.db import run_in_transaction
from api.core.settings import get_settings
from api.help import service


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    support = commands.add_parser("support", help="demandes de support (« Assistance »)")
    actions = support.add_subparsers(dest="support_command", required=True)
    listing = actions.add_parser(
        "list", help="lister les demandes, des plus récentes aux plus anciennes"
    )
    listing.add_argument("--limit", type=int, default=50, help="combien, au plus (50)")
    listing.add_argument("--full", action="store_true", help="afficher aussi les messages")
    listing.set_defaults(handler=_list)


def _list(args: argparse.Namespace) -> int:
    rows = asyncio.run(
        run_in_transaction(
            get_settings(), lambda session: service.latest_support_requests(session, args.limit)
        )
    )
    if not rows:
        print("Aucune demande de support.")
        return 0
    for request, workspace_name in rows:
        print(
            f"{request.reference}  {request.created_at:%d/%m/%Y %H:%M}  {request.email}  "
            f"{workspace_name or '(hors espace)'}  {request.screen or '-'}  "
            f"requête {request.request_id or '-'}  « {request.subject} »"
        )
        if args.full:
            for line in request.message.splitlines():
                print(f"    {line}")
    print(f"{len(rows)} demande(s).")
    return 0
