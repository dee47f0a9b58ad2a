"""`comptoir peers check`: for each platform of `COMPTOIR_PEER_PLATFORMS`, whether it answers
and accepts our credentials (a token is asked for; nothing is deposited, no secret printed)."""

from __future__ import annotations

import argparse
import asyncio

from api.adapters.transport import HttpTransport, PeerRefused, PeerUnavailable, Transport
from api.core.settings import Settings, get_settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    peers = commands.add_parser("peers", help="plateformes partenaires (routage des factures)")
    actions = peers.add_subparsers(dest="peers_command", required=True)
    actions.add_parser(
        "check", help="vérifier que chaque plateforme répond et accepte nos identifiants"
    ).set_defaults(handler=_check)


async def check_peers(settings: Settings, transport: Transport) -> list[tuple[bool, str]]:
    """One line per configured peer: (reachable with our credentials, what to print)."""
    lines = []
    for peer in settings.peer_platforms:
        try:
            await transport.check(peer)
        except (PeerUnavailable, PeerRefused) as error:
            lines.append((False, f"{peer.id}  {peer.base_url}  ÉCHEC : {error}"))
        else:
            lines.append((True, f"{peer.id}  {peer.base_url}  identifiants acceptés"))
    return lines


def _check(_args: argparse.Namespace) -> int:
    settings = get_settings()
    if not settings.peer_platforms:
        print("Aucune plateforme partenaire configurée (COMPTOIR_PEER_PLATFORMS).")
        return 0

    async def run() -> list[tuple[bool, str]]:
        transport = HttpTransport(settings)
        try:
            return await check_peers(settings, transport)
        finally:
            await transport.aclose()

    lines = asyncio.run(run())
    for _, line in lines:
        print(line)
    return 0 if all(ok for ok, _ in lines) else 1
