"""`docs/auth.md` is what the phone app is written from: its refusal codes are the API's, and
the statements a phone developer relies on hold."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

import api.app  # noqa: F401 - loads every domain, so every error class exists
from api.auth.protocol import Decision
from api.core.crypto import jwk_thumbprint, private_key_public_jwk
from api.core.errors import AppError
from api.core.settings import PROJECT_ROOT, Settings
from tests.helpers import bearer, bearer_login, pending_qr_login

DOC = (PROJECT_ROOT / "docs" / "auth.md").read_text(encoding="utf-8")
# The domains whose refusals a phone or a browser meets while logging in.
LOGIN_MODULES = ("api.auth.", "api.devices.", "api.enrollments.", "api.me.")


def _error_classes() -> list[type[AppError]]:
    found: list[type[AppError]] = []
    pending: list[type[AppError]] = [AppError]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(current.__subclasses__())
    return found


def test_every_refusal_in_the_doc_is_one_the_api_gives() -> None:
    given = {(error.status, error.code) for error in _error_classes()}
    written = {(int(status), code) for status, code in re.findall(r"`(\d{3}) ([a-z_-]+)`", DOC)}
    assert written, "the doc lists its refusals as `status code`"
    assert written - given == set()


def test_every_login_refusal_of_the_api_is_in_the_doc() -> None:
    missing = {
        f"{error.status} {error.code}"
        for error in _error_classes()
        if error.__module__.startswith(LOGIN_MODULES)
        and f"`{error.status} {error.code}`" not in DOC
    }
    assert missing == set()


async def test_the_phone_side_as_the_doc_describes_it(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    phone, browser = await pending_qr_login(client, session, settings)

    # /context and /decision take the device session's bearer token, not a user session's.
    user_tokens = await bearer_login(client, phone)
    as_user = await client.get(
        f"/api/v1/auth/login-challenges/{browser.challenge_id}/context",
        headers=bearer(user_tokens),
    )
    assert (as_user.status_code, as_user.json()["code"]) == (401, "device-not-usable")

    # /context gives `browser_jkt` and `nonce`: the RFC 7638 thumbprint of the browser key and
    # the challenge's server nonce.
    context = (await phone.context(client, browser.challenge_id)).json()
    assert context["browser_key_thumbprint"] == jwk_thumbprint(
        private_key_public_jwk(browser.private_key)
    )
    assert context["server_nonce"] == browser.challenge["server_nonce"]
    assert context["audience"] == browser.challenge["audience"]

    # The decision (the message of login_decision_message, signed) answers 200 with the new
    # status; `device` is the enrollment's id.
    decided = await client.post(
        f"/api/v1/auth/login-challenges/{browser.challenge_id}/decision",
        headers=phone.auth,
        json=phone.sign_decision(context, Decision.APPROVE),
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved"

    # Redeem defaults to the cookie mode: 200, cookies, and the session in the body.
    redeemed = await client.post(
        f"/api/v1/auth/login-challenges/{browser.challenge_id}/redeem",
        json={"signature": browser.redeem_signature()},
    )
    assert redeemed.status_code == 200, redeemed.text
    assert set(redeemed.json()) == {"session_id", "user_id", "access_expires_at"}
    assert "__Host-comptoir_access" in redeemed.headers.get("set-cookie", "")

    # An unknown refresh token is `invalid-refresh-token`, in the problem's `code`.
    refused = await client.post(
        "/api/v1/auth/token/refresh", json={"refresh_token": "cpt_rt_inconnu"}
    )
    assert (refused.status_code, refused.json()["code"]) == (401, "invalid-refresh-token")


async def test_the_approval_limit_counts_refused_decisions(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    phone, browser = await pending_qr_login(client, session, settings)
    context = (await phone.context(client, browser.challenge_id)).json()
    url = f"/api/v1/auth/login-challenges/{browser.challenge_id}/decision"
    for _ in range(settings.rate_limit_approvals_per_user_per_minute):
        forged = phone.sign_decision(context, Decision.APPROVE, server_nonce="autre")
        refused = await client.post(url, headers=phone.auth, json=forged)
        assert refused.json()["code"] == "invalid-signature"
    good = await client.post(
        url, headers=phone.auth, json=phone.sign_decision(context, Decision.APPROVE)
    )
    assert (good.status_code, good.json()["code"]) == (429, "rate-limited")


@pytest.mark.parametrize("word", ["bearer token", "browser_key_thumbprint", "server_nonce"])
def test_the_doc_names_what_the_phone_needs(word: str) -> None:
    assert word in DOC
