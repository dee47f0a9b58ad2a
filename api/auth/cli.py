"""`comptoir auth rotate-signing-key`: new ES256 key for access tokens."""

from __future__ import annotations

import argparse
import asyncio

from api.auth.tokens import KeyRing
from api.core.db import run_in_transaction
from api.core.settings import get_settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    auth = commands.add_parser("auth", help="connexion et jetons")
    actions = auth.add_subparsers(dest="auth_command", required=True)
    actions.add_parser(
        "rotate-signing-key", help="créer une nouvelle clé de signature des jetons"
    ).set_defaults(handler=_rotate)


async def _run() -> str:
    settings = get_settings()
    return await run_in_transaction(settings, KeyRing(settings).rotate)


def _rotate(_args: argparse.Namespace) -> int:
    kid = asyncio.run(_run())
    print(
        f"Nouvelle clé de signature : {kid}. "
        "Les jetons en cours restent valides jusqu'à leur expiration."
    )
    return 0
