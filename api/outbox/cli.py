"""`comptoir outbox dead` and `comptoir outbox retry`: what the worker gave up on, and giving
it another round once the cause is fixed (see `api.outbox.service`)."""

from __future__ import annotations

import argparse
import asyncio
import uuid

from api.core.db import run_in_transaction
from api.core.settings import get_settings
from api.outbox import service


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    outbox = commands.add_parser("outbox", help="file d'envoi (e-mails, annuaire, webhooks)")
    actions = outbox.add_subparsers(dest="outbox_command", required=True)
    dead = actions.add_parser("dead", help="lister les messages abandonnés, avec leur erreur")
    dead.add_argument("--limit", type=int, default=50, help="combien, au plus (50)")
    dead.set_defaults(handler=_dead)
    retry = actions.add_parser("retry", help="remettre des messages abandonnés dans la file")
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("ids", nargs="*", default=[], type=uuid.UUID, metavar="ID")
    which.add_argument("--all", action="store_true", help="tous les messages abandonnés")
    retry.set_defaults(handler=_retry)


def _dead(args: argparse.Namespace) -> int:
    messages = asyncio.run(
        run_in_transaction(
            get_settings(), lambda session: service.dead_messages(session, limit=args.limit)
        )
    )
    if not messages:
        print("Aucun message abandonné.")
        return 0
    for message in messages:
        print(
            f"{message.id}  {message.kind}  {message.attempts} essais  "
            f"créé le {message.created_at:%d/%m/%Y %H:%M}  {message.last_error or ''}"
        )
    print(f"{len(messages)} message(s) abandonné(s). Remettez-les en file : comptoir outbox retry")
    return 0


def _retry(args: argparse.Namespace) -> int:
    ids = None if args.all else list(args.ids)  # argparse requires one of the two
    requeued = asyncio.run(
        run_in_transaction(get_settings(), lambda session: service.requeue(session, ids))
    )
    missing = [] if ids is None else sorted(set(map(str, ids)) - set(map(str, requeued)))
    print(f"{len(requeued)} message(s) remis dans la file d'envoi.")
    if missing:
        print(f"Ni abandonnés ni connus, laissés tels quels : {', '.join(missing)}")
        return 1
    return 0
