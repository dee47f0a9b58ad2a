from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from api.core.reads import fetch_all
from api.core.sql import insert_unless_conflict
from api.models.flow import AckStatus, Flow, FlowDirection, FlowWebhook


async def get_of_client(
    session: AsyncSession, client_id: uuid.UUID, flow_id: uuid.UUID
) -> Flow | None:
    flow: Flow | None = await session.scalar(
        select(Flow).where(Flow.id == flow_id, Flow.client_id == client_id)
    )
    return flow


async def get(session: AsyncSession, flow_id: uuid.UUID) -> Flow | None:
    return await session.get(Flow, flow_id)


async def get_for_update(session: AsyncSession, flow_id: uuid.UUID) -> Flow | None:
    flow: Flow | None = await session.scalar(
        select(Flow).where(Flow.id == flow_id).with_for_update()
    )
    return flow


async def same_file(
    session: AsyncSession, client_id: uuid.UUID, direction: FlowDirection, sha256: str
) -> Flow | None:
    flow: Flow | None = await session.scalar(
        select(Flow).where(
            Flow.client_id == client_id, Flow.direction == direction, Flow.sha256 == sha256
        )
    )
    return flow


async def lock_invoice(session: AsyncSession, flow: Flow) -> None:
    """Until the transaction ends, no other one checks the same seller, number and year: two
    copies of an invoice validated side by side cannot both pass the duplicate check. (On
    SQLite, writing transactions already run one at a time.)"""
    if session.get_bind().dialect.name != "postgresql":
        return
    assert flow.issue_date is not None
    name = f"invoice|{flow.sender_siren}|{flow.invoice_number}|{flow.issue_date.year}"
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    await session.execute(select(func.pg_advisory_xact_lock(key)))


async def same_invoice(session: AsyncSession, flow: Flow) -> Flow | None:
    """The first accepted invoice flow, in `flow`'s direction, from the same seller with the
    same number, issued the same year (an incoming one: for the same client)."""
    assert flow.issue_date is not None
    year = flow.issue_date.year
    statement = (
        select(Flow)
        .options(load_only(Flow.id, Flow.client_id, Flow.submitted_at))
        .where(
            Flow.sender_siren == flow.sender_siren,
            Flow.invoice_number == flow.invoice_number,
            Flow.issue_date >= date(year, 1, 1),
            Flow.issue_date < date(year + 1, 1, 1),
            Flow.direction == flow.direction,
            Flow.syntax != "CDAR",
            Flow.ack_status == AckStatus.OK,
            Flow.id != flow.id,
        )
        .order_by(Flow.submitted_at, Flow.id)
        .limit(1)
    )
    if flow.direction == FlowDirection.IN:
        statement = statement.where(Flow.client_id == flow.client_id)
    found: Flow | None = await session.scalar(statement)
    return found


async def insert_unless_deposited(session: AsyncSession, flow: Flow) -> bool:
    """Insert a deposited flow unless its client already has the same file in the same
    direction (then False: nothing inserted). The flow stays outside the session."""
    table = Flow.__table__
    values = {
        column.name: getattr(flow, column.key)
        for column in table.columns
        if getattr(flow, column.key, None) is not None
    }
    statement = insert_unless_conflict(
        session, Flow, conflict=["client_id", "direction", "sha256"], returning=["id"]
    )
    return (await session.execute(statement, values)).first() is not None


# What `api.flows.service.as_annex` reads, as table columns: a search answers rows, not ORM
# objects (building 25 objects and their identity map cost more than the query's own work).
_FLOWS = Flow.__table__.c
ANNEX_COLUMNS = (
    _FLOWS.id,
    _FLOWS.tracking_id,
    _FLOWS.name,
    _FLOWS.processing_rule,
    _FLOWS.syntax,
    _FLOWS.profile,
    _FLOWS.submitted_at,
    _FLOWS.updated_at,
    _FLOWS.flow_type,
    _FLOWS.processing_rule_source,
    _FLOWS.direction,
    _FLOWS.ack_status,
    _FLOWS.ack_details,
)


@dataclass(frozen=True, slots=True)
class FlowCriteria:
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    processing_rules: Sequence[str] | None = None
    flow_types: Sequence[str] | None = None
    directions: Sequence[str] | None = None
    tracking_id: str | None = None
    ack_status: str | None = None


@dataclass(frozen=True, slots=True)
class _SearchShape:
    """Which criteria a search has (and how many values each list criterion has): one
    statement per shape, built once."""

    updated_after: bool
    updated_before: bool
    processing_rules: int
    flow_types: int
    directions: int
    tracking_id: bool
    ack_status: bool
    after: bool


def _any_of(column: Any, name: str, count: int) -> Any:
    # `IN` would expand its values into the SQL at each call (no plan to keep); a fixed
    # disjunction of parameters keeps one statement per count.
    return or_(*(column == bindparam(f"{name}_{index}") for index in range(count)))


@functools.lru_cache(maxsize=1024)
def _search_statement(shape: _SearchShape) -> Select[*tuple[Any, ...]]:
    """The statement of a search of `shape`, with named parameters (`search` fills them):
    `fetch_all` finds its compiled plan by identity, nothing is built per call."""
    flows = _FLOWS
    conditions = [flows.client_id == bindparam("client_id")]
    if shape.updated_after:
        conditions.append(flows.updated_at > bindparam("updated_after"))
    if shape.updated_before:
        conditions.append(flows.updated_at < bindparam("updated_before"))
    if shape.processing_rules:
        conditions.append(_any_of(flows.processing_rule, "rule", shape.processing_rules))
    if shape.flow_types:
        conditions.append(_any_of(flows.flow_type, "type", shape.flow_types))
    if shape.directions:
        conditions.append(_any_of(flows.direction, "direction", shape.directions))
    if shape.tracking_id:
        conditions.append(flows.tracking_id == bindparam("tracking_id"))
    if shape.ack_status:
        conditions.append(flows.ack_status == bindparam("ack_status"))
    if shape.after:
        conditions.append(
            or_(
                flows.updated_at > bindparam("after_at", type_=flows.updated_at.type),
                and_(
                    flows.updated_at == bindparam("after_at", type_=flows.updated_at.type),
                    flows.id > bindparam("after_id", type_=flows.id.type),
                ),
            )
        )
    return (
        select(*ANNEX_COLUMNS)
        .where(*conditions)
        .order_by(flows.updated_at, flows.id)
        .limit(bindparam("limit", type_=Integer))
    )


async def search(
    session: AsyncSession,
    client_id: uuid.UUID,
    criteria: FlowCriteria,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """The client's flows matching every criterion (a list criterion: any of its values),
    oldest update first, keyset-paginated on (updated_at, id): rows of `ANNEX_COLUMNS` only
    (not the findings and facts of each flow), as plain dicts (`api.core.reads`)."""
    rules = sorted(set(criteria.processing_rules or ()))
    types = sorted(set(criteria.flow_types or ()))
    directions = sorted(set(criteria.directions or ()))
    shape = _SearchShape(
        updated_after=criteria.updated_after is not None,
        updated_before=criteria.updated_before is not None,
        processing_rules=len(rules),
        flow_types=len(types),
        directions=len(directions),
        tracking_id=criteria.tracking_id is not None,
        ack_status=criteria.ack_status is not None,
        after=after is not None,
    )
    params: dict[str, Any] = {"client_id": client_id, "limit": limit}
    if criteria.updated_after is not None:
        params["updated_after"] = criteria.updated_after
    if criteria.updated_before is not None:
        params["updated_before"] = criteria.updated_before
    params.update({f"rule_{index}": value for index, value in enumerate(rules)})
    params.update({f"type_{index}": value for index, value in enumerate(types)})
    params.update({f"direction_{index}": value for index, value in enumerate(directions)})
    if criteria.tracking_id is not None:
        params["tracking_id"] = criteria.tracking_id
    if criteria.ack_status is not None:
        params["ack_status"] = criteria.ack_status
    if after is not None:
        params["after_at"], params["after_id"] = after
    return await fetch_all(session, _search_statement(shape), params)


async def for_people(
    session: AsyncSession,
    clients: Select[uuid.UUID],
    *,
    client_id: uuid.UUID | None,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Flow]:
    """Flows of the given clients (one of them when `client_id`), newest first, for the
    firm's and the company's screens; keyset-paginated on (submitted_at, id)."""
    statement = select(Flow).where(Flow.client_id.in_(clients))
    if client_id is not None:
        statement = statement.where(Flow.client_id == client_id)
    if before is not None:
        statement = statement.where(
            or_(
                Flow.submitted_at < before[0],
                and_(Flow.submitted_at == before[0], Flow.id < before[1]),
            )
        )
    statement = statement.order_by(Flow.submitted_at.desc(), Flow.id.desc()).limit(limit)
    return (await session.scalars(statement)).all()


async def get_for_people(
    session: AsyncSession, clients: Select[uuid.UUID], flow_id: uuid.UUID
) -> Flow | None:
    flow: Flow | None = await session.scalar(
        select(Flow).where(Flow.id == flow_id, Flow.client_id.in_(clients))
    )
    return flow


async def status_flows_of(session: AsyncSession, invoice_flow_id: uuid.UUID) -> Sequence[Flow]:
    return (
        await session.scalars(
            select(Flow)
            .where(Flow.related_flow_id == invoice_flow_id)
            .order_by(Flow.submitted_at, Flow.id)
        )
    ).all()


async def webhooks_of(
    session: AsyncSession, workspace_id: uuid.UUID, client_id: uuid.UUID
) -> Sequence[FlowWebhook]:
    return (
        await session.scalars(
            select(FlowWebhook)
            .where(FlowWebhook.workspace_id == workspace_id, FlowWebhook.client_id == client_id)
            .order_by(FlowWebhook.created_at, FlowWebhook.id)
        )
    ).all()


async def webhook_of(
    session: AsyncSession, workspace_id: uuid.UUID, client_id: uuid.UUID, webhook_id: uuid.UUID
) -> FlowWebhook | None:
    webhook: FlowWebhook | None = await session.scalar(
        select(FlowWebhook).where(
            FlowWebhook.id == webhook_id,
            FlowWebhook.workspace_id == workspace_id,
            FlowWebhook.client_id == client_id,
        )
    )
    return webhook


_WEBHOOKS = FlowWebhook.__table__.c
# Built once: every deposit and every change of a flow reads its client's webhooks.
_CLIENT_WEBHOOKS = select(
    _WEBHOOKS.id, _WEBHOOKS.flow_types, _WEBHOOKS.flow_direction, _WEBHOOKS.ack_status
).where(_WEBHOOKS.client_id == bindparam("client_id"))


async def subscribers(session: AsyncSession, flow: Flow) -> list[uuid.UUID]:
    """The ids of the webhooks of the flow's client whose filters the flow matches."""
    candidates = await fetch_all(session, _CLIENT_WEBHOOKS, {"client_id": flow.client_id})
    return [webhook["id"] for webhook in candidates if matches(webhook, flow)]


async def webhooks_of_clients(
    session: AsyncSession, client_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[Mapping[str, Any]]]:
    """The webhooks of several clients in one query, as plain rows by client (match each flow
    with `matches`)."""
    found: dict[uuid.UUID, list[Mapping[str, Any]]] = {}
    if not client_ids:
        return found
    rows = await session.execute(
        select(
            _WEBHOOKS.id,
            _WEBHOOKS.client_id,
            _WEBHOOKS.flow_types,
            _WEBHOOKS.flow_direction,
            _WEBHOOKS.ack_status,
        ).where(_WEBHOOKS.client_id.in_(client_ids))
    )
    for webhook in rows.mappings():
        found.setdefault(webhook["client_id"], []).append(dict(webhook))
    return found


def matches(webhook: Mapping[str, Any], flow: Flow) -> bool:
    """Whether the flow passes the webhook's filters (type, direction, acknowledgement)."""
    return (
        (not webhook["flow_types"] or flow.flow_type in webhook["flow_types"])
        and (webhook["flow_direction"] is None or webhook["flow_direction"] == flow.direction)
        and (webhook["ack_status"] is None or webhook["ack_status"] == flow.ack_status)
    )


async def get_webhook(session: AsyncSession, webhook_id: uuid.UUID) -> FlowWebhook | None:
    return await session.get(FlowWebhook, webhook_id)


def pending(flow: Flow) -> bool:
    return flow.ack_status == AckStatus.PENDING
