from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.auth.schemas import PublicJwk
from api.core.input import HumanText, MachineText, RequestModel
from api.core.pagination import Page


class DeviceEnroll(RequestModel):
    enrollment_token: MachineText = Field(
        min_length=10, max_length=200, description="The token, or the whole enrollment link."
    )
    public_key: PublicJwk
    name: HumanText = Field(min_length=1, max_length=100, examples=["iPhone de Claire"])
    platform: MachineText = Field(
        min_length=1, max_length=40, examples=["ios", "android", "web", "cli"]
    )


class DeviceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    platform: str
    jwk_thumbprint: str
    created_at: datetime
    last_used_at: datetime | None


class DevicePage(Page[DeviceOut]):
    pass


class EnrollmentInspect(RequestModel):
    enrollment_token: MachineText = Field(min_length=10, max_length=300)


class EnrollmentPreviewOut(BaseModel):
    status: Literal["valid", "used", "expired", "revoked"]
    purpose: str
    first_name: str
    last_name: str
    email: str
    workspace_name: str | None
    expires_at: datetime
    enrollment_url: str
    qr_svg: str = Field(description="The enrollment QR as an SVG data URI.")
    qr_png: str = Field(description="The enrollment QR as a PNG data URI.")
