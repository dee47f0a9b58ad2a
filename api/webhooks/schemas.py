from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.core.input import HumanText, MachineText, RequestModel
from api.core.pagination import Page
from api.webhooks.events import WebhookEvent

if TYPE_CHECKING:
    EventType = WebhookEvent
else:
    # The enum's values as a `Literal`: the contract shows them inline, naming no schema.
    EventType = Literal[tuple(WebhookEvent)]


class WebhookCreate(RequestModel):
    url: MachineText = Field(
        max_length=2000, examples=["https://erp.cabinet-martin.fr/hooks/comptoir"]
    )
    description: HumanText = Field(default="", max_length=200)
    event_types: list[EventType] = Field(min_length=1)


class WebhookUpdate(RequestModel):
    url: MachineText | None = Field(default=None, max_length=2000)
    description: HumanText | None = Field(default=None, max_length=200)
    event_types: list[EventType] | None = Field(default=None, min_length=1)
    enabled: bool | None = None


class WebhookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    description: str
    event_types: list[str]
    created_at: datetime
    disabled_at: datetime | None
    previous_secret_expires_at: datetime | None


class WebhookPage(Page[WebhookOut]):
    pass


class WebhookWithSecret(WebhookOut):
    secret: str = Field(description="`whsec_…`: verify `webhook-signature` with it.")


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(BaseModel):
    id: uuid.UUID
    event_id: str
    event_type: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    payload: dict[str, Any]
    log: list[AttemptOut]


class DeliveryPage(Page[DeliveryOut]):
    """One page of a webhook's deliveries."""
