"""SQL of mandates signed online and of the readiness dashboard."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.client import Client, ClientAssignment, PaStatus
from api.models.device import Device
from api.models.document import Document
from api.models.mandate_request import (
    ClientReadiness,
    MandateRequest,
    MandateRequestStatus,
    MandateStage,
    ReadinessCount,
)
from api.models.pa_designation import PaDesignation
from api.models.sirene import SireneUnit
from api.models.user import User
from api.models.workspace import Workspace


async def get_workspace(session: AsyncSession, workspace_id: uuid.UUID) -> Workspace | None:
    return await session.get(Workspace, workspace_id)


async def get_client(session: AsyncSession, client_id: uuid.UUID) -> Client | None:
    return await session.get(Client, client_id)


async def get_document(session: AsyncSession, document_id: uuid.UUID) -> Document | None:
    return await session.get(Document, document_id)


async def requests_of(
    session: AsyncSession, client_ids: Sequence[uuid.UUID], *, for_update: bool = False
) -> dict[uuid.UUID, MandateRequest]:
    found: dict[uuid.UUID, MandateRequest] = {}
    for start in range(0, len(client_ids), 500):
        statement = select(MandateRequest).where(
            MandateRequest.client_id.in_(client_ids[start : start + 500])
        )
        if for_update:
            statement = statement.with_for_update()
        found.update((row.client_id, row) for row in await session.scalars(statement))
    return found


async def get_by_token_hash(
    session: AsyncSession, token_hash: str, *, for_update: bool = False
) -> MandateRequest | None:
    statement = select(MandateRequest).where(MandateRequest.token_hash == token_hash)
    if for_update:
        statement = statement.with_for_update()
    result: MandateRequest | None = await session.scalar(statement)
    return result


async def get_request(
    session: AsyncSession, request_id: uuid.UUID, *, for_update: bool = False
) -> MandateRequest | None:
    statement = select(MandateRequest).where(MandateRequest.id == request_id)
    if for_update:
        statement = statement.with_for_update()
    result: MandateRequest | None = await session.scalar(statement)
    return result


# ---------------------------------------------------------------- the funnel


_DIRECTORY_STAGES = {
    PaStatus.REGISTERED: MandateStage.REGISTERED.value,
    PaStatus.ERROR: MandateStage.ERROR.value,
    PaStatus.PENDING: MandateStage.SIGNED.value,
}


def _request_stage(now: datetime) -> ColumnElement[str]:
    """The stage a client's latest request gives (when the directory does not decide)."""
    request = MandateRequest
    return case(
        (request.status == MandateRequestStatus.SIGNED, literal(MandateStage.SIGNED.value)),
        (request.status == MandateRequestStatus.REFUSED, literal(MandateStage.REFUSED.value)),
        (request.status == MandateRequestStatus.LOCKED, literal(MandateStage.ERROR.value)),
        (
            request.status.in_([MandateRequestStatus.SENT, MandateRequestStatus.OPENED])
            & (request.expires_at <= now),
            literal(MandateStage.EXPIRED.value),
        ),
        (request.status == MandateRequestStatus.OPENED, literal(MandateStage.OPENED.value)),
        (request.status == MandateRequestStatus.SENT, literal(MandateStage.SENT.value)),
        else_=literal(MandateStage.TO_SEND.value),
    )


def stage_expression(now: datetime) -> ColumnElement[str]:
    """A client's funnel stage in SQL (clients LEFT JOIN mandate_requests): the directory
    decides first (inscrit, erreur), then the latest request; an expired link is a matter of
    time. A designation certified on paper (pending) counts as signed."""
    return case(
        *(
            (Client.pa_status == status, literal(stage))
            for status, stage in _DIRECTORY_STAGES.items()
        ),
        else_=_request_stage(now),
    )


async def bucket_counts(
    session: AsyncSession, firm_id: uuid.UUID
) -> list[tuple[uuid.UUID, str, int, str | None, str | None]]:
    """The firm's funnel counts as the database keeps them (`ReadinessCount`): one row per
    holder (the firm itself, or an assigned collaborator with their name) and bucket."""
    statement = (
        select(
            ReadinessCount.holder_id,
            ReadinessCount.stage,
            ReadinessCount.clients,
            User.first_name,
            User.last_name,
        )
        .outerjoin(User, User.id == ReadinessCount.holder_id)
        .where(ReadinessCount.firm_id == firm_id, ReadinessCount.clients != 0)
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in (await session.execute(statement)).all()]


async def expired_links(
    session: AsyncSession, firm_id: uuid.UUID, now: datetime
) -> list[tuple[uuid.UUID, str, uuid.UUID | None]]:
    """The links past their date that the counts still hold as « sent » or « opened »: (request,
    status, an assignee or None), read by `ix_mandate_requests_firm_status_expires` (only the
    expired ones) for the clients the directory does not decide."""
    statement = (
        select(MandateRequest.id, MandateRequest.status, ClientAssignment.user_id)
        .join(Client, Client.id == MandateRequest.client_id)
        .outerjoin(ClientAssignment, ClientAssignment.client_id == MandateRequest.client_id)
        .where(
            MandateRequest.firm_id == firm_id,
            MandateRequest.status.in_([MandateRequestStatus.SENT, MandateRequestStatus.OPENED]),
            MandateRequest.expires_at <= now,
            Client.pa_status.not_in(list(_DIRECTORY_STAGES)),
        )
    )
    return [(r[0], r[1], r[2]) for r in (await session.execute(statement)).all()]


async def client_rows(
    session: AsyncSession,
    clients_scope: ColumnElement[bool],
    now: datetime,
    *,
    stage: MandateStage | None = None,
    blocked_only: bool = False,
    client_id: uuid.UUID | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """One row per client for the dashboard's table and its Excel export."""
    stage_column = stage_expression(now).label("stage")
    blocked = Client.pa_status == PaStatus.ERROR
    latest = (
        select(PaDesignation.error_code, PaDesignation.error_detail)
        .where(PaDesignation.client_id == Client.id)
        .order_by(PaDesignation.created_at.desc())
        .limit(1)
        .correlate(Client)
    )
    statement = (
        select(
            Client.id,
            Client.legal_name,
            Client.siren,
            Client.pa_status,
            stage_column,
            MandateRequest.sent_at,
            MandateRequest.expires_at,
            ClientReadiness.company_category,
            ClientReadiness.vat_regime,
            SireneUnit.categorie_entreprise,
            # Only a blocked client reads its latest designation (a CASE evaluates lazily).
            case(
                (blocked, latest.with_only_columns(PaDesignation.error_code).scalar_subquery()),
                else_=None,
            ).label("ec"),
            case(
                (blocked, latest.with_only_columns(PaDesignation.error_detail).scalar_subquery()),
                else_=None,
            ).label("ed"),
        )
        .select_from(Client)
        .outerjoin(MandateRequest, MandateRequest.client_id == Client.id)
        .where(clients_scope)
        .outerjoin(ClientReadiness, ClientReadiness.client_id == Client.id)
        .outerjoin(SireneUnit, SireneUnit.siren == Client.siren)
        .order_by(Client.sort_name, Client.id)
    )
    if stage is not None:
        statement = statement.where(stage_column == stage.value)
    if blocked_only:
        statement = statement.where(Client.pa_status == PaStatus.ERROR)
    if client_id is not None:
        statement = statement.where(Client.id == client_id)
    if limit is not None:
        statement = statement.limit(limit)
    return [
        {
            "id": row[0],
            "legal_name": row[1],
            "siren": row[2],
            "pa_status": row[3],
            "stage": row[4],
            "sent_at": row[5],
            "expires_at": row[6],
            "company_category": row[7],
            "vat_regime": row[8],
            "sirene_category": row[9],
            "error_code": row[10],
            "error_detail": row[11],
        }
        for row in (await session.execute(statement)).all()
    ]


def firm_clients(firm_id: uuid.UUID) -> ColumnElement[bool]:
    return Client.firm_id == firm_id


async def get_readiness(session: AsyncSession, client_id: uuid.UUID) -> ClientReadiness | None:
    return await session.get(ClientReadiness, client_id)


# ---------------------------------------------------------------- the signer's phone


async def has_enrolled_phone(session: AsyncSession, email: str) -> bool:
    """Whether a user with this e-mail (as the platform knows it) holds an active device."""
    found = await session.scalar(
        select(Device.id)
        .join(User, User.id == Device.user_id)
        .where(func.lower(User.email) == email.lower(), Device.revoked_at.is_(None))
        .limit(1)
    )
    return found is not None


async def get_by_approval_id(
    session: AsyncSession, approval_id: str, *, for_update: bool = False
) -> MandateRequest | None:
    statement = select(MandateRequest).where(MandateRequest.approval_id == approval_id)
    if for_update:
        statement = statement.with_for_update()
    result: MandateRequest | None = await session.scalar(statement)
    return result


async def device_with_user(
    session: AsyncSession, device_id: uuid.UUID
) -> tuple[Device, User] | None:
    row = (
        await session.execute(
            select(Device, User).join(User, User.id == Device.user_id).where(Device.id == device_id)
        )
    ).first()
    return (row[0], row[1]) if row else None
