"""SQL of the login domain: challenges, device nonces, sessions and refresh tokens."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from api.core.authz import Role
from api.core.pagination import Keyset, keyset_page
from api.core.reads import AnySelect, fetch_all, fetch_one, write
from api.models.auth_session import AuthSession, RefreshToken, SessionKind
from api.models.device import Device
from api.models.login_challenge import ChallengeStatus, DeviceNonce, LoginChallenge
from api.models.membership import Membership, MembershipStatus
from api.models.user import User
from api.models.workspace import Workspace


async def get_challenge(
    session: AsyncSession, challenge_id: str, *, for_update: bool = False
) -> LoginChallenge | None:
    statement = select(LoginChallenge).where(LoginChallenge.id == challenge_id)
    if for_update:
        statement = statement.with_for_update()
    return await session.scalar(statement.execution_options(populate_existing=True))


_LOCKED_CHALLENGE = (
    select(*LoginChallenge.__table__.columns)
    .where(LoginChallenge.id == bindparam("challenge_id"))
    .with_for_update()
)


async def locked_challenge(session: AsyncSession, challenge_id: str) -> LoginChallenge | None:
    """The challenge, locked until the commit, as a transient object (a statement built once,
    no ORM loading): for a caller that only reads it and moves it with `move_challenge`."""
    row = await fetch_one(session, _LOCKED_CHALLENGE, {"challenge_id": challenge_id})
    return None if row is None else LoginChallenge(**row)


_STATUS_TYPE = LoginChallenge.__table__.c.status.type
_EXPIRES_TYPE = LoginChallenge.__table__.c.expires_at.type
# Compare-and-set statements by the columns they set, built once each (a handful of shapes:
# scan, approve, deny, redeem): building the UPDATE cost more CPU than running it.
_MOVES: dict[tuple[str, ...], Any] = {}


def _move_statement(columns: tuple[str, ...]) -> Any:
    statement = _MOVES.get(columns)
    if statement is None:
        statement = (
            update(LoginChallenge)
            .where(
                LoginChallenge.id == bindparam("challenge_id"),
                LoginChallenge.status == bindparam("from_status", type_=_STATUS_TYPE),
                LoginChallenge.expires_at > bindparam("now", type_=_EXPIRES_TYPE),
            )
            .values({column: bindparam(f"new_{column}") for column in columns})
            .returning(LoginChallenge.id)
        )
        _MOVES[columns] = statement
    return statement


async def move_challenge(
    session: AsyncSession,
    challenge_id: str,
    *,
    from_status: ChallengeStatus,
    now: datetime,
    values: dict[str, Any],
) -> bool:
    """Compare-and-set a challenge's state; False when another request moved it first or it
    expired. This is what makes a second approval or redemption impossible."""
    columns = tuple(sorted(values))
    moved = await write(
        session,
        _move_statement(columns),
        {"challenge_id": challenge_id, "from_status": from_status, "now": now}
        | {f"new_{column}": values[column] for column in columns},
    )
    return len(moved) == 1


async def consume_device_nonce(session: AsyncSession, nonce: str, now: datetime) -> bool:
    result = await session.execute(
        update(DeviceNonce)
        .where(
            DeviceNonce.nonce == nonce, DeviceNonce.used_at.is_(None), DeviceNonce.expires_at > now
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


async def get_refresh_token(session: AsyncSession, token_hash: str) -> RefreshToken | None:
    return await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))


async def mark_rotated(session: AsyncSession, token_id: uuid.UUID, now: datetime) -> bool:
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token_id, RefreshToken.rotated_at.is_(None))
        .values(rotated_at=now)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


async def revoke_sessions(
    session: AsyncSession,
    *,
    now: datetime,
    reason: str,
    session_id: uuid.UUID | None = None,
    device_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    workspace_id: uuid.UUID | None = None,
) -> None:
    conditions: list[ColumnElement[bool]] = [AuthSession.revoked_at.is_(None)]
    if session_id:
        conditions.append(AuthSession.id == session_id)
    if device_id:
        conditions.append(AuthSession.device_id == device_id)
    if user_id:
        conditions.append(AuthSession.user_id == user_id)
    if workspace_id:
        conditions.append(AuthSession.workspace_id == workspace_id)
    await session.execute(
        update(AuthSession)
        .where(and_(*conditions))
        .values(revoked_at=now, revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )


async def live_session_of(
    session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime
) -> AuthSession | None:
    return await session.scalar(
        select(AuthSession).where(
            AuthSession.id == session_id,
            AuthSession.user_id == user_id,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > now,
        )
    )


SESSIONS_SORT = Keyset(
    "sessions,-created_at", (AuthSession.created_at, AuthSession.id), descending=True
)


async def live_sessions_of(
    session: AsyncSession, user_id: uuid.UUID, now: datetime, limit: int, cursor: str | None
) -> tuple[list[AuthSession], str | None]:
    """One page of the user's live sessions, newest first (a stable order: the last use
    moves while the list is paged), and the cursor of the next page."""
    statement = select(AuthSession).where(
        AuthSession.user_id == user_id,
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > now,
    )
    return await keyset_page(session, statement, SESSIONS_SORT, limit, cursor)


@dataclass(frozen=True, slots=True)
class AccessContext:
    """What an authenticated request checks about its session, as plain values."""

    user_id: uuid.UUID
    kind: SessionKind
    device_id: uuid.UUID | None
    workspace_id: uuid.UUID | None
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime
    user_deleted_at: datetime | None
    device_found: bool
    device_revoked_at: datetime | None
    membership_id: uuid.UUID | None
    membership_status: MembershipStatus | None
    roles: frozenset[Role]


def _with_user_device_membership(statement: AnySelect) -> AnySelect:
    """A session's row joined to its user, its device (if any) and its membership in the
    session's workspace (if any)."""
    return (
        statement.join(User, User.id == AuthSession.user_id)
        .outerjoin(Device, Device.id == AuthSession.device_id)
        .outerjoin(
            Membership,
            and_(
                Membership.user_id == AuthSession.user_id,
                Membership.workspace_id == AuthSession.workspace_id,
            ),
        )
    )


_ACCESS_CONTEXT = _with_user_device_membership(
    select(
        AuthSession.user_id,
        AuthSession.kind,
        AuthSession.device_id,
        AuthSession.workspace_id,
        AuthSession.expires_at,
        AuthSession.revoked_at,
        AuthSession.last_used_at,
        User.deleted_at.label("user_deleted_at"),
        Device.id.is_not(None).label("device_found"),
        Device.revoked_at.label("device_revoked_at"),
        Membership.id.label("membership_id"),
        Membership.status.label("membership_status"),
        Membership.roles,
    )
).where(AuthSession.id == bindparam("session_id"))


async def access_context(session: AsyncSession, session_id: uuid.UUID) -> AccessContext | None:
    """Everything one authenticated request checks, in one round trip and without ORM
    objects: this runs on every request (`api.core.reads`)."""
    row = await fetch_one(session, _ACCESS_CONTEXT, {"session_id": session_id})
    if row is None:
        return None
    return AccessContext(**(row | {"roles": row["roles"] or frozenset()}))


async def touch_session(session: AsyncSession, session_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id)
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


async def session_context(
    session: AsyncSession, session_id: uuid.UUID
) -> tuple[AuthSession, User, Device | None, Membership | None] | None:
    """A session with its user, device and membership as ORM objects (the refresh path,
    which changes them)."""
    row = (
        await session.execute(
            _with_user_device_membership(select(AuthSession, User, Device, Membership)).where(
                AuthSession.id == session_id
            )
        )
    ).one_or_none()
    if row is None:
        return None
    return row[0], row[1], row[2], row[3]


_ACTIVE_WORKSPACE_IDS = (
    select(Membership.workspace_id)
    .join(Workspace, Workspace.id == Membership.workspace_id)
    .where(
        Membership.user_id == bindparam("user_id"),
        Membership.status == MembershipStatus.ACTIVE,
    )
    .order_by(Workspace.kind.desc(), Workspace.name)
)


async def active_workspace_ids(session: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    """The workspaces a user acts in, firms first, then by name: the ids only (a login picks
    its default among them, no entity is needed)."""
    rows = await fetch_all(session, _ACTIVE_WORKSPACE_IDS, {"user_id": user_id})
    return [row["workspace_id"] for row in rows]


_CHALLENGE_COLUMNS = tuple(column.key for column in LoginChallenge.__table__.columns)
_INSERT_CHALLENGE = insert(LoginChallenge).values(
    {column: bindparam(f"new_{column}") for column in _CHALLENGE_COLUMNS}
)


async def insert_challenge(session: AsyncSession, challenge: LoginChallenge) -> None:
    """One INSERT built once, without the ORM's unit of work: the object stays transient (the
    caller reads its values, nothing in the request changes it)."""
    await write(
        session,
        _INSERT_CHALLENGE,
        {f"new_{column}": getattr(challenge, column) for column in _CHALLENGE_COLUMNS},
    )


_SESSION_COLUMNS = tuple(column.key for column in AuthSession.__table__.columns)
_REFRESH_TOKEN_COLUMNS = tuple(column.key for column in RefreshToken.__table__.columns)


def _session_values() -> dict[str, Any]:
    return {column: bindparam(f"new_{column}") for column in _SESSION_COLUMNS}


def _token_value(column: str) -> Any:
    return bindparam(f"token_{column}", type_=RefreshToken.__table__.c[column].type)


_INSERT_SESSION = insert(AuthSession).values(_session_values())
_INSERT_REFRESH_TOKEN = insert(RefreshToken).values(
    {column: _token_value(column) for column in _REFRESH_TOKEN_COLUMNS}
)


def _insert_session_and_token() -> Any:
    """PostgreSQL: both rows in one round trip (the token's foreign key is checked at the
    end of the statement, once the session row is in)."""
    new_session = (
        postgresql.insert(AuthSession)
        .values(_session_values())
        .returning(AuthSession.id)
        .cte("new_session")
    )
    token = [
        new_session.c.id if column == "session_id" else _token_value(column)
        for column in _REFRESH_TOKEN_COLUMNS
    ]
    return insert(RefreshToken).from_select(list(_REFRESH_TOKEN_COLUMNS), select(*token))


_INSERT_SESSION_AND_TOKEN = _insert_session_and_token()


async def insert_session(
    session: AsyncSession, auth_session: AuthSession, refresh_token: RefreshToken
) -> None:
    """A new session and its first refresh token, statements built once, without the ORM's
    unit of work (a login's hottest writes): both objects stay transient, every column given.
    One round trip on PostgreSQL, two elsewhere."""
    session_values = {f"new_{column}": getattr(auth_session, column) for column in _SESSION_COLUMNS}
    token_values = {
        f"token_{column}": getattr(refresh_token, column) for column in _REFRESH_TOKEN_COLUMNS
    }
    if session.get_bind().dialect.name == "postgresql":
        await write(session, _INSERT_SESSION_AND_TOKEN, session_values | token_values)
        return
    await write(session, _INSERT_SESSION, session_values)
    await write(session, _INSERT_REFRESH_TOKEN, token_values)


async def active_memberships(
    session: AsyncSession, user_id: uuid.UUID
) -> Sequence[tuple[Membership, Workspace]]:
    result = await session.execute(
        select(Membership, Workspace)
        .join(Workspace, Workspace.id == Membership.workspace_id)
        .where(Membership.user_id == user_id, Membership.status == MembershipStatus.ACTIVE)
        .order_by(Workspace.kind.desc(), Workspace.name)
    )
    return [(row[0], row[1]) for row in result.all()]
