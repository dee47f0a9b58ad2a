from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Integer, UniqueConstraint, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from api.core.authz import Role
from api.core.models import Base, IdMixin, TimestampMixin, str_enum

# One bit per role: cumulative roles in one indexed integer, filterable with `&` on both
# SQLite and PostgreSQL. The bit values are part of the schema: never renumber them.
ROLE_BITS: dict[Role, int] = {
    Role.OWNER: 1,
    Role.ADMIN: 2,
    Role.CLIENT_MANAGER: 4,
    Role.ACCOUNTANT: 8,
    Role.COMPANY_USER: 16,
}


class RoleSet(TypeDecorator[frozenset[Role]]):
    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return sum(ROLE_BITS[Role(role)] for role in set(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> frozenset[Role] | None:
        if value is None:
            return None
        return frozenset(role for role, bit in ROLE_BITS.items() if int(value) & bit)


class MembershipStatus(StrEnum):
    INVITED = "invited"  # invitation sent, device not enrolled yet: cannot log in
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


class Membership(IdMixin, TimestampMixin, Base):
    """A user's place in a workspace, with cumulative roles."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    roles: Mapped[frozenset[Role]] = mapped_column(RoleSet())
    status: Mapped[MembershipStatus] = mapped_column(
        str_enum(MembershipStatus, 16),
        default=MembershipStatus.INVITED,
    )

    @staticmethod
    def has_role(role: Role) -> ColumnElement[bool]:
        # The bit test runs on the raw integer: through `RoleSet` the operands would be
        # taken for sets of roles.
        bits = type_coerce(Membership.roles, Integer)
        return bits.op("&", return_type=Integer)(ROLE_BITS[role]) != 0
