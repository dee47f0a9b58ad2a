"""Device enrollment: a single-use enrollment token lets one device register its P-256 public
key for one user; the device then approves QR logins and opens its own sessions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.audit.service import Author
from api.auth import service as auth_service
from api.clients import invitations as client_invitations
from api.core.actor import Actor
from api.core.authz import Principal
from api.core.crypto import InvalidPublicKey, hash_token, jwk_thumbprint, new_token, public_jwk
from api.core.errors import AppError, Conflict, NotFound
from api.core.models import utcnow
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.devices import repository
from api.members import service as members_service
from api.models.device import Device
from api.models.enrollment_token import EnrollmentPurpose, EnrollmentToken
from api.models.user import User
from api.models.workspace import Workspace

ENROLLMENT_TOKEN_PREFIX = "cpt_enr_"


class EnrollmentTokenUnknown(NotFound):
    code = "enrollment-token-unknown"
    title = "Lien d'enrôlement inconnu"


class EnrollmentTokenUnusable(AppError):
    status = 410
    code = "enrollment-token-unusable"
    title = "Lien d'enrôlement expiré ou déjà utilisé"


class DeviceKeyInvalid(AppError):
    status = 422
    code = "invalid-public-key"
    title = "Clé publique de l'appareil refusée"


class DeviceAlreadyEnrolled(Conflict):
    code = "device-already-enrolled"
    title = "Cette clé d'appareil est déjà enrôlée"


class DeviceNotFound(NotFound):
    code = "device-not-found"
    title = "Appareil introuvable"


@dataclass(frozen=True, slots=True)
class IssuedEnrollment:
    token: str  # shown once (e-mail, CLI output), only its hash is stored
    url: str
    record: EnrollmentToken


def enrollment_url(settings: Settings, token: str) -> str:
    # The token travels in the fragment: browsers never send it to the server or to logs.
    return f"{settings.token_audience}/enroll#{token}"


def token_from_link(link: str) -> str:
    """Accept the full link, its fragment, or the bare token (what people paste)."""
    return link.strip().rsplit("#", 1)[-1].rsplit("/", 1)[-1]


async def issue_enrollment(
    session: AsyncSession,
    settings: Settings,
    *,
    user_id: uuid.UUID,
    workspace_id: uuid.UUID | None,
    purpose: EnrollmentPurpose,
) -> IssuedEnrollment:
    """A new single-use link; older unused links of the same user and workspace stop working."""
    now = utcnow()
    await repository.revoke_pending_tokens(session, user_id, workspace_id, now)
    token = new_token(ENROLLMENT_TOKEN_PREFIX)
    record = EnrollmentToken(
        token_hash=hash_token(token),
        user_id=user_id,
        workspace_id=workspace_id,
        purpose=purpose,
        created_at=now,
        expires_at=now + timedelta(hours=settings.enrollment_token_ttl_hours),
    )
    session.add(record)
    await session.flush()
    return IssuedEnrollment(token, enrollment_url(settings, token), record)


async def revoke_enrollments(
    session: AsyncSession, *, user_id: uuid.UUID, workspace_id: uuid.UUID
) -> None:
    """Kill the user's unused links into this workspace (invitation revoked, member removed)."""
    await repository.revoke_pending_tokens(session, user_id, workspace_id, utcnow())


@dataclass(frozen=True, slots=True)
class EnrollmentPreview:
    status: str  # valid / used / expired / revoked
    token: EnrollmentToken
    user: User
    workspace: Workspace | None


async def inspect(session: AsyncSession, token: str) -> EnrollmentPreview:
    found = await repository.get_enrollment_token(session, hash_token(token_from_link(token)))
    if found is None:
        raise EnrollmentTokenUnknown()
    record, user, workspace = found
    now = utcnow()
    if record.used_at:
        status = "used"
    elif record.revoked_at:
        status = "revoked"
    elif record.expires_at <= now:
        status = "expired"
    else:
        status = "valid"
    return EnrollmentPreview(status, record, user, workspace)


async def enroll(
    session: AsyncSession,
    origin: RequestOrigin,
    *,
    token: str,
    public_key: dict[str, Any],
    name: str,
    platform: str,
) -> Device:
    """Register a device key with an enrollment token; activates the invited membership."""
    found = await repository.get_enrollment_token(session, hash_token(token_from_link(token)))
    if found is None:
        raise EnrollmentTokenUnknown()
    record, user, _workspace = found
    try:
        key = public_jwk(public_key)
    except InvalidPublicKey as exc:
        raise DeviceKeyInvalid(str(exc)) from exc
    thumbprint = jwk_thumbprint(key)
    if await repository.device_by_thumbprint(session, thumbprint) is not None:
        raise DeviceAlreadyEnrolled()
    now = utcnow()
    if user.deleted_at is not None or not await repository.consume_enrollment_token(
        session, record.id, now
    ):
        raise EnrollmentTokenUnusable("Demandez un nouveau lien à votre cabinet.")
    device = Device(
        id=uuid.uuid4(),
        user_id=user.id,
        name=name,
        platform=platform,
        public_jwk=key,
        jwk_thumbprint=thumbprint,
        created_at=now,
        enrollment_token_id=record.id,
    )
    session.add(device)
    await session.flush()
    if record.workspace_id is not None:
        await members_service.activate_on_enrollment(session, user.id, record.workspace_id)
        await client_invitations.activate_on_enrollment(
            session, origin, user_id=user.id, device_id=device.id, workspace_id=record.workspace_id
        )
    await audit.record_as(
        session,
        "device.enrolled",
        author=Author.device(user.id, device.id),
        origin=origin,
        workspace_id=record.workspace_id,
        target_type="device",
        target_id=device.id,
        data={"name": name, "platform": platform, "purpose": record.purpose.value},
    )
    return device


async def list_devices(session: AsyncSession, principal: Principal) -> list[Device]:
    assert principal.user_id is not None
    return list(await repository.devices_of(session, principal.user_id))


async def revoke(session: AsyncSession, actor: Actor, device_id: uuid.UUID) -> None:
    """Revoke one of the caller's devices: it can no longer approve logins, and the sessions
    it opened for itself end at their next request."""
    device = await session.get(Device, device_id)
    if device is None or device.user_id != actor.principal.user_id or device.revoked_at is not None:
        raise DeviceNotFound()
    device.revoked_at = utcnow()
    await auth_service.revoke_device_sessions(session, device.id, "device_revoked")
    await audit.record(
        session,
        "device.revoked",
        actor=actor,
        workspace_id=actor.principal.workspace_id,
        target_type="device",
        target_id=device.id,
    )
