"""SQL of firm registration: pending SSO logins, registrations and identity evidence."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.device import Device
from api.models.registration import FirmRegistration, IdentityVerification, SsoAuthorization
from api.models.user import user_by_email as user_by_email


async def purge_expired_sso_authorizations(session: AsyncSession, now: datetime) -> None:
    await session.execute(
        delete(SsoAuthorization)
        .where(SsoAuthorization.expires_at <= now)
        .execution_options(synchronize_session=False)
    )


async def take_sso_authorization(session: AsyncSession, state_hash: str) -> SsoAuthorization | None:
    """Load and delete the pending login of this state. Single use even under concurrent
    callbacks on several processes: only one DELETE can remove the row."""
    pending = await session.scalar(
        select(SsoAuthorization).where(SsoAuthorization.state_hash == state_hash)
    )
    if pending is None:
        return None
    result = await session.execute(
        delete(SsoAuthorization)
        .where(SsoAuthorization.id == pending.id)
        .execution_options(synchronize_session=False)
    )
    return pending if getattr(result, "rowcount", 0) == 1 else None


async def registration_by_secret_hash(
    session: AsyncSession, secret_hash: str
) -> FirmRegistration | None:
    return await session.scalar(
        select(FirmRegistration).where(FirmRegistration.secret_hash == secret_hash)
    )


async def registration_enrolled_by(
    session: AsyncSession, device_id: uuid.UUID
) -> FirmRegistration | None:
    """The registration whose enrollment link enrolled this device, if any."""
    return await session.scalar(
        select(FirmRegistration)
        .join(Device, Device.enrollment_token_id == FirmRegistration.enrollment_token_id)
        .where(Device.id == device_id, Device.revoked_at.is_(None))
    )


async def identity_attempts(session: AsyncSession, registration_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(IdentityVerification)
        .where(IdentityVerification.registration_id == registration_id)
    )
    return int(count or 0)
