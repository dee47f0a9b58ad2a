"""Passwordless login (docs/auth.md): QR challenges approved by an enrolled device, device
sessions, and refresh-token families.

State of a challenge: pending → approved → redeemed, or pending → denied; "expired" is
derived from `expires_at`. Every move is a compare-and-set in the database, so two API
processes can serve the same login and a second approval or redemption always fails.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.audit import service as audit
from api.audit.service import ANONYMOUS, Author
from api.auth import repository
from api.auth.protocol import (
    Decision,
    device_session_message,
    login_decision_message,
    redeem_message,
)
from api.auth.tokens import KeyRing
from api.core.actor import Actor
from api.core.authz import Principal, PrincipalKind
from api.core.crypto import (
    InvalidPublicKey,
    hash_token,
    jwk_thumbprint,
    new_token,
    public_jwk,
    verify_es256,
)
from api.core.db import release_connection
from api.core.errors import AppError, Conflict, NotFound, TooManyRequests, Unauthorized
from api.core.models import utcnow
from api.core.qr import svg_data_uri
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.models.auth_session import AuthSession, RefreshToken, SessionKind
from api.models.device import Device
from api.models.login_challenge import ChallengeStatus, DeviceNonce, LoginChallenge
from api.models.membership import Membership
from api.models.workspace import Workspace
from api.rate_limits import service as rate_limits
from api.rate_limits.service import Limit

REFRESH_TOKEN_PREFIX = "cpt_rt_"  # a recognisable prefix, not a secret
# A poll arriving this much earlier than `interval` is still accepted (network jitter).
POLL_SLACK_SECONDS = 0.3


# --- errors -------------------------------------------------------------------------------


class ChallengeNotFound(NotFound):
    code = "challenge-not-found"
    title = "Demande de connexion introuvable"


class ChallengeExpired(AppError):
    status = 410
    code = "challenge-expired"
    title = "Demande de connexion expirée"


class ChallengeAlreadyDecided(Conflict):
    code = "challenge-already-decided"
    title = "Cette demande de connexion a déjà reçu une réponse"


class ChallengeNotApproved(Conflict):
    code = "challenge-not-approved"
    title = "Connexion pas encore approuvée"


class ChallengeDenied(AppError):
    status = 403
    code = "challenge-denied"
    title = "Connexion refusée depuis le téléphone"


class ChallengeAlreadyRedeemed(Conflict):
    code = "challenge-already-redeemed"
    title = "Cette connexion a déjà été utilisée"
    keeps_changes = True  # the replay attempt is audited


class InvalidSignature(Unauthorized):
    code = "invalid-signature"
    title = "Signature invalide"
    keeps_changes = True  # the refused attempt is audited and counted


class StaleSignature(Unauthorized):
    code = "stale-signature"
    title = "Signature trop ancienne ou datée dans le futur"


class InvalidBrowserKey(AppError):
    status = 422
    code = "invalid-public-key"
    title = "Clé publique refusée"


class DeviceNotUsable(Unauthorized):
    code = "device-not-usable"
    title = "Appareil inconnu ou révoqué"
    keeps_changes = True


class SlowDown(TooManyRequests):
    code = "slow_down"
    title = "Interrogation trop fréquente"


class InvalidRefreshToken(Unauthorized):
    code = "invalid-refresh-token"
    title = "Session expirée : reconnectez-vous"


class RefreshTokenReused(Unauthorized):
    code = "refresh-token-reused"
    title = "Jeton déjà utilisé : la session a été fermée par sécurité"
    keeps_changes = True  # the family is revoked although the request fails


class SessionNotFound(NotFound):
    code = "session-not-found"
    title = "Session introuvable"


# --- values returned to routers --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreatedChallenge:
    challenge: LoginChallenge
    qr_url: str
    qr_svg: str


@dataclass(frozen=True, slots=True)
class ChallengeState:
    challenge_id: str
    status: str
    scanned: bool
    match_code: str
    expires_at: datetime
    interval: int


@dataclass(frozen=True, slots=True)
class IssuedSession:
    session: AuthSession
    access_token: str
    access_expires_at: datetime
    refresh_token: str


# --- login challenges ------------------------------------------------------------------------


def _is_expired(challenge: LoginChallenge, now: datetime) -> bool:
    return challenge.expires_at <= now and challenge.status != ChallengeStatus.REDEEMED


def public_status(challenge: LoginChallenge, now: datetime) -> str:
    return "expired" if _is_expired(challenge, now) else challenge.status.value


def qr_url(settings: Settings, challenge_id: str) -> str:
    return f"{settings.token_audience}/qr/v1/{challenge_id}"


async def create_challenge(
    session: AsyncSession, settings: Settings, origin: RequestOrigin, browser_key: dict[str, Any]
) -> CreatedChallenge:
    try:
        key = public_jwk(browser_key)
    except InvalidPublicKey as exc:
        raise InvalidBrowserKey(str(exc)) from exc
    now = utcnow()
    challenge = LoginChallenge(
        id=new_token(nbytes=24),  # 192 bits: the QR code is the only place it appears
        browser_jwk=key,
        browser_jkt=jwk_thumbprint(key),
        server_nonce=new_token(nbytes=24),
        match_code=f"{secrets.randbelow(90) + 10}",
        status=ChallengeStatus.PENDING,
        requester_ip=origin.ip,
        requester_user_agent=origin.user_agent,
        poll_interval_seconds=settings.login_poll_interval_seconds,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.login_challenge_ttl_seconds),
    )
    await repository.insert_challenge(session, challenge)
    await audit.record_as(
        session,
        "auth.challenge.created",
        author=ANONYMOUS,
        origin=origin,
        target_type="login_challenge",
        target_id=challenge.id[:12],
    )
    # Counted last: the per-IP row stays locked from here to the commit only (every challenge
    # of one address waits on it). Past the limit everything above is rolled back.
    await rate_limits.enforce(
        session,
        Limit("login-challenge", settings.rate_limit_challenges_per_ip_per_minute, 60),
        origin.ip or "unknown",
        "Trop de demandes de connexion depuis cette adresse. Patientez une minute.",
    )
    # Committed before the QR code is drawn (a few ms of CPU): the rate-limit row and the
    # audit chain's head stay locked only for the statements, not while other requests wait
    # on them (every challenge of one IP, every anonymous event of the platform chain).
    await release_connection(session)
    url = qr_url(settings, challenge.id)
    return CreatedChallenge(challenge, url, svg_data_uri(url))


def state_of(challenge: LoginChallenge, now: datetime) -> ChallengeState:
    return ChallengeState(
        challenge_id=challenge.id,
        status=public_status(challenge, now),
        scanned=challenge.scanned_at is not None,
        match_code=challenge.match_code,
        expires_at=challenge.expires_at,
        interval=challenge.poll_interval_seconds,
    )


async def wait_for_change(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    challenge_id: str,
    wait_seconds: float,
) -> ChallengeState:
    """Long polling for the browser. Each check is its own short transaction (never one held
    for the whole wait), so any API process sees what another one committed."""
    async with sessionmaker() as session, session.begin():
        challenge = await repository.get_challenge(session, challenge_id, for_update=True)
        if challenge is None:
            raise ChallengeNotFound()
        now = utcnow()
        if challenge.last_polled_at is not None:
            elapsed = (now - challenge.last_polled_at).total_seconds()
            if elapsed + POLL_SLACK_SECONDS < challenge.poll_interval_seconds:
                retry = max(1, round(challenge.poll_interval_seconds - elapsed))
                raise SlowDown(
                    retry,
                    f"Attendez {challenge.poll_interval_seconds} s entre deux interrogations.",
                )
        challenge.last_polled_at = now
        initial = state_of(challenge, now)
    deadline = asyncio.get_running_loop().time() + min(
        wait_seconds, settings.login_long_poll_max_seconds
    )
    state = initial
    while (
        state.status == "pending"
        and state.scanned == initial.scanned
        and asyncio.get_running_loop().time() < deadline
    ):
        await asyncio.sleep(0.5)
        async with sessionmaker() as session, session.begin():
            challenge = await repository.get_challenge(session, challenge_id)
            assert challenge is not None
            state = state_of(challenge, utcnow())
    # The interval is counted from the answer: the next poll may come `interval` s after it.
    async with sessionmaker() as session, session.begin():
        challenge = await repository.get_challenge(session, challenge_id, for_update=True)
        if challenge is not None:
            challenge.last_polled_at = utcnow()
    return state


async def _pending_challenge(session: AsyncSession, challenge_id: str) -> LoginChallenge:
    challenge = await repository.get_challenge(session, challenge_id, for_update=True)
    if challenge is None:
        raise ChallengeNotFound()
    now = utcnow()
    if _is_expired(challenge, now):
        raise ChallengeExpired("Affichez un nouveau code QR sur l'ordinateur.")
    if challenge.status != ChallengeStatus.PENDING:
        raise ChallengeAlreadyDecided()
    return challenge


async def requester_context(
    session: AsyncSession, principal: Principal, challenge_id: str
) -> LoginChallenge:
    """What the phone shows before the user decides; marks the challenge as scanned."""
    _require_device(principal)
    challenge = await _pending_challenge(session, challenge_id)
    if challenge.scanned_at is None:
        challenge.scanned_at = utcnow()
        await session.flush()
    return challenge


def _require_device(principal: Principal) -> None:
    if principal.kind != PrincipalKind.DEVICE or principal.device_id is None:
        raise DeviceNotUsable(
            "Cette action se fait depuis un appareil enrôlé (application mobile ou compagnon)."
        )


async def decide(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    challenge_id: str,
    *,
    decision: Decision,
    device_id: uuid.UUID,
    issued_at: int,
    signature: str,
) -> LoginChallenge:
    """Approve or deny a QR login with a signature by the device that holds the session."""
    _require_device(actor.principal)
    assert actor.principal.user_id is not None
    await rate_limits.enforce(
        session,
        Limit("login-approval", settings.rate_limit_approvals_per_user_per_minute, 60),
        str(actor.principal.user_id),
        "Trop de réponses à des demandes de connexion. Patientez une minute.",
    )
    author = Author.device(actor.principal.user_id, actor.principal.device_id)  # type: ignore[arg-type]
    device = await session.get(Device, device_id)
    if (
        device is None
        or device.id != actor.principal.device_id
        or device.user_id != actor.principal.user_id
        or device.revoked_at is not None
    ):
        await audit.record_as(
            session,
            "auth.challenge.decision_refused",
            author=author,
            origin=actor.origin,
            target_type="login_challenge",
            target_id=challenge_id[:12],
            data={"reason": "device", "claimed_device_id": str(device_id)},
        )
        raise DeviceNotUsable("L'appareil signataire n'est pas celui de cette session.")
    challenge = await _pending_challenge(session, challenge_id)
    now = utcnow()
    if abs(now.timestamp() - issued_at) > settings.device_signature_max_age_seconds:
        raise StaleSignature("Vérifiez l'heure du téléphone puis recommencez.")
    message = login_decision_message(
        audience=settings.token_audience,
        challenge_id=challenge.id,
        browser_key_thumbprint=challenge.browser_jkt,
        server_nonce=challenge.server_nonce,
        decision=decision,
        device_id=str(device.id),
        issued_at=issued_at,
    )
    if not verify_es256(device.public_jwk, message, signature):
        await audit.record_as(
            session,
            "auth.challenge.decision_refused",
            author=author,
            origin=actor.origin,
            target_type="login_challenge",
            target_id=challenge.id[:12],
            data={"reason": "signature"},
        )
        raise InvalidSignature("La signature de l'appareil ne correspond pas à cette demande.")
    approved = decision == Decision.APPROVE
    new_status = ChallengeStatus.APPROVED if approved else ChallengeStatus.DENIED
    moved = await repository.move_challenge(
        session,
        challenge.id,
        from_status=ChallengeStatus.PENDING,
        now=now,
        values={
            "status": new_status,
            "decided_at": now,
            "user_id": device.user_id,
            "device_id": device.id,
        },
    )
    if not moved:
        raise ChallengeAlreadyDecided()
    device.last_used_at = now
    await audit.record_as(
        session,
        "auth.challenge.approved" if approved else "auth.challenge.denied",
        author=author,
        origin=actor.origin,
        target_type="login_challenge",
        target_id=challenge.id[:12],
        data={
            "requester_ip": challenge.requester_ip,
            "requester_user_agent": challenge.requester_user_agent,
        },
    )
    refreshed = await repository.get_challenge(session, challenge.id)
    assert refreshed is not None
    return refreshed


async def redeem(
    session: AsyncSession,
    settings: Settings,
    keys: KeyRing,
    origin: RequestOrigin,
    challenge_id: str,
    *,
    signature: str,
    kind: SessionKind,
) -> IssuedSession:
    """Turn an approved challenge into a session, for the browser that created it only."""
    challenge = await repository.locked_challenge(session, challenge_id)
    if challenge is None:
        raise ChallengeNotFound()
    now = utcnow()
    if challenge.status == ChallengeStatus.REDEEMED:
        await audit.record_as(
            session,
            "auth.challenge.replayed",
            author=ANONYMOUS,
            origin=origin,
            target_type="login_challenge",
            target_id=challenge.id[:12],
        )
        raise ChallengeAlreadyRedeemed()
    if _is_expired(challenge, now):
        raise ChallengeExpired()
    if challenge.status == ChallengeStatus.DENIED:
        raise ChallengeDenied()
    if challenge.status != ChallengeStatus.APPROVED:
        raise ChallengeNotApproved("Validez la connexion sur le téléphone, puis réessayez.")
    message = redeem_message(
        audience=settings.token_audience,
        challenge_id=challenge.id,
        server_nonce=challenge.server_nonce,
    )
    if not verify_es256(challenge.browser_jwk, message, signature):
        await audit.record_as(
            session,
            "auth.challenge.redeem_refused",
            author=ANONYMOUS,
            origin=origin,
            target_type="login_challenge",
            target_id=challenge.id[:12],
            data={"reason": "signature"},
        )
        raise InvalidSignature("Seul le navigateur qui a affiché le code QR peut l'utiliser.")
    moved = await repository.move_challenge(
        session,
        challenge.id,
        from_status=ChallengeStatus.APPROVED,
        now=now,
        values={"status": ChallengeStatus.REDEEMED, "redeemed_at": now},
    )
    if not moved:
        raise ChallengeAlreadyRedeemed()
    assert challenge.user_id is not None
    issued = await start_session(
        session,
        settings,
        keys,
        origin,
        user_id=challenge.user_id,
        kind=kind,
        approved_by_device_id=challenge.device_id,
    )
    await audit.record_as(
        session,
        "auth.challenge.redeemed",
        author=Author.user(challenge.user_id),
        origin=origin,
        workspace_id=issued.session.workspace_id,
        target_type="session",
        target_id=issued.session.id,
        data={"kind": kind.value, "approved_by_device_id": str(challenge.device_id)},
    )
    return issued


# --- device sessions ----------------------------------------------------------------------


async def new_device_nonce(
    session: AsyncSession, settings: Settings, origin: RequestOrigin
) -> DeviceNonce:
    await rate_limits.enforce(
        session,
        Limit("device-nonce", settings.rate_limit_device_sessions_per_ip_per_minute, 60),
        origin.ip or "unknown",
        "Trop de demandes depuis cette adresse. Patientez une minute.",
    )
    now = utcnow()
    nonce = DeviceNonce(
        nonce=new_token(nbytes=24),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.login_challenge_ttl_seconds),
    )
    session.add(nonce)
    await session.flush()
    return nonce


async def open_device_session(
    session: AsyncSession,
    settings: Settings,
    keys: KeyRing,
    origin: RequestOrigin,
    *,
    device_id: uuid.UUID,
    nonce: str,
    issued_at: int,
    signature: str,
    workspace_id: uuid.UUID | None = None,
) -> IssuedSession:
    """The app's own session: a signature by its device key over a fresh server nonce. It
    starts in `workspace_id` when the user still acts there (the phone's last choice)."""
    device = await session.get(Device, device_id)
    now = utcnow()
    if device is None or device.revoked_at is not None:
        raise DeviceNotUsable()
    if abs(now.timestamp() - issued_at) > settings.device_signature_max_age_seconds:
        raise StaleSignature("Vérifiez l'heure de l'appareil puis recommencez.")
    message = device_session_message(
        audience=settings.token_audience, device_id=str(device.id), nonce=nonce, issued_at=issued_at
    )
    if not verify_es256(device.public_jwk, message, signature):
        await audit.record_as(
            session,
            "auth.device_session.refused",
            author=Author.device(device.user_id, device.id),
            origin=origin,
            target_type="device",
            target_id=device.id,
        )
        raise InvalidSignature("La signature de l'appareil est invalide.")
    if not await repository.consume_device_nonce(session, nonce, now):
        raise InvalidSignature("Nonce inconnu, expiré ou déjà utilisé : demandez-en un nouveau.")
    device.last_used_at = now
    issued = await start_session(
        session,
        settings,
        keys,
        origin,
        user_id=device.user_id,
        kind=SessionKind.DEVICE,
        device_id=device.id,
        workspace_id=workspace_id,
    )
    await audit.record_as(
        session,
        "auth.device_session.created",
        author=Author.device(device.user_id, device.id),
        origin=origin,
        target_type="session",
        target_id=issued.session.id,
    )
    return issued


# --- sessions and refresh tokens ---------------------------------------------------------------


async def active_memberships(
    session: AsyncSession, user_id: uuid.UUID
) -> list[tuple[Membership, Workspace]]:
    """The workspaces a user may act in, firms first."""
    return list(await repository.active_memberships(session, user_id))


async def _default_workspace(
    session: AsyncSession, user_id: uuid.UUID, preferred: uuid.UUID | None = None
) -> uuid.UUID | None:
    """`preferred` when the user still acts in it, else the first firm (by name), else the
    first workspace (firms come first in `active_workspace_ids`)."""
    workspace_ids = await repository.active_workspace_ids(session, user_id)
    if preferred is not None and preferred in workspace_ids:
        return preferred
    return workspace_ids[0] if workspace_ids else None


async def start_session(
    session: AsyncSession,
    settings: Settings,
    keys: KeyRing,
    origin: RequestOrigin,
    *,
    user_id: uuid.UUID,
    kind: SessionKind,
    device_id: uuid.UUID | None = None,
    approved_by_device_id: uuid.UUID | None = None,
    workspace_id: uuid.UUID | None = None,
) -> IssuedSession:
    """A new session in `workspace_id` if the user acts in it, else the default workspace."""
    now = utcnow()
    auth_session = AuthSession(
        id=uuid.uuid4(),
        user_id=user_id,
        device_id=device_id,
        approved_by_device_id=approved_by_device_id,
        workspace_id=await _default_workspace(session, user_id, workspace_id),
        kind=kind,
        ip=origin.ip,
        user_agent=origin.user_agent,
        created_at=now,
        last_used_at=now,
        expires_at=now + timedelta(days=settings.session_ttl_days),
    )
    refresh_token = new_token(REFRESH_TOKEN_PREFIX)
    await repository.insert_session(
        session,
        auth_session,
        RefreshToken(
            id=uuid.uuid4(),
            session_id=auth_session.id,
            token_hash=hash_token(refresh_token),
            created_at=now,
        ),
    )
    access_token, access_expires_at = await keys.issue(
        session, user_id=user_id, session_id=auth_session.id
    )
    return IssuedSession(auth_session, access_token, access_expires_at, refresh_token)


async def refresh(
    session: AsyncSession,
    settings: Settings,
    keys: KeyRing,
    origin: RequestOrigin,
    refresh_token: str,
) -> IssuedSession:
    """Rotate the refresh token (RFC 9700 §4.14.2). A token presented twice means it leaked:
    the whole session (its token family) is revoked."""
    stored = await repository.get_refresh_token(session, hash_token(refresh_token))
    if stored is None:
        raise InvalidRefreshToken()
    now = utcnow()
    context = await repository.session_context(session, stored.session_id)
    assert context is not None
    auth_session, user, device, _membership = context
    rotated = stored.rotated_at is None and await repository.mark_rotated(session, stored.id, now)
    if not rotated:
        await repository.revoke_sessions(
            session, now=now, reason="refresh_token_reuse", session_id=auth_session.id
        )
        await audit.record_as(
            session,
            "auth.refresh.reuse_detected",
            author=Author.user(user.id),
            origin=origin,
            workspace_id=auth_session.workspace_id,
            target_type="session",
            target_id=auth_session.id,
        )
        raise RefreshTokenReused()
    if (
        auth_session.revoked_at is not None
        or auth_session.expires_at <= now
        or user.deleted_at is not None
        or (device is not None and device.revoked_at is not None)
    ):
        raise InvalidRefreshToken()
    new_refresh = new_token(REFRESH_TOKEN_PREFIX)
    session.add(RefreshToken(session_id=auth_session.id, token_hash=hash_token(new_refresh)))
    auth_session.last_used_at = now
    await session.flush()
    access_token, access_expires_at = await keys.issue(
        session, user_id=user.id, session_id=auth_session.id
    )
    return IssuedSession(auth_session, access_token, access_expires_at, new_refresh)


async def revoke_session(
    session: AsyncSession,
    actor: Actor,
    session_id: uuid.UUID,
    reason: str,
) -> None:
    """End one of the caller's own sessions (logout, or "log out that other browser")."""
    assert actor.principal.user_id is not None
    if (
        await repository.live_session_of(session, actor.principal.user_id, session_id, utcnow())
        is None
    ):
        raise SessionNotFound()
    await repository.revoke_sessions(session, now=utcnow(), reason=reason, session_id=session_id)
    await audit.record(
        session,
        "auth.session.revoked",
        actor=actor,
        workspace_id=actor.principal.workspace_id,
        target_type="session",
        target_id=session_id,
        data={"reason": reason},
    )


async def list_sessions(
    session: AsyncSession, principal: Principal, limit: int, cursor: str | None
) -> tuple[list[AuthSession], str | None]:
    assert principal.user_id is not None
    return await repository.live_sessions_of(session, principal.user_id, utcnow(), limit, cursor)


async def revoke_device_sessions(session: AsyncSession, device_id: uuid.UUID, reason: str) -> None:
    await repository.revoke_sessions(session, now=utcnow(), reason=reason, device_id=device_id)


async def revoke_workspace_sessions(
    session: AsyncSession, user_id: uuid.UUID, workspace_id: uuid.UUID, reason: str
) -> None:
    """End the user's sessions acting in this workspace (deactivated or removed member);
    their sessions in other workspaces are untouched."""
    await repository.revoke_sessions(
        session, now=utcnow(), reason=reason, user_id=user_id, workspace_id=workspace_id
    )
