from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.api_key import ApiKey
from api.models.client import Client, ClientAssignment, PaStatus
from api.models.membership import Membership
from api.models.pa_designation import PaDesignation
from api.models.software_token import SoftwareAccessToken
from api.models.workspace import Workspace, WorkspaceKind


@dataclass(frozen=True, slots=True)
class KeyContext:
    key: ApiKey
    creator: Membership | None
    workspace_kind: WorkspaceKind
    workspace_siren: str | None


async def key_context(session: AsyncSession, key_id: uuid.UUID) -> KeyContext | None:
    """The key, its creator's membership in the key's workspace, and that workspace."""
    row = (
        await session.execute(
            select(ApiKey, Membership, Workspace.kind, Workspace.siren)
            .join(Workspace, Workspace.id == ApiKey.workspace_id)
            .outerjoin(
                Membership,
                (Membership.workspace_id == ApiKey.workspace_id)
                & (Membership.user_id == ApiKey.created_by_user_id),
            )
            .where(ApiKey.id == key_id)
        )
    ).one_or_none()
    return None if row is None else KeyContext(row[0], row[1], row[2], row[3])


async def token_context(
    session: AsyncSession, token_hash: str
) -> tuple[SoftwareAccessToken, KeyContext] | None:
    row = (
        await session.execute(
            select(SoftwareAccessToken, ApiKey, Membership, Workspace.kind, Workspace.siren)
            .join(ApiKey, ApiKey.id == SoftwareAccessToken.api_key_id)
            .join(Workspace, Workspace.id == ApiKey.workspace_id)
            .outerjoin(
                Membership,
                (Membership.workspace_id == ApiKey.workspace_id)
                & (Membership.user_id == ApiKey.created_by_user_id),
            )
            .where(SoftwareAccessToken.token_hash == token_hash)
        )
    ).one_or_none()
    if row is None:
        return None
    return row[0], KeyContext(row[1], row[2], row[3], row[4])


def _certified() -> object:
    # A firm certified holding the client's mandate when it asked for its designation as PA:
    # every designation row carries its certification. A deregistered client's mandate ended.
    return exists().where(PaDesignation.client_id == Client.id) & (
        Client.pa_status != PaStatus.DEREGISTERED
    )


async def firm_client(
    session: AsyncSession,
    firm_id: uuid.UUID,
    *,
    siren: str | None = None,
    client_id: uuid.UUID | None = None,
    assigned_to: uuid.UUID | None = None,
) -> tuple[Client, bool] | None:
    """A client of the firm by SIREN or id (among `assigned_to`'s clients when given), and
    whether its mandate is certified."""
    statement = select(Client, _certified()).where(Client.firm_id == firm_id)  # type: ignore[call-overload]
    if siren is not None:
        statement = statement.where(Client.siren == siren)
    if client_id is not None:
        statement = statement.where(Client.id == client_id)
    if assigned_to is not None:
        statement = statement.where(
            exists().where(
                ClientAssignment.client_id == Client.id, ClientAssignment.user_id == assigned_to
            )
        )
    row = (await session.execute(statement)).first()
    return None if row is None else (row[0], bool(row[1]))


async def company_clients(session: AsyncSession, workspace_id: uuid.UUID) -> Sequence[Client]:
    """The client rows of a company space (one per firm it works with), certified first."""
    result = await session.execute(
        select(Client, _certified())  # type: ignore[call-overload]
        .where(Client.company_workspace_id == workspace_id)
        .order_by(Client.created_at)
    )
    rows = result.all()
    return [row[0] for row in sorted(rows, key=lambda row: not row[1])]


async def served_client(session: AsyncSession, siren: str) -> Client | None:
    """The client registered in the directory through this platform under `siren` (the
    latest, should two firms hold one): who another platform's flows for that SIREN are for."""
    return await session.scalar(
        select(Client)
        .where(Client.siren == siren, Client.pa_status == PaStatus.REGISTERED)
        .order_by(Client.updated_at.desc(), Client.id)
        .limit(1)
    )
