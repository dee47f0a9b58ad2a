from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api.auth import service
from api.auth.dependencies import (
    ACCESS_COOKIE,
    CSRF_COOKIE,
    REFRESH_COOKIE,
    Authenticated,
    AuthenticatedActor,
    Keys,
    PersonActor,
    check_csrf,
)
from api.auth.schemas import (
    DeviceNonceOut,
    DeviceSessionCreate,
    Jwks,
    LoginChallengeCreate,
    LoginChallengeCreated,
    LoginChallengeStatus,
    LoginDecision,
    LoginRedeem,
    RefreshRequest,
    RequesterContext,
    SessionStarted,
    TokenPair,
)
from api.core.crypto import new_token
from api.core.db import DbSession
from api.core.errors import problem_responses
from api.core.input import MachineText
from api.core.request_context import Origin
from api.core.responses import model_response
from api.core.settings import Settings, app_settings
from api.core.state import request_state
from api.core.user_agent import describe
from api.models.auth_session import SessionKind

router = APIRouter(prefix="/auth", tags=["auth"])


def _status(state: service.ChallengeState) -> LoginChallengeStatus:
    return LoginChallengeStatus(
        challenge_id=state.challenge_id,
        status=state.status,
        scanned=state.scanned,
        match_code=state.match_code,
        expires_at=state.expires_at,
        interval=state.interval,
    )


def _set_session_cookies(
    response: Response, settings: Settings, issued: service.IssuedSession
) -> None:
    secure = True  # __Host- cookies require Secure; browsers accept it on http://localhost
    max_age = settings.session_ttl_days * 86400
    response.set_cookie(
        ACCESS_COOKIE,
        issued.access_token,
        max_age=settings.access_token_ttl_seconds,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    response.set_cookie(
        REFRESH_COOKIE,
        issued.refresh_token,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    response.set_cookie(
        CSRF_COOKIE,
        new_token(nbytes=24),
        max_age=max_age,
        path="/",
        secure=secure,
        samesite="strict",
    )


def _clear_session_cookies(response: Response) -> None:
    for name in (ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/", secure=True, samesite="strict")


def _token_pair(settings: Settings, issued: service.IssuedSession) -> TokenPair:
    return TokenPair(
        access_token=issued.access_token,
        expires_in=settings.access_token_ttl_seconds,
        refresh_token=issued.refresh_token,
        session_id=issued.session.id,
    )


@router.post(
    "/login-challenges",
    status_code=status.HTTP_201_CREATED,
    response_model=LoginChallengeCreated,
    responses=problem_responses(422, 429),
)
async def create_login_challenge(
    body: LoginChallengeCreate, request: Request, session: DbSession, origin: Origin
) -> Response:
    """Start a QR login for this browser (its ephemeral public key in, the QR code out)."""
    settings = app_settings(request)
    created = await service.create_challenge(session, settings, origin, body.browser_key.as_dict())
    challenge = created.challenge
    return model_response(
        LoginChallengeCreated(
            challenge_id=challenge.id,
            qr_url=created.qr_url,
            qr_svg=created.qr_svg,
            match_code=challenge.match_code,
            server_nonce=challenge.server_nonce,
            audience=settings.token_audience,
            expires_at=challenge.expires_at,
            interval=challenge.poll_interval_seconds,
        ),
        status.HTTP_201_CREATED,
    )


@router.get(
    "/login-challenges/{challenge_id}",
    response_model=LoginChallengeStatus,
    responses=problem_responses(404, 429),
)
async def get_login_challenge(
    challenge_id: MachineText,
    request: Request,
    wait: Annotated[int, Query(ge=0, le=60, description="Long-poll up to this many seconds.")] = 0,
) -> LoginChallengeStatus:
    """Status of a QR login for the browser waiting on it (long polling, `slow_down` past the
    interval)."""
    state = await service.wait_for_change(
        request_state(request).db.writer_sessions, app_settings(request), challenge_id, wait
    )
    return _status(state)


@router.get(
    "/login-challenges/{challenge_id}/context",
    response_model=RequesterContext,
    responses=problem_responses(401, 404, 409, 410),
)
async def get_login_challenge_context(
    challenge_id: MachineText, request: Request, session: DbSession, principal: Authenticated
) -> RequesterContext:
    """What the phone shows before deciding: requester browser, system, IP, match code."""
    challenge = await service.requester_context(session, principal, challenge_id)
    browser, system = describe(challenge.requester_user_agent)
    return RequesterContext(
        challenge_id=challenge.id,
        match_code=challenge.match_code,
        requester_ip=challenge.requester_ip,
        requester_user_agent=challenge.requester_user_agent,
        requester_browser=browser,
        requester_os=system,
        created_at=challenge.created_at,
        expires_at=challenge.expires_at,
        browser_key_thumbprint=challenge.browser_jkt,
        server_nonce=challenge.server_nonce,
        audience=app_settings(request).token_audience,
    )


@router.post(
    "/login-challenges/{challenge_id}/decision",
    response_model=LoginChallengeStatus,
    responses=problem_responses(401, 404, 409, 410, 429),
)
async def decide_login_challenge(
    challenge_id: MachineText,
    body: LoginDecision,
    request: Request,
    session: DbSession,
    actor: AuthenticatedActor,
) -> LoginChallengeStatus:
    """Approve or deny a QR login from an enrolled device (device session + signature)."""
    challenge = await service.decide(
        session,
        app_settings(request),
        actor,
        challenge_id,
        decision=body.decision,
        device_id=body.device_id,
        issued_at=body.issued_at,
        signature=body.signature,
    )
    return _status(service.state_of(challenge, challenge.decided_at or challenge.created_at))


@router.post(
    "/login-challenges/{challenge_id}/redeem",
    response_model=TokenPair | SessionStarted,
    responses=problem_responses(401, 403, 404, 409, 410),
)
async def redeem_login_challenge(
    challenge_id: MachineText,
    body: LoginRedeem,
    request: Request,
    session: DbSession,
    keys: Keys,
    origin: Origin,
) -> Response:
    """Exchange an approved QR login for a session (signature by the browser key)."""
    settings = app_settings(request)
    kind = SessionKind.BROWSER if body.mode == "cookie" else SessionKind.BEARER
    issued = await service.redeem(
        session, settings, keys, origin, challenge_id, signature=body.signature, kind=kind
    )
    if kind == SessionKind.BEARER:
        return model_response(_token_pair(settings, issued))
    response = model_response(
        SessionStarted(
            session_id=issued.session.id,
            user_id=issued.session.user_id,
            access_expires_at=issued.access_expires_at,
        )
    )
    _set_session_cookies(response, settings, issued)
    return response


@router.post(
    "/device-sessions/nonces",
    status_code=status.HTTP_201_CREATED,
    response_model=DeviceNonceOut,
    responses=problem_responses(429),
)
async def create_device_nonce(
    request: Request, session: DbSession, origin: Origin
) -> DeviceNonceOut:
    """A fresh single-use nonce for a device to sign."""
    settings = app_settings(request)
    nonce = await service.new_device_nonce(session, settings, origin)
    return DeviceNonceOut(
        nonce=nonce.nonce, expires_at=nonce.expires_at, audience=settings.token_audience
    )


@router.post(
    "/device-sessions",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenPair,
    responses=problem_responses(401),
)
async def create_device_session(
    body: DeviceSessionCreate, request: Request, session: DbSession, keys: Keys, origin: Origin
) -> TokenPair:
    """Open the app's own session with its device key (no QR, no password)."""
    settings = app_settings(request)
    issued = await service.open_device_session(
        session,
        settings,
        keys,
        origin,
        device_id=body.device_id,
        nonce=body.nonce,
        issued_at=body.issued_at,
        signature=body.signature,
        workspace_id=body.workspace_id,
    )
    return _token_pair(settings, issued)


@router.post(
    "/token/refresh",
    response_model=TokenPair | SessionStarted,
    responses=problem_responses(401, 403),
)
async def refresh_tokens(
    request: Request,
    response: Response,
    session: DbSession,
    keys: Keys,
    origin: Origin,
    body: RefreshRequest | None = None,
) -> TokenPair | SessionStarted:
    """Rotate the refresh token (body in bearer mode, cookie in browser mode)."""
    settings = app_settings(request)
    if body is not None and body.refresh_token:
        issued = await service.refresh(session, settings, keys, origin, body.refresh_token)
        return _token_pair(settings, issued)
    check_csrf(request)
    cookie = request.cookies.get(REFRESH_COOKIE)
    if not cookie:
        raise service.InvalidRefreshToken()
    issued = await service.refresh(session, settings, keys, origin, cookie)
    _set_session_cookies(response, settings, issued)
    return SessionStarted(
        session_id=issued.session.id,
        user_id=issued.session.user_id,
        access_expires_at=issued.access_expires_at,
    )


@router.post(
    "/logout", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 403)
)
async def logout(session: DbSession, actor: PersonActor) -> Response:
    """End the current session and clear the browser's cookies."""
    assert actor.principal.session_id is not None
    await service.revoke_session(session, actor, actor.principal.session_id, "logout")
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    _clear_session_cookies(response)
    return response


@router.get("/jwks", response_model=Jwks)
async def get_jwks(session: DbSession, keys: Keys) -> Jwks:
    """Public keys that verify this deployment's access tokens (RFC 7517)."""
    return Jwks(**await keys.jwks(session))
