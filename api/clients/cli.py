"""`comptoir clients remind`: re-send the invitations that went unanswered (for a daily cron)."""

from __future__ import annotations

import argparse
import asyncio
import uuid

from api.audit.service import SYSTEM
from api.clients import invitations
from api.clients.schemas import InvitationResult
from api.core.db import create_engine, create_sessionmaker
from api.core.request_context import RequestOrigin
from api.core.settings import get_settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    clients = commands.add_parser("clients", help="clients des cabinets")
    actions = clients.add_subparsers(dest="clients_command", required=True)
    remind = actions.add_parser(
        "remind",
        help="envoyer un nouveau lien aux clients invités depuis N jours et toujours inactifs",
    )
    remind.add_argument(
        "--days", type=int, default=None, help="ancienneté de la dernière invitation (jours)"
    )
    remind.add_argument(
        "--max-reminders", type=int, default=None, help="ne plus relancer après N relances"
    )
    remind.add_argument("--firm", type=uuid.UUID, default=None, help="un seul cabinet (id)")
    remind.set_defaults(handler=_remind)


async def remind_all(
    *, days: int | None, max_reminders: int | None, firm_id: uuid.UUID | None
) -> tuple[int, list[InvitationResult]]:
    """Every due client, one transaction per batch; returns (sent, failures)."""
    settings = get_settings()
    engine = create_engine(settings)
    requester = RequestOrigin(ip=None, user_agent="comptoir clients remind")
    sent = 0
    failures: list[InvitationResult] = []
    try:
        sessionmaker = create_sessionmaker(engine)
        more = True
        while more:
            async with sessionmaker() as session, session.begin():
                batch = await invitations.remind(
                    session,
                    settings,
                    requester,
                    author=SYSTEM,
                    firm_id=firm_id,
                    older_than_days=days,
                    max_reminders=max_reminders,
                    # A client that failed stays due: never pick it again in this run.
                    skip=[result.id for result in failures],
                )
            sent += sum(1 for result in batch.results if result.ok)
            failures += [result for result in batch.results if not result.ok]
            more = batch.more
    finally:
        await engine.dispose()
    return sent, failures


def _remind(args: argparse.Namespace) -> int:
    from api.migrate import upgrade_to_head

    upgrade_to_head()
    sent, failures = asyncio.run(
        remind_all(days=args.days, max_reminders=args.max_reminders, firm_id=args.firm)
    )
    print(f"{sent} relance(s) envoyée(s).")
    for failure in failures:
        print(f"  client {failure.id} : {failure.detail}")
    return 1 if failures else 0
