from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, EmailStr, Field, field_validator

from api.core.authz import Role
from api.core.input import HumanText, RequestModel
from api.core.pagination import Page
from api.models.membership import MembershipStatus

# The roles a firm member can hold (a company user belongs to a company workspace instead).
FirmRoleName = Literal["owner", "admin", "client_manager", "accountant"]


def _distinct_roles(roles: list[FirmRoleName]) -> list[FirmRoleName]:
    return sorted(set(roles))


class MemberInvite(RequestModel):
    first_name: HumanText = Field(min_length=1, max_length=100)
    last_name: HumanText = Field(min_length=1, max_length=100)
    email: EmailStr = Field(max_length=320)
    roles: list[FirmRoleName] = Field(min_length=1, max_length=4)

    _roles = field_validator("roles")(_distinct_roles)


class RolesUpdate(RequestModel):
    roles: list[FirmRoleName] = Field(min_length=1, max_length=4)

    _roles = field_validator("roles")(_distinct_roles)


class InvitationOut(BaseModel):
    expires_at: datetime
    expired: bool = Field(description="The link can no longer be used: resend the invitation.")


class MemberOut(BaseModel):
    id: uuid.UUID = Field(description="The membership id (a user's place in this workspace).")
    user_id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    roles: list[Role]
    status: MembershipStatus
    created_at: datetime
    invitation: InvitationOut | None = Field(
        description="The pending invitation link of an invited member, if any."
    )


class MemberPage(Page[MemberOut]):
    """One page of the workspace's members."""
