"""`comptoir api-keys create`: mint an API key from the command line, for self-hosters who
connect their software to the standard APIs (docs/flows.md). The secret is printed once."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from api.api_keys import repository, service
from api.core.actor import Actor
from api.core.authz import SOFTWARE_SCOPES, Principal, PrincipalKind, Scope, permissions_of
from api.core.db import run_in_transaction
from api.core.errors import AppError
from api.core.request_context import RequestOrigin
from api.core.settings import get_settings

DEFAULT_SCOPES = ",".join(sorted(scope.value for scope in SOFTWARE_SCOPES))


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("api-keys", help="clés d'API")
    actions = keys.add_subparsers(dest="api_keys_command", required=True)
    create = actions.add_parser(
        "create", help="créer une clé d'API (identifiant et secret affichés une seule fois)"
    )
    create.add_argument("--siren", required=True, help="SIREN du cabinet ou de l'entreprise")
    create.add_argument("--name", required=True, help="nom de la clé (le logiciel qui l'utilise)")
    create.add_argument(
        "--scopes",
        default=DEFAULT_SCOPES,
        help=f"portées séparées par des virgules ({DEFAULT_SCOPES})",
    )
    create.add_argument("--user-email", help="membre qui possède la clé (défaut : le premier)")
    create.set_defaults(handler=_create)


@dataclass(frozen=True, slots=True)
class CreatedKey:
    key_id: str
    secret: str
    workspace_name: str
    scopes: list[str]


class NoSuchWorkspace(AppError):
    code = "no-such-workspace"
    title = "Aucun espace actif pour ce SIREN"


async def create_key(
    session: AsyncSession, siren: str, name: str, scopes: frozenset[Scope], email: str | None
) -> CreatedKey:
    found = await repository.creator_for_cli(session, siren, email)
    if found is None:
        raise NoSuchWorkspace(
            "Aucun cabinet ni entreprise avec ce SIREN n'a de membre actif"
            + (f" d'adresse {email}." if email else ".")
        )
    workspace, membership = found
    principal = Principal(
        kind=PrincipalKind.USER,
        user_id=membership.user_id,
        workspace_id=workspace.id,
        membership_id=membership.id,
        roles=membership.roles,
        permissions=permissions_of(membership.roles),
    )
    minted = await service.mint(
        session,
        Actor(principal, RequestOrigin(ip=None, user_agent="comptoir api-keys create")),
        name=name,
        scopes=scopes,
        expires_at=None,
    )
    return CreatedKey(str(minted.key.id), minted.secret, workspace.name, minted.key.scopes)


def _create(args: argparse.Namespace) -> int:
    from api.migrate import upgrade_to_head

    try:
        scopes = frozenset(Scope(word.strip()) for word in args.scopes.split(",") if word.strip())
    except ValueError as error:
        print(f"Portée inconnue : {error}", file=sys.stderr)
        return 2
    if not scopes:
        print("Indiquez au moins une portée.", file=sys.stderr)
        return 2
    settings = get_settings()
    upgrade_to_head()
    siren = args.siren.replace(" ", "")
    try:
        created = asyncio.run(
            run_in_transaction(
                settings,
                lambda session: create_key(session, siren, args.name, scopes, args.user_email),
            )
        )
    except AppError as error:
        print(f"{error.title} : {error.detail or ''}", file=sys.stderr)
        return 1
    print(f"Clé « {args.name} » créée pour {created.workspace_name} ({', '.join(created.scopes)}).")
    print("Conservez le secret : il n'est affiché qu'une fois.")
    print(f"client_id={created.key_id}")
    print(f"client_secret={created.secret}")
    return 0
