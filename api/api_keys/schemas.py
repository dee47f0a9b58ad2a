from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.core.authz import Scope


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, examples=["Logiciel de comptabilité"])
    scopes: list[Scope] = Field(min_length=1)
    expires_at: datetime | None = Field(default=None, description="Optional end of validity.")


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    prefix: str = Field(description="First characters of the secret, to recognise the key.")
    scopes: list[Scope]
    created_by_user_id: uuid.UUID
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    last_used_ip: str | None


class ApiKeyCreated(ApiKeyOut):
    secret: str = Field(description="The key itself, shown this once only.")
