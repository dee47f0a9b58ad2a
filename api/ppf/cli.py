"""`comptoir ppf refused` and `comptoir ppf resend`: the status copies the PPF refused, and
sending them again once the cause is fixed (see `api.ppf.service.resend`). Copies the PPF could
not be reached for are the outbox's: `comptoir outbox dead` / `retry`."""

from __future__ import annotations

import argparse
import asyncio
import uuid

from api.core.db import run_in_transaction
from api.core.settings import get_settings
from api.ppf import service


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ppf = commands.add_parser("ppf", help="copies des statuts pour le PPF")
    actions = ppf.add_subparsers(dest="ppf_command", required=True)
    refused = actions.add_parser("refused", help="lister les copies refusées par le PPF")
    refused.add_argument("--limit", type=int, default=50, help="combien, au plus (50)")
    refused.set_defaults(handler=_refused)
    resend = actions.add_parser("resend", help="renvoyer des copies refusées par le PPF")
    which = resend.add_mutually_exclusive_group(required=True)
    which.add_argument("ids", nargs="*", default=[], type=uuid.UUID, metavar="ID")
    which.add_argument("--all", action="store_true", help="toutes les copies refusées")
    resend.set_defaults(handler=_resend)


def _refused(args: argparse.Namespace) -> int:
    copies = asyncio.run(
        run_in_transaction(
            get_settings(), lambda session: service.refused_copies(session, limit=args.limit)
        )
    )
    if not copies:
        print("Aucune copie refusée par le PPF.")
        return 0
    for copy in copies:
        when = f"{copy.last_attempt_at:%d/%m/%Y %H:%M}" if copy.last_attempt_at else "—"
        print(
            f"{copy.id}  statut {copy.status_code}  HTTP {copy.response_status or '—'}  "
            f"le {when}  {copy.last_error or ''}"
        )
    print(f"{len(copies)} copie(s) refusée(s). Une fois la cause corrigée : comptoir ppf resend")
    return 0


def _resend(args: argparse.Namespace) -> int:
    ids = None if args.all else list(args.ids)
    requeued = asyncio.run(
        run_in_transaction(get_settings(), lambda session: service.resend(session, ids))
    )
    missing = [] if ids is None else sorted(set(map(str, ids)) - set(map(str, requeued)))
    print(f"{len(requeued)} copie(s) remise(s) dans la file d'envoi vers le PPF.")
    if missing:
        print(f"Ni refusées ni connues, laissées telles quelles : {', '.join(missing)}")
        return 1
    return 0
