"""The list of a firm's clients (the busiest read: plain rows, sorted, by cursor) and its
.xlsx export of the current filter."""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    and_,
    bindparam,
    exists,
    or_,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from api.clients.policy import can_read_all_clients
from api.clients.repository import (
    ASSIGNMENTS,
    CLIENTS,
    SUBSCRIPTIONS,
    as_text,
    readable_select,
)
from api.core.authz import Principal
from api.core.reads import fetch_all
from api.models.client import (
    ClientStatus,
    InvitationStatus,
    PaStatus,
)
from api.models.mandate_request import MandateRequest, MandateRequestStatus, MandateStage
from api.models.user import user_by_email as user_by_email

NO_PLAN = "none"


# What a list row shows: plain columns, read with Core (no ORM identity map on the hot path).
LIST_COLUMNS = (
    CLIENTS.c.id,
    CLIENTS.c.siren,
    CLIENTS.c.siret,
    CLIENTS.c.legal_name,
    CLIENTS.c.postal_code,
    CLIENTS.c.city,
    as_text(CLIENTS.c.status),
    as_text(CLIENTS.c.pa_status),
    CLIENTS.c.is_firm_itself,
    CLIENTS.c.contact_first_name,
    CLIENTS.c.contact_last_name,
    CLIENTS.c.contact_email,
    CLIENTS.c.created_at,
    CLIENTS.c.invited_at,
    CLIENTS.c.invitation_expires_at,
    CLIENTS.c.invitation_reminders,
    SUBSCRIPTIONS.c.plan_code,
    as_text(SUBSCRIPTIONS.c.payer),
    as_text(SUBSCRIPTIONS.c.status, "subscription_status"),
)


_FROM = CLIENTS.outerjoin(SUBSCRIPTIONS, SUBSCRIPTIONS.c.client_id == CLIENTS.c.id)


# Sort name → (column, descending). Every sort ends with the id, so pages are stable.
SORTS: dict[str, tuple[Any, bool]] = {
    "name": (CLIENTS.c.sort_name, False),
    "-name": (CLIENTS.c.sort_name, True),
    "created_at": (CLIENTS.c.created_at, False),
    "-created_at": (CLIENTS.c.created_at, True),
    "siren": (CLIENTS.c.siren, False),
    "-siren": (CLIENTS.c.siren, True),
}


# The page's SELECT … FROM for each sort, built once: only the WHERE changes per request.
_LIST_SELECTS = {
    sort: select(*LIST_COLUMNS, column.label("_sort_key")).select_from(_FROM)
    for sort, (column, _descending) in SORTS.items()
}


@dataclass(frozen=True, slots=True)
class ClientFilters:
    q_words: Sequence[str] = ()
    q_digits: str | None = None
    status: ClientStatus | None = None
    pa_status: PaStatus | None = None
    assignee_id: uuid.UUID | None = None
    plan: str | None = None
    invitation_status: InvitationStatus | None = None
    mandate_stage: MandateStage | None = None
    now: datetime | None = None  # what "expired" is measured against


def _invitation_clause(wanted: InvitationStatus, now: BindParameter[Any]) -> ColumnElement[bool]:
    """The SQL twin of `invitation_status(...)`."""
    if wanted == InvitationStatus.ACCEPTED:
        return CLIENTS.c.status == ClientStatus.ACTIVE.value
    invited = CLIENTS.c.status == ClientStatus.INVITED.value
    if wanted == InvitationStatus.NOT_SENT:
        return and_(invited, CLIENTS.c.invited_at.is_(None))
    expired = CLIENTS.c.invitation_expires_at <= now
    if wanted == InvitationStatus.EXPIRED:
        return and_(invited, CLIENTS.c.invited_at.is_not(None), expired)
    return and_(
        invited,
        CLIENTS.c.invited_at.is_not(None),
        or_(CLIENTS.c.invitation_expires_at.is_(None), ~expired),
    )


MANDATES = MandateRequest.__table__
_DIRECTORY_DECIDES = (PaStatus.REGISTERED.value, PaStatus.ERROR.value, PaStatus.PENDING.value)


def _mandate_stage_clause(wanted: MandateStage, now: BindParameter[Any]) -> ColumnElement[bool]:
    """The SQL twin of `mandates.service.stage_of` (docs/mandates.md, « Funnel »): the
    directory's status decides first, then the client's mandate request."""
    pa_status = CLIENTS.c.pa_status
    if wanted == MandateStage.REGISTERED:
        return pa_status == PaStatus.REGISTERED.value

    def request(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
        return exists().where(MANDATES.c.client_id == CLIENTS.c.id, *conditions)

    undecided = pa_status.not_in(_DIRECTORY_DECIDES)
    live = MANDATES.c.status.in_(
        [MandateRequestStatus.SENT.value, MandateRequestStatus.OPENED.value]
    )
    by_request: dict[MandateStage, ColumnElement[bool]] = {
        MandateStage.SIGNED: request(MANDATES.c.status == MandateRequestStatus.SIGNED.value),
        MandateStage.REFUSED: request(MANDATES.c.status == MandateRequestStatus.REFUSED.value),
        MandateStage.ERROR: request(MANDATES.c.status == MandateRequestStatus.LOCKED.value),
        MandateStage.EXPIRED: request(live, MANDATES.c.expires_at <= now),
        MandateStage.OPENED: request(
            MANDATES.c.status == MandateRequestStatus.OPENED.value, MANDATES.c.expires_at > now
        ),
        MandateStage.SENT: request(
            MANDATES.c.status == MandateRequestStatus.SENT.value, MANDATES.c.expires_at > now
        ),
    }
    if wanted == MandateStage.TO_SEND:
        return and_(
            undecided,
            ~request(MANDATES.c.status != MandateRequestStatus.WITHDRAWN.value),
        )
    clause = and_(undecided, by_request[wanted])
    if wanted == MandateStage.SIGNED:
        return or_(pa_status == PaStatus.PENDING.value, clause)
    if wanted == MandateStage.ERROR:
        return or_(pa_status == PaStatus.ERROR.value, clause)
    return clause


@dataclass(frozen=True, slots=True)
class _ListShape:
    """What decides the SQL text of a list page. The values are bound parameters, so one
    statement per shape is built once (`_list_statement`) and `fetch_all` finds its compiled
    form by identity: the busiest read computes no SQLAlchemy cache key per request."""

    sort: str
    all_clients: bool
    digits: bool
    words: int
    status: bool
    pa_status: bool
    assignee: bool
    invitation: InvitationStatus | None
    mandate_stage: MandateStage | None
    plan: str | None  # None, NO_PLAN, or "code" for a plan's code
    after: bool


@functools.lru_cache(maxsize=1024)
def _list_statement(shape: _ListShape) -> Select[Any]:
    """The page's statement for `shape`; `_list_params` gives the values of its parameters."""
    column, descending = SORTS[shape.sort]
    conditions = [readable_select(shape.all_clients, bindparam("firm_id"), bindparam("user_id"))]
    if shape.digits:
        conditions.append(
            or_(
                CLIENTS.c.siren.like(bindparam("siren_prefix")),
                CLIENTS.c.siret.like(bindparam("siret_prefix")),
            )
        )
    conditions.extend(
        CLIENTS.c.search_name.like(bindparam(f"word_{index}")) for index in range(shape.words)
    )
    if shape.status:
        conditions.append(CLIENTS.c.status == bindparam("status"))
    if shape.pa_status:
        conditions.append(CLIENTS.c.pa_status == bindparam("pa_status"))
    if shape.assignee:
        conditions.append(
            exists().where(
                ASSIGNMENTS.c.client_id == CLIENTS.c.id,
                ASSIGNMENTS.c.user_id == bindparam("assignee_id"),
            )
        )
    if shape.invitation is not None:
        now = bindparam("now", type_=CLIENTS.c.invitation_expires_at.type)
        conditions.append(_invitation_clause(shape.invitation, now))
    if shape.mandate_stage is not None:
        stage_now = bindparam("stage_now", type_=CLIENTS.c.invitation_expires_at.type)
        conditions.append(_mandate_stage_clause(shape.mandate_stage, stage_now))
    if shape.plan == NO_PLAN:
        conditions.append(SUBSCRIPTIONS.c.plan_code.is_(None))
    elif shape.plan is not None:
        conditions.append(SUBSCRIPTIONS.c.plan_code == bindparam("plan"))
    if shape.after:
        key = tuple_(column, CLIENTS.c.id)
        after = tuple_(
            bindparam("after_key", type_=column.type),
            bindparam("after_id", type_=CLIENTS.c.id.type),
        )
        conditions.append(key < after if descending else key > after)
    order = (column.desc(), CLIENTS.c.id.desc()) if descending else (column, CLIENTS.c.id)
    return (
        _LIST_SELECTS[shape.sort]
        .where(*conditions)
        .order_by(*order)
        .limit(bindparam("limit", type_=Integer))
    )


def _list_params(
    principal: Principal,
    filters: ClientFilters,
    *,
    sort: str,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> tuple[_ListShape, dict[str, Any]]:
    plan = None if not filters.plan else NO_PLAN if filters.plan == NO_PLAN else "code"
    shape = _ListShape(
        sort=sort,
        all_clients=can_read_all_clients(principal),
        digits=bool(filters.q_digits),
        words=len(filters.q_words),
        status=filters.status is not None,
        pa_status=filters.pa_status is not None,
        assignee=filters.assignee_id is not None,
        invitation=filters.invitation_status,
        mandate_stage=filters.mandate_stage,
        plan=plan,
        after=after is not None,
    )
    params: dict[str, Any] = {
        "firm_id": principal.workspace_id,
        "user_id": principal.user_id,
        "limit": limit,
    }
    if filters.q_digits:
        params["siren_prefix"] = filters.q_digits[:9] + "%"
        params["siret_prefix"] = filters.q_digits + "%"
    for index, word in enumerate(filters.q_words):
        params[f"word_{index}"] = f"% {word}%"
    if filters.status is not None:
        params["status"] = filters.status.value
    if filters.pa_status is not None:
        params["pa_status"] = filters.pa_status.value
    if filters.assignee_id is not None:
        params["assignee_id"] = filters.assignee_id
    if filters.invitation_status is not None:
        params["now"] = filters.now
    if filters.mandate_stage is not None:
        params["stage_now"] = filters.now
    if plan == "code":
        params["plan"] = filters.plan
    if after is not None:
        params["after_key"], params["after_id"] = after
    return shape, params


async def list_page(
    session: AsyncSession,
    principal: Principal,
    filters: ClientFilters,
    *,
    sort: str,
    after: tuple[Any, uuid.UUID] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """One page as plain dicts (one more row than `limit`, to know if there is a next page).
    Each row also carries `_sort_key`, the value the next cursor starts after."""
    shape, params = _list_params(principal, filters, sort=sort, after=after, limit=limit + 1)
    return await fetch_all(session, _list_statement(shape), params)


async def stream_filtered(
    session: AsyncSession, principal: Principal, filters: ClientFilters, *, sort: str
) -> AsyncIterator[dict[str, Any]]:
    """Every matching row, in keyset chunks (the export: never one huge result in memory)."""
    after: tuple[Any, uuid.UUID] | None = None
    while True:
        rows = await list_page(session, principal, filters, sort=sort, after=after, limit=1000)
        for row in rows[:1000]:
            yield row
        if len(rows) <= 1000:
            return
        last = rows[999]
        after = (last["_sort_key"], last["id"])
