"""`comptoir audit verify`: recompute every hash chain of the audit trail."""

from __future__ import annotations

import argparse
import asyncio

from api.audit import service
from api.core.db import run_in_transaction
from api.core.settings import get_settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = commands.add_parser("audit", help="journal d'audit")
    actions = audit.add_subparsers(dest="audit_command", required=True)
    actions.add_parser("verify", help="vérifier la chaîne de hachage").set_defaults(handler=_verify)


async def _run() -> service.ChainReport:
    return await run_in_transaction(get_settings(), service.verify)


def _verify(_args: argparse.Namespace) -> int:
    report = asyncio.run(_run())
    if report.reason is None:
        print(
            f"Journal d'audit intègre : {report.events_checked} événements, "
            f"{report.chains_checked} chaînes."
        )
        return 0
    where = ""
    if report.first_broken is not None:
        event = report.first_broken
        where = (
            f" Première ligne en défaut : id={event.id}, chaîne={event.chain}, "
            f"séquence={event.sequence}, action={event.action}."
        )
    print(f"Journal d'audit ALTÉRÉ : {report.reason}.{where}")
    return 1
