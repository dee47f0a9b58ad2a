"""Devices: a single-use enrollment link (`api.enrollments`) lets one device register its
P-256 public key for one user; the device then approves QR logins and opens its own sessions."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.audit import service as audit
from api.audit.service import Author
from api.auth import service as auth_service
from api.core.actor import Actor
from api.core.authz import Principal
from api.core.crypto import InvalidPublicKey, jwk_thumbprint, public_jwk
from api.core.errors import AppError, Conflict, NotFound
from api.core.models import utcnow
from api.core.request_context import RequestOrigin
from api.devices import repository
from api.enrollments import service as enrollments
from api.models.device import Device


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


async def enroll(
    session: AsyncSession,
    origin: RequestOrigin,
    acceptance: enrollments.AcceptanceHandlers,
    *,
    token: str,
    public_key: dict[str, Any],
    name: str,
    platform: str,
) -> Device:
    """Register a device key with an enrollment link; a link into a workspace accepts its
    person there (`acceptance`: what each domain does then, e.g. activate the membership)."""
    found = await enrollments.find(session, token)
    record, user = found.record, found.user
    try:
        key = public_jwk(public_key)
    except InvalidPublicKey as exc:
        raise DeviceKeyInvalid(str(exc)) from exc
    thumbprint = jwk_thumbprint(key)
    if await repository.device_by_thumbprint(session, thumbprint) is not None:
        raise DeviceAlreadyEnrolled()
    now = utcnow()
    await enrollments.consume(session, found, now)
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
        await enrollments.accept(
            session,
            acceptance,
            enrollments.Acceptance(user.id, device.id, record.workspace_id, origin),
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


async def list_devices(
    session: AsyncSession, principal: Principal, limit: int, cursor: str | None
) -> tuple[list[Device], str | None]:
    assert principal.user_id is not None
    return await repository.devices_of(session, principal.user_id, limit, cursor)


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
