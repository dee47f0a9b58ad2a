from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.core.authz import Permission, Role, Scope
from api.core.input import RequestModel
from api.core.pagination import Page


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    first_name: str
    last_name: str


class WorkspaceRef(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    siren: str | None = Field(
        description="The workspace's SIREN: tells apart a firm and its own company space, "
        "which bear the same name."
    )
    roles: list[Role]


class Me(BaseModel):
    user: UserOut
    session_id: uuid.UUID | None
    principal_kind: str
    device_id: uuid.UUID | None
    workspace: WorkspaceRef | None
    roles: list[Role]
    permissions: list[Permission]
    api_key_scopes: list[Scope] = Field(
        description="The scopes this caller may give an API key: each grants only "
        "permissions the caller holds (the API's one scope table decides)."
    )
    workspaces: list[WorkspaceRef]


class WorkspaceSwitch(RequestModel):
    workspace_id: uuid.UUID


class SessionOut(BaseModel):
    id: uuid.UUID
    kind: str
    current: bool
    ip: str | None
    user_agent: str | None
    device_id: uuid.UUID | None
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime


class SessionPage(Page[SessionOut]):
    pass


class ActivityEvent(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    action: str
    occurred_at: datetime
    workspace_id: uuid.UUID | None
    target_type: str | None
    target_id: str | None
    ip: str | None
    user_agent: str | None
    data: dict[str, Any]


class ActivityPage(Page[ActivityEvent]):
    """One page of the caller's own events."""
