from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.core.pagination import Page


class AuditActor(BaseModel):
    kind: str = Field(description="user, device, api_key, anonymous or system.")
    user_id: uuid.UUID | None
    device_id: uuid.UUID | None
    api_key_id: uuid.UUID | None
    email: str | None
    name: str | None


class AuditEventOut(BaseModel):
    id: uuid.UUID
    sequence: int = Field(description="Position in the workspace's hash chain.")
    action: str
    occurred_at: datetime
    actor: AuditActor
    target_type: str | None
    target_id: str | None
    ip: str | None
    user_agent: str | None
    data: dict[str, Any]


class AuditEventPage(Page[AuditEventOut]):
    """One page of the workspace journal."""
