from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.auth.protocol import Decision
from api.core.input import Base64Url, MachineText, RequestModel


class PublicJwk(RequestModel):
    """A public P-256 key as a JWK (RFC 7517); only these members are read."""

    model_config = ConfigDict(extra="allow")

    kty: Literal["EC"]
    crv: Literal["P-256"]
    x: Base64Url
    y: Base64Url

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump()


class LoginChallengeCreate(RequestModel):
    browser_key: PublicJwk = Field(
        description="Public half of the browser's ephemeral, non-extractable P-256 key."
    )


class LoginChallengeCreated(BaseModel):
    challenge_id: str
    qr_url: str = Field(description="What the QR code encodes: `{PUBLIC_URL}/qr/v1/{id}`.")
    qr_svg: str = Field(description="The QR code as an SVG data URI.")
    match_code: str = Field(description="Two digits shown on both screens.")
    server_nonce: str = Field(description="The nonce the browser signs to redeem.")
    audience: str
    expires_at: datetime
    interval: int = Field(description="Minimum seconds between two status polls.")


class LoginChallengeStatus(BaseModel):
    challenge_id: str
    status: Literal["pending", "approved", "denied", "redeemed", "expired"]
    scanned: bool = Field(description="A device has opened the requester context.")
    match_code: str
    expires_at: datetime
    interval: int


class RequesterContext(BaseModel):
    """What the phone shows before the user approves or denies."""

    challenge_id: str
    match_code: str
    requester_ip: str | None
    requester_user_agent: str | None
    requester_browser: str
    requester_os: str
    created_at: datetime
    expires_at: datetime
    browser_key_thumbprint: str
    server_nonce: str
    audience: str


class LoginDecision(RequestModel):
    decision: Decision
    device_id: uuid.UUID
    issued_at: int = Field(description="Unix time (seconds) included in the signed message.")
    signature: Base64Url = Field(description="ES256 (raw r‖s, base64url) over the message.")


class LoginRedeem(RequestModel):
    signature: Base64Url = Field(description="ES256 by the browser key over the redeem message.")
    mode: Literal["cookie", "bearer"] = Field(
        default="cookie",
        description="`cookie`: HttpOnly cookies + CSRF cookie (browsers); `bearer`: tokens in "
        "the body.",
    )


class TokenPair(BaseModel):
    token_type: Literal["Bearer"] = "Bearer"
    access_token: str
    expires_in: int
    refresh_token: str
    session_id: uuid.UUID


class SessionStarted(BaseModel):
    session_id: uuid.UUID
    user_id: uuid.UUID
    access_expires_at: datetime


class RefreshRequest(RequestModel):
    refresh_token: MachineText | None = Field(
        default=None, description="Bearer mode; browsers send the refresh cookie instead."
    )


class DeviceNonceOut(BaseModel):
    nonce: str
    expires_at: datetime
    audience: str


class DeviceSessionCreate(RequestModel):
    device_id: uuid.UUID
    nonce: MachineText = Field(max_length=64)
    issued_at: int
    signature: Base64Url
    workspace_id: uuid.UUID | None = Field(
        default=None,
        description="The workspace to start in (the one last chosen on the phone); one the "
        "user no longer belongs to is ignored: the session then starts in the default one.",
    )


class Jwks(BaseModel):
    keys: list[dict[str, Any]]
