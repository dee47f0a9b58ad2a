from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from api.core.authz import Scope
from api.core.input import HumanText, RequestModel
from api.core.pagination import Page


class ApiKeyCreate(RequestModel):
    name: HumanText = Field(min_length=1, max_length=100, examples=["Logiciel de comptabilité"])
    scopes: list[Scope] = Field(min_length=1)
    expires_at: AwareDatetime | None = Field(
        default=None, description="Optional end of validity, in the future."
    )

    @field_validator("expires_at")
    @classmethod
    def _in_the_future(cls, value: datetime | None) -> datetime | None:
        if value is not None and value <= datetime.now(UTC):
            raise ValueError("La date d'expiration doit être dans le futur.")
        return value


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


class ApiKeyPage(Page[ApiKeyOut]):
    pass


class ApiKeyCreated(ApiKeyOut):
    secret: str = Field(description="The key itself, shown this once only.")
