"""Enrollment links: single-use, expiring secrets that let one person's device join Comptoir,
and through it a workspace. Members, client invitations, firm registration and devices all
use them; this domain owns them (issue, revoke, inspect, consume) and sits below all four.

    issue(...)      a new link; the person's older unused links into that workspace die
    revoke(...)     kill the unused links (invitation withdrawn, member removed)
    find(...)       the link a token names (404 when unknown)
    consume(...)    use it once, even under concurrent requests (410 when no longer usable)
    accept(...)     the person is in: every domain's `AcceptanceHandler` says what follows

The handlers are composed at the top (`api/acceptance.py`, as `api/worker.py` composes the
outbox handlers), so a domain that reacts to an acceptance is never imported from here.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from api.core.crypto import hash_token, new_token
from api.core.errors import AppError, NotFound
from api.core.models import utcnow
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.enrollments import repository
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


async def issue(
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


async def revoke(session: AsyncSession, *, user_id: uuid.UUID, workspace_id: uuid.UUID) -> None:
    """Kill the user's unused links into this workspace (invitation revoked, member removed)."""
    await repository.revoke_pending_tokens(session, user_id, workspace_id, utcnow())


@dataclass(frozen=True, slots=True)
class FoundEnrollment:
    record: EnrollmentToken
    user: User
    workspace: Workspace | None


async def find(session: AsyncSession, token: str) -> FoundEnrollment:
    """The link `token` names (a full link, its fragment or the bare token), used or not."""
    found = await repository.get_enrollment_token(session, hash_token(token_from_link(token)))
    if found is None:
        raise EnrollmentTokenUnknown()
    return FoundEnrollment(*found)


@dataclass(frozen=True, slots=True)
class EnrollmentPreview:
    status: str  # valid / used / expired / revoked
    token: EnrollmentToken
    user: User
    workspace: Workspace | None


async def inspect(session: AsyncSession, token: str) -> EnrollmentPreview:
    found = await find(session, token)
    record = found.record
    now = utcnow()
    if record.used_at:
        status = "used"
    elif record.revoked_at:
        status = "revoked"
    elif record.expires_at <= now:
        status = "expired"
    else:
        status = "valid"
    return EnrollmentPreview(status, record, found.user, found.workspace)


async def consume(session: AsyncSession, found: FoundEnrollment, now: datetime) -> None:
    """Use the link once: a second use, an expired or revoked link, or a closed account is
    refused (410), whoever raced for it."""
    if found.user.deleted_at is not None or not await repository.consume_enrollment_token(
        session, found.record.id, now
    ):
        raise EnrollmentTokenUnusable("Demandez un nouveau lien à votre cabinet.")


@dataclass(frozen=True, slots=True)
class Acceptance:
    """A person accepted into a workspace by enrolling a device with its link."""

    user_id: uuid.UUID
    device_id: uuid.UUID
    workspace_id: uuid.UUID
    origin: RequestOrigin


AcceptanceHandler = Callable[[AsyncSession, Acceptance], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class AcceptanceHandlers:
    """What the domains do when a person is accepted, in order (composed by the app)."""

    handlers: Sequence[AcceptanceHandler]


async def accept(session: AsyncSession, handlers: AcceptanceHandlers, accepted: Acceptance) -> None:
    for handler in handlers.handlers:
        await handler(session, accepted)
