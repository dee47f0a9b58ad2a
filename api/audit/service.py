"""The audit trail: append-only, hash-chained per workspace, verifiable.

`hash = sha256(prev_hash ‖ canonical JSON of the row)`. Appending locks the chain's head row,
so concurrent requests on several API processes extend the chain one after the other.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import repository
from api.core.actor import Actor
from api.core.authz import Principal, PrincipalKind
from api.core.models import utcnow
from api.core.pagination import (
    InvalidCursor,
    decode_cursor,
    decode_sorted_cursor,
    encode_cursor,
    encode_sorted_cursor,
)
from api.core.request_context import RequestOrigin
from api.models.audit_event import AuditChainHead, AuditEvent
from api.models.user import User

PLATFORM_CHAIN = "platform"


@dataclass(frozen=True, slots=True)
class Author:
    """Who did it, as the trail records it: one constructor per kind of author. Anonymous
    steps (a browser creating a login challenge) have no user. A request's `Actor` is recorded
    by `record`, which takes its author from the principal."""

    kind: str
    user_id: uuid.UUID | None = None
    device_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None

    @classmethod
    def of(cls, principal: Principal) -> Author:
        return cls(
            kind=principal.kind.value,
            user_id=principal.user_id,
            device_id=principal.device_id,
            api_key_id=principal.api_key_id,
        )

    @classmethod
    def user(cls, user_id: uuid.UUID) -> Author:
        """A person outside a session of theirs (approving a login, accepting a link)."""
        return cls(kind=PrincipalKind.USER.value, user_id=user_id)

    @classmethod
    def device(cls, user_id: uuid.UUID, device_id: uuid.UUID) -> Author:
        return cls(kind=PrincipalKind.DEVICE.value, user_id=user_id, device_id=device_id)

    @classmethod
    def registrant(cls, user_id: uuid.UUID) -> Author:
        """Whoever holds a firm registration in progress (SSO callback, SIREN)."""
        return cls(kind="registrant", user_id=user_id)


ANONYMOUS = Author(kind="anonymous")
SYSTEM = Author(kind="system")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def canonical_row(event: AuditEvent) -> bytes:
    """The hashed content of a row: every column but the hashes, in a fixed JSON form."""
    return json.dumps(
        _canonical_fields(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def canonical_around_sequence(event: AuditEvent) -> tuple[str, str]:
    """`canonical_row` as the text before and after the sequence number, which the database
    splices in once it has locked the chain's head: `before + str(sequence) + after` is the
    canonical row, byte for byte (the keys are sorted, so `sequence` sits between
    `occurred_at` and `target_id`; each side is rendered by the same `json.dumps`)."""
    fields = _canonical_fields(event)
    del fields["sequence"]
    ahead = {key: value for key, value in fields.items() if key < "sequence"}
    behind = {key: value for key, value in fields.items() if key > "sequence"}

    def inner(part: dict[str, Any]) -> str:
        text = json.dumps(part, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text[1:-1]

    return "{" + inner(ahead) + ',"sequence":', "," + inner(behind) + "}"


def _canonical_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "chain": event.chain,
        "sequence": event.sequence,
        "workspace_id": _text(event.workspace_id),
        "actor_kind": event.actor_kind,
        "actor_user_id": _text(event.actor_user_id),
        "actor_device_id": _text(event.actor_device_id),
        "actor_api_key_id": _text(event.actor_api_key_id),
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "data": event.data,
    }


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_row(event)).hexdigest()


@dataclass(frozen=True, slots=True)
class _Entry:
    """What one event says, before it takes its place in a chain."""

    action: str
    author: Author
    origin: RequestOrigin | None
    workspace_id: uuid.UUID | None
    target_type: str | None
    target_id: object | None
    data: dict[str, Any]


def _unchained(chain: str, entry: _Entry, *, occurred_at: datetime) -> AuditEvent:
    """`entry` as a row of `chain`, before it has its place (sequence and hashes)."""
    # Rendered as JSON once, so the hash recomputed from the stored row is the hash computed
    # at the append, on SQLite and PostgreSQL alike.
    return AuditEvent(
        id=uuid.uuid4(),
        chain=chain,
        workspace_id=entry.workspace_id,
        actor_kind=entry.author.kind,
        actor_user_id=entry.author.user_id,
        actor_device_id=entry.author.device_id,
        actor_api_key_id=entry.author.api_key_id,
        action=entry.action,
        target_type=entry.target_type,
        target_id=_text(entry.target_id),
        ip=entry.origin.ip if entry.origin else None,
        user_agent=entry.origin.user_agent if entry.origin else None,
        occurred_at=occurred_at,
        data=json.loads(json.dumps(entry.data, default=str)),
    )


def _chained(head: AuditChainHead, entry: _Entry, *, occurred_at: datetime) -> AuditEvent:
    """`entry` as the next event of the chain whose locked head is `head`, which moves on."""
    event = _unchained(head.chain, entry, occurred_at=occurred_at)
    event.sequence = head.sequence + 1
    event.prev_hash = head.hash
    event.hash = chain_hash(head.hash, event)
    head.sequence = event.sequence
    head.hash = event.hash
    return event


async def record(
    session: AsyncSession,
    action: str,
    *,
    actor: Actor,
    workspace_id: uuid.UUID | None = None,
    target_type: str | None = None,
    target_id: object | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """What a request's actor did (its principal, from its origin)."""
    return await record_as(
        session,
        action,
        author=Author.of(actor.principal),
        origin=actor.origin,
        workspace_id=workspace_id,
        target_type=target_type,
        target_id=target_id,
        data=data,
    )


async def record_as(
    session: AsyncSession,
    action: str,
    *,
    author: Author,
    origin: RequestOrigin | None = None,
    workspace_id: uuid.UUID | None = None,
    target_type: str | None = None,
    target_id: object | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to its workspace's chain (flushes; the unit of work commits)."""
    chain = str(workspace_id) if workspace_id else PLATFORM_CHAIN
    entry = _Entry(action, author, origin, workspace_id, target_type, target_id, data or {})
    if session.get_bind().dialect.name == "postgresql":
        # One round trip, the head locked from here to the commit only: under load the chain
        # (all anonymous events share one) no longer waits on the holder's other statements.
        event = _unchained(chain, entry, occurred_at=utcnow())
        before, after = canonical_around_sequence(event)
        if not await repository.append_in_one_statement(session, event, before, after):
            await repository.ensure_chain_head(session, chain)
            appended = await repository.append_in_one_statement(session, event, before, after)
            assert appended
        return event
    head = await repository.lock_chain_head(session, chain)
    event = _chained(head, entry, occurred_at=utcnow())
    session.add(event)
    await session.flush()
    return event


@dataclass(frozen=True, slots=True)
class ChainReport:
    events_checked: int
    chains_checked: int
    first_broken: AuditEvent | None
    reason: str | None


async def verify(session: AsyncSession) -> ChainReport:
    """Recompute every chain from its genesis; report the first row that does not fit."""
    heads = await repository.chain_heads(session)
    checked = 0
    chains: dict[str, tuple[int, str]] = {}
    async for event in repository.stream_chain(session):
        checked += 1
        sequence, prev_hash = chains.get(event.chain, (0, repository.GENESIS_HASH))
        problem = None
        if event.sequence != sequence + 1:
            problem = f"séquence {event.sequence} inattendue (attendue : {sequence + 1})"
        elif event.prev_hash != prev_hash:
            problem = "prev_hash ne correspond pas au hash de la ligne précédente"
        elif chain_hash(prev_hash, event) != event.hash:
            problem = "le contenu de la ligne ne correspond plus à son hash"
        if problem:
            return ChainReport(checked, len(chains), event, problem)
        chains[event.chain] = (event.sequence, event.hash)
    for chain, head in heads.items():
        last = chains.get(chain, (0, repository.GENESIS_HASH))
        if (head.sequence, head.hash) != last:
            return ChainReport(
                checked, len(chains), None, f"des lignes manquent en fin de chaîne {chain}"
            )
    return ChainReport(checked, len(chains), None, None)


ACTIVITY_SORT = "-occurred_at"


async def recent_activity_of(
    session: AsyncSession, user_id: uuid.UUID, limit: int = 50, cursor: str | None = None
) -> tuple[list[AuditEvent], str | None]:
    """One page of a user's own events, newest first, and the cursor of the next one."""
    before_key = (
        decode_sorted_cursor(cursor, ACTIVITY_SORT, datetime.fromisoformat) if cursor else None
    )
    events = list(await repository.events_of_user(session, user_id, limit + 1, before_key))
    if len(events) <= limit:
        return events, None
    last = events[limit - 1]
    return events[:limit], encode_sorted_cursor(ACTIVITY_SORT, last.occurred_at, last.id)


@dataclass(frozen=True, slots=True)
class AuditFilters:
    action: str | None = None  # a prefix: "member." lists every member event
    actor_user_id: uuid.UUID | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def list_events(
    session: AsyncSession,
    principal: Principal,
    filters: AuditFilters,
    *,
    cursor: str | None,
    limit: int,
) -> tuple[list[tuple[AuditEvent, User | None]], str | None]:
    """One page of the caller's workspace trail, newest first, with each actor's account."""
    assert principal.workspace_id is not None  # `require(AUDIT_READ)` guarantees it
    before_sequence = None
    if cursor:
        (value,) = decode_cursor(cursor, 1)
        if not isinstance(value, int):
            raise InvalidCursor()
        before_sequence = value
    statement = repository.events_of_workspace(
        principal.workspace_id,
        action=filters.action,
        actor_user_id=filters.actor_user_id,
        target_type=filters.target_type,
        target_id=filters.target_id,
        since=filters.since,
        until=filters.until,
    )
    rows = await repository.list_events(
        session, statement, before_sequence=before_sequence, limit=limit + 1
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1][0].sequence])
    return rows, next_cursor


async def record_many(
    session: AsyncSession,
    action: str,
    *,
    author: Author,
    origin: RequestOrigin | None,
    workspace_id: uuid.UUID,
    target_type: str,
    targets: Sequence[tuple[object, dict[str, Any]]],
) -> None:
    """The same action on many targets (a bulk request): one chain lock and one batched
    insert instead of a round trip per event; each row is chained exactly as `record` does."""
    if not targets:
        return
    chain = str(workspace_id)
    head = await repository.lock_chain_head(session, chain)
    occurred_at = utcnow()
    events = [
        _chained(
            head,
            _Entry(
                action,
                author,
                origin,
                workspace_id,
                target_type,
                target_id,
                data,
            ),
            occurred_at=occurred_at,
        )
        for target_id, data in targets
    ]
    session.add_all(events)
    await session.flush()
