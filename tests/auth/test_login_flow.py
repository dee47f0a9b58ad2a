"""The QR login, end to end over HTTP: enroll → challenge → approve → redeem → /me →
refresh → logout, and every refusal the protocol promises (docs/auth.md)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.protocol import Decision
from api.core.models import utcnow
from api.core.settings import Settings
from api.models.audit_event import AuditEvent
from api.models.auth_session import AuthSession
from api.models.enrollment_token import EnrollmentToken
from api.models.login_challenge import LoginChallenge
from api.models.user import User
from tests.helpers import (
    Browser,
    Phone,
    bearer_login,
    create_firm,
    enrolled_phone,
    pending_qr_login,
)


async def _actions(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(AuditEvent.action).order_by(AuditEvent.occurred_at)))


def _problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


async def test_full_browser_login_then_refresh_and_logout(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    phone = await enrolled_phone(client, firm.enrollment.url)

    browser = Browser()
    created = await browser.show_qr(client)
    assert created.status_code == 201
    body = created.json()
    assert body["qr_url"] == f"https://testserver/qr/v1/{browser.challenge_id}"
    assert body["qr_svg"].startswith("data:image/svg+xml;base64,")
    assert len(browser.challenge_id) >= 32  # ≥ 128 bits of randomness, base64url

    context = await phone.context(client, browser.challenge_id)
    assert context.status_code == 200
    assert context.json()["match_code"] == body["match_code"]
    status = await client.get(f"/api/v1/auth/login-challenges/{browser.challenge_id}")
    assert status.json()["status"] == "pending"
    assert status.json()["scanned"] is True

    approved = await phone.decide(client, browser.challenge_id)
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"

    redeemed = await browser.redeem(client)
    assert redeemed.status_code == 200, redeemed.text
    cookies = redeemed.headers.get_list("set-cookie")
    access_cookie = next(c for c in cookies if c.startswith("__Host-comptoir_access="))
    for attribute in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert attribute.lower() in access_cookie.lower()

    me = await client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["user"]["email"] == firm.owner.email
    assert me.json()["workspace"]["name"] == "Cabinet Martin & Associés"
    assert "members:manage" in me.json()["permissions"]

    csrf = client.cookies["comptoir_csrf"]
    refused = await client.post("/api/v1/auth/token/refresh")
    _problem(refused, 403, "csrf-failed")
    refreshed = await client.post("/api/v1/auth/token/refresh", headers={"X-CSRF-Token": csrf})
    assert refreshed.status_code == 200, refreshed.text

    csrf = client.cookies["comptoir_csrf"]
    assert (await client.post("/api/v1/auth/logout")).status_code == 403
    logout = await client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert logout.status_code == 204
    assert (await client.get("/api/v1/me")).status_code == 401

    assert await _actions(session) == [
        "firm.created",
        "membership.activated",
        "device.enrolled",
        "auth.device_session.created",
        "auth.challenge.created",
        "auth.challenge.approved",
        "auth.challenge.redeemed",
        "auth.session.revoked",
    ]


async def test_bearer_login_for_integrations_and_the_app(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    phone = await enrolled_phone(client, firm.enrollment.url)
    tokens = await bearer_login(client, phone)
    assert tokens["token_type"] == "Bearer"
    assert tokens["refresh_token"].startswith("cpt_rt_")
    me = await client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.json()["principal_kind"] == "user"
    device_me = await client.get("/api/v1/me", headers=phone.auth)
    assert device_me.json()["principal_kind"] == "device"


async def test_denied_login_cannot_be_redeemed(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    phone, browser = await pending_qr_login(client, session, settings)
    context = (await phone.context(client, browser.challenge_id)).json()
    denied = await phone.decide(client, browser.challenge_id, Decision.DENY)
    assert denied.json()["status"] == "denied"
    _problem(await browser.redeem(client), 403, "challenge-denied")
    change_of_mind = await client.post(
        f"/api/v1/auth/login-challenges/{browser.challenge_id}/decision",
        headers=phone.auth,
        json=phone.sign_decision(context, Decision.APPROVE),
    )
    _problem(change_of_mind, 409, "challenge-already-decided")


async def test_expired_challenge_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    phone, browser = await pending_qr_login(client, session, settings)
    await session.execute(
        update(LoginChallenge)
        .where(LoginChallenge.id == browser.challenge_id)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    await session.commit()
    status = await client.get(f"/api/v1/auth/login-challenges/{browser.challenge_id}")
    assert status.json()["status"] == "expired"
    _problem(await phone.context(client, browser.challenge_id), 410, "challenge-expired")
    _problem(await browser.redeem(client), 410, "challenge-expired")


async def test_second_redemption_fails_and_is_audited(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    phone, browser = await pending_qr_login(client, session, settings)
    await phone.decide(client, browser.challenge_id)
    assert (await browser.redeem(client, "bearer")).status_code == 200
    _problem(await browser.redeem(client, "bearer"), 409, "challenge-already-redeemed")
    assert (await _actions(session))[-1] == "auth.challenge.replayed"


async def test_redemption_needs_the_browser_key_signature(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    phone, browser = await pending_qr_login(client, session, settings)
    await phone.decide(client, browser.challenge_id)
    url = f"/api/v1/auth/login-challenges/{browser.challenge_id}/redeem"

    missing = await client.post(url, json={"mode": "bearer"})
    _problem(missing, 422, "validation-error")
    assert missing.json()["errors"][0]["pointer"] == "/body/signature"

    attacker = Browser(challenge=browser.challenge)  # knows the QR, not the browser's key
    wrong_key = await client.post(url, json={"signature": attacker.redeem_signature()})
    _problem(wrong_key, 401, "invalid-signature")
    other_nonce = await client.post(
        url, json={"signature": browser.redeem_signature(server_nonce="autre-nonce")}
    )
    _problem(other_nonce, 401, "invalid-signature")
    assert (await _actions(session))[-1] == "auth.challenge.redeem_refused"
    # The legitimate browser still gets in afterwards.
    assert (await browser.redeem(client, "bearer")).status_code == 200


async def test_approval_signature_must_cover_this_challenge_and_nonce(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    phone = await enrolled_phone(client, firm.enrollment.url)
    first, second = Browser(), Browser()
    await first.show_qr(client)
    await second.show_qr(client)
    context = (await phone.context(client, first.challenge_id)).json()
    url = f"/api/v1/auth/login-challenges/{first.challenge_id}/decision"

    signed_for_other = phone.sign_decision(
        context, Decision.APPROVE, challenge_id=second.challenge_id
    )
    _problem(
        await client.post(url, headers=phone.auth, json=signed_for_other), 401, "invalid-signature"
    )
    other_nonce = phone.sign_decision(context, Decision.APPROVE, server_nonce="rejoue")
    _problem(await client.post(url, headers=phone.auth, json=other_nonce), 401, "invalid-signature")
    deny_as_approve = phone.sign_decision(context, Decision.DENY) | {"decision": "approve"}
    _problem(
        await client.post(url, headers=phone.auth, json=deny_as_approve), 401, "invalid-signature"
    )
    stale = phone.sign_decision(context, Decision.APPROVE, issued_at=1_000_000_000)
    _problem(await client.post(url, headers=phone.auth, json=stale), 401, "stale-signature")

    status = await client.get(f"/api/v1/auth/login-challenges/{first.challenge_id}")
    assert status.json()["status"] == "pending"


async def test_revoked_device_cannot_approve(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    phone, browser = await pending_qr_login(client, session, settings)
    context = (await phone.context(client, browser.challenge_id)).json()
    revoked = await client.delete(f"/api/v1/me/devices/{phone.device_id}", headers=phone.auth)
    assert revoked.status_code == 204
    approval = await client.post(
        f"/api/v1/auth/login-challenges/{browser.challenge_id}/decision",
        headers=phone.auth,
        json=phone.sign_decision(context, Decision.APPROVE),
    )
    _problem(approval, 401, "session-ended")
    _problem(await phone.open_session(client), 401, "device-not-usable")


async def test_another_users_device_cannot_approve(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    other_firm = await create_firm(session, settings, name="Cabinet Rival")
    phone = await enrolled_phone(client, firm.enrollment.url)
    stranger = await enrolled_phone(client, other_firm.enrollment.url)
    browser = Browser()
    await browser.show_qr(client)
    context = (await stranger.context(client, browser.challenge_id)).json()
    # The stranger's session, signing as the victim's device id: refused.
    forged = stranger.sign_decision(context, Decision.APPROVE, device_id=str(phone.device_id))
    response = await client.post(
        f"/api/v1/auth/login-challenges/{browser.challenge_id}/decision",
        headers=stranger.auth,
        json=forged,
    )
    _problem(response, 401, "device-not-usable")
    assert (await _actions(session))[-1] == "auth.challenge.decision_refused"


async def test_replayed_refresh_token_revokes_the_whole_family(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    phone = await enrolled_phone(client, firm.enrollment.url)
    tokens = await bearer_login(client, phone)
    first = await client.post(
        "/api/v1/auth/token/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]

    replay = await client.post(
        "/api/v1/auth/token/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    _problem(replay, 401, "refresh-token-reused")
    # Every token of the family is dead now, including the newest ones.
    newest = await client.post(
        "/api/v1/auth/token/refresh", json={"refresh_token": rotated["refresh_token"]}
    )
    _problem(newest, 401, "invalid-refresh-token")
    me = await client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {rotated['access_token']}"}
    )
    _problem(me, 401, "session-ended")
    revoked = await session.get(AuthSession, uuid.UUID(rotated["session_id"]))
    await session.refresh(revoked)
    assert revoked is not None
    assert revoked.revoked_reason == "refresh_token_reuse"
    assert "auth.refresh.reuse_detected" in await _actions(session)


async def test_token_of_a_deleted_user_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    phone = await enrolled_phone(client, firm.enrollment.url)
    tokens = await bearer_login(client, phone)
    await session.execute(update(User).where(User.id == firm.owner.id).values(deleted_at=utcnow()))
    await session.commit()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    _problem(await client.get("/api/v1/me", headers=headers), 401, "session-ended")
    refresh = await client.post(
        "/api/v1/auth/token/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    _problem(refresh, 401, "invalid-refresh-token")


async def test_enrollment_token_is_single_use_and_expires(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    assert (await Phone().enroll(client, firm.enrollment.url)).status_code == 201
    _problem(await Phone().enroll(client, firm.enrollment.url), 410, "enrollment-token-unusable")

    other = await create_firm(session, settings, name="Cabinet Expiré")
    await session.execute(
        update(EnrollmentToken)
        .where(EnrollmentToken.id == other.enrollment.record.id)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    await session.commit()
    preview = await client.post(
        "/api/v1/devices/enrollments/inspect", json={"enrollment_token": other.enrollment.url}
    )
    assert preview.json()["status"] == "expired"
    _problem(await Phone().enroll(client, other.enrollment.url), 410, "enrollment-token-unusable")
    _problem(
        await Phone().enroll(client, "https://testserver/enroll#cpt_enr_inconnu"),
        404,
        "enrollment-token-unknown",
    )


async def test_enrollment_page_gets_its_qr_code_from_the_api(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    preview = await client.post(
        "/api/v1/devices/enrollments/inspect", json={"enrollment_token": firm.enrollment.url}
    )
    body = preview.json()
    assert body["status"] == "valid"
    assert body["first_name"] == "Claire"
    assert body["workspace_name"] == "Cabinet Martin & Associés"
    assert body["qr_png"].startswith("data:image/png;base64,")
    assert body["qr_svg"].startswith("data:image/svg+xml;base64,")
    assert body["enrollment_url"] == firm.enrollment.url


async def test_enrolling_activates_the_invited_owner(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    firm = await create_firm(session, settings)
    phone = await enrolled_phone(client, firm.enrollment.url)
    me = await client.get("/api/v1/me", headers=phone.auth)
    assert [w["name"] for w in me.json()["workspaces"]] == ["Cabinet Martin & Associés"]


async def test_polling_faster_than_the_interval_gets_slow_down(
    client: httpx.AsyncClient,
) -> None:
    browser = Browser()
    await browser.show_qr(client)
    url = f"/api/v1/auth/login-challenges/{browser.challenge_id}"
    assert (await client.get(url)).status_code == 200
    too_soon = await client.get(url)
    _problem(too_soon, 429, "slow_down")
    assert int(too_soon.headers["retry-after"]) >= 1


async def test_challenge_creation_is_rate_limited_per_ip(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    for _ in range(settings.rate_limit_challenges_per_ip_per_minute):
        assert (await Browser().show_qr(client)).status_code == 201
    limited = await Browser().show_qr(client)
    _problem(limited, 429, "rate-limited")
    assert 1 <= int(limited.headers["retry-after"]) <= 60


async def test_browser_key_must_be_a_public_p256_key(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login-challenges",
        json={"browser_key": {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}},
    )
    _problem(response, 422, "invalid-public-key")
