"""All SQL of the clients domain. Every read goes through `readable(principal)`, which already
scopes to the caller's firm and, for a Comptable, to their assigned clients."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Select,
    String,
    Table,
    and_,
    delete,
    exists,
    select,
    type_coerce,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from api.clients.policy import can_read_all_clients
from api.core.authz import Principal
from api.models.client import (
    Client,
    ClientAssignment,
    ClientImportRow,
    ClientStatus,
    ClientSubscription,
)
from api.models.membership import Membership, MembershipStatus
from api.models.user import User
from api.models.user import user_by_email as user_by_email
from api.models.workspace import Workspace

CLIENTS = Client.__table__


SUBSCRIPTIONS = ClientSubscription.__table__


ASSIGNMENTS = ClientAssignment.__table__


IMPORT_ROWS = cast(Table, ClientImportRow.__table__)


def as_text(column: Any, name: str | None = None) -> Any:
    # A list row goes straight to JSON: the enum's text is what it shows, so no conversion
    # to the Python enum (and back) for every row.
    return type_coerce(column, String).label(name or column.key)


def readable_clause(principal: Principal) -> ColumnElement[bool]:
    """The clients `principal` may see: its firm's, and only the assigned ones for a Comptable."""
    return readable_select(
        can_read_all_clients(principal), principal.workspace_id, principal.user_id
    )


def readable_select(
    all_clients: bool,
    firm_id: uuid.UUID | BindParameter[Any] | None,
    user_id: uuid.UUID | BindParameter[Any] | None,
) -> ColumnElement[bool]:
    # `firm_id` and `user_id` are values, or bound parameters in a statement built once.
    in_firm = CLIENTS.c.firm_id == firm_id
    if all_clients:
        return in_firm
    assigned = exists().where(
        ASSIGNMENTS.c.client_id == CLIENTS.c.id, ASSIGNMENTS.c.user_id == user_id
    )
    return and_(in_firm, assigned)


def readable(principal: Principal) -> Select[Any]:
    return select(Client).where(readable_clause(principal))


async def get_readable(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID
) -> Client | None:
    client: Client | None = await session.scalar(readable(principal).where(Client.id == client_id))
    return client


async def get_by_siren(session: AsyncSession, firm_id: uuid.UUID, siren: str) -> Client | None:
    return await session.scalar(
        select(Client).where(Client.firm_id == firm_id, Client.siren == siren)
    )


async def get(session: AsyncSession, client_id: uuid.UUID) -> Client:
    client = await session.get(Client, client_id)
    assert client is not None  # just inserted, in this transaction
    return client


def insert_statement(session: AsyncSession, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def insert_new_clients(
    session: AsyncSession, values: Sequence[dict[str, Any]]
) -> dict[str, uuid.UUID]:
    """Insert many clients in few statements; a SIREN already a client of the firm is skipped
    by the database itself (`ON CONFLICT DO NOTHING`), so concurrent imports never create a
    client twice. Returns SIREN → id of the rows actually inserted."""
    created: dict[str, uuid.UUID] = {}
    for start in range(0, len(values), 1000):
        statement = (
            insert_statement(session, CLIENTS)
            .on_conflict_do_nothing(index_elements=["firm_id", "siren"])
            .returning(CLIENTS.c.siren, CLIENTS.c.id)
        )
        result = await session.execute(statement, list(values[start : start + 1000]))
        created.update((siren, client_id) for siren, client_id in result.all())
    return created


async def insert_assignments(session: AsyncSession, values: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(values), 1000):
        statement = insert_statement(session, ASSIGNMENTS).on_conflict_do_nothing(
            index_elements=["client_id", "user_id"]
        )
        await session.execute(statement, list(values[start : start + 1000]))


async def get_workspace(session: AsyncSession, workspace_id: uuid.UUID) -> Workspace | None:
    return await session.get(Workspace, workspace_id)


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def any_client(session: AsyncSession, firm_id: uuid.UUID) -> bool:
    found = await session.scalar(select(Client.id).where(Client.firm_id == firm_id).limit(1))
    return found is not None


async def get_readable_for_update(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID
) -> Client | None:
    """The client, locked until the end of the transaction (two "Inviter" clicks at once send
    one link after the other, never two live ones)."""
    client: Client | None = await session.scalar(
        readable(principal).where(Client.id == client_id).with_for_update()
    )
    return client


async def membership_in(
    session: AsyncSession, workspace_id: uuid.UUID, user_id: uuid.UUID
) -> Membership | None:
    return await session.scalar(
        select(Membership).where(
            Membership.workspace_id == workspace_id, Membership.user_id == user_id
        )
    )


async def delete_invited_membership(
    session: AsyncSession, workspace_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    await session.execute(
        delete(Membership)
        .where(
            Membership.workspace_id == workspace_id,
            Membership.user_id == user_id,
            Membership.status == MembershipStatus.INVITED,
        )
        .execution_options(synchronize_session=False)
    )


async def clients_to_remind(
    session: AsyncSession,
    *,
    firm_id: uuid.UUID | None,
    sent_before: datetime,
    max_reminders: int,
    limit: int,
    skip: Sequence[uuid.UUID] = (),
) -> list[Client]:
    """Invited clients whose latest link went out before `sent_before` and who had fewer than
    `max_reminders` reminders, oldest first, locked (another process reminding at the same
    time skips them on PostgreSQL)."""
    statement = (
        select(Client)
        .where(
            Client.status == ClientStatus.INVITED,
            Client.invited_at < sent_before,
            Client.invitation_reminders < max_reminders,
            Client.contact_email.is_not(None),
        )
        .order_by(Client.invited_at, Client.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if firm_id is not None:
        statement = statement.where(Client.firm_id == firm_id)
    if skip:
        statement = statement.where(Client.id.not_in(list(skip)))
    return list(await session.scalars(statement))


async def invited_client_of_company(
    session: AsyncSession, company_workspace_id: uuid.UUID
) -> Client | None:
    return await session.scalar(
        select(Client)
        .where(
            Client.company_workspace_id == company_workspace_id,
            Client.status == ClientStatus.INVITED,
        )
        .with_for_update()
    )
