"""What people see of a status copy's way to the PPF (in a flow's detail)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.models.flow import PpfCopyStatus


class PpfTransmission(BaseModel):
    status: PpfCopyStatus = Field(
        description="`pending`: queued or being retried; `sent`: accepted (see `via`); "
        "`error`: refused by the PPF, with its answer in `error`."
    )
    via: Literal["local", "http"] | None = Field(
        description="`local`: kept in Comptoir only (no PPF endpoint configured); `http`: "
        "sent to the PPF's endpoint. Null until sent."
    )
    queued_at: datetime
    sent_at: datetime | None
    attempts: int = Field(description="Attempts so far (a copy is sent once, retried if down).")
    last_attempt_at: datetime | None
    response_status: int | None = Field(description="The endpoint's last HTTP status.")
    error: str | None = Field(
        description="Why the last attempt failed: for a refusal (`error`), the endpoint's "
        "answer as it sent it (its status in `response_status`)."
    )
