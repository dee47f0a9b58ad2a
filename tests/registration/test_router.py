"""Firm registration end to end: the real OpenID provider, the app's enrollment and device
session, the identity check, then the firm and its owner logging in with the QR protocol."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.identity_provider import IdentityProvider, OidcRelyingParty
from api.core.authz import FIRM_ROLES
from api.core.crypto import hash_token
from api.core.settings import Settings
from api.core.state import state_of
from api.models.audit_event import AuditEvent
from api.models.membership import Membership, MembershipStatus
from api.models.registration import (
    FirmRegistration,
    IdentityVerification,
    RegistrationStatus,
    SsoAuthorization,
)
from api.models.user import User
from api.models.workspace import Workspace, WorkspaceKind
from tests.helpers import Phone, bearer_login, create_firm, enrolled_phone
from tests.registration.conftest import (
    CLOSED_SIREN,
    ICAO_SPECIMEN_PASSPORT,
    OTHER_SIREN,
    SSO_SIREN,
    Passport,
    callback,
    register_with_sso,
    start_sso,
    with_wrong_check_digit,
)

pytestmark = pytest.mark.usefixtures("registry")

IDENTITY = "/api/v1/registration/identity"
# The smallest valid PNG: a 1×1 transparent pixel.
PNG_PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


async def registration(client: httpx.AsyncClient, secret: str) -> dict:  # type: ignore[type-arg]
    response = await client.post("/api/v1/registration/lookup", json={"secret": secret})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def owners_phone(client: httpx.AsyncClient, secret: str) -> Phone:
    """The app scans the registration QR, enrolls, and opens its device session."""
    link = (await registration(client, secret))["enrollment"]["url"]
    return await enrolled_phone(client, link)


async def actions(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(AuditEvent.action).order_by(AuditEvent.occurred_at)))


# --- the whole flow -----------------------------------------------------------------------------


async def test_expert_comptable_registers_a_firm_and_logs_in_with_the_qr(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    secret = await register_with_sso(client)

    page = await registration(client, secret)
    assert page["status"] == "awaiting_identity"
    assert page["next_step"] == "enroll_device"
    assert (page["given_name"], page["family_name"]) == ("Anna Maria", "Eriksson")
    assert page["siren"] == SSO_SIREN
    assert page["siren_from_sso"] is True
    assert page["firm_name"] == "ERIKSSON EXPERTISE COMPTABLE"
    assert page["enrollment"]["url"].startswith("https://testserver/enroll#cpt_enr_")
    assert page["enrollment"]["qr_svg"].startswith("data:image/svg+xml;base64,")
    assert page["enrollment"]["qr_png"].startswith("data:image/png;base64,")

    phone = await owners_phone(client, secret)
    page = await registration(client, secret)
    assert (page["next_step"], page["device_enrolled"], page["enrollment"]) == (
        "verify_identity",
        True,
        None,
    )

    verified = await client.post(
        IDENTITY,
        headers=phone.auth,
        json={
            "mrz_lines": Passport().lines,
            "document_image": base64.b64encode(PNG_PIXEL).decode(),
        },
    )

    assert verified.status_code == 201, verified.text
    body = verified.json()
    assert body["status"] == "verified"
    assert body["document"]["surname"] == "ERIKSSON"
    firm = body["firm"]
    assert firm["name"] == "ERIKSSON EXPERTISE COMPTABLE"
    assert firm["siren"] == SSO_SIREN
    assert firm["siret"].startswith(SSO_SIREN)
    assert firm["vat_number"] == "FR44732829320"
    assert (firm["address_line"], firm["postal_code"], firm["city"]) == (
        "12 RUE DE LA PAIX",
        "75002",
        "PARIS",
    )
    assert body["next_step"] == "open_device_session"

    owner = await session.scalar(
        select(User).where(User.email == "anna.eriksson@cabinet-exemple.fr")
    )
    assert owner is not None
    membership = await session.scalar(select(Membership).where(Membership.user_id == owner.id))
    assert membership is not None
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.roles == FIRM_ROLES
    evidence = await session.scalar(select(IdentityVerification))
    assert evidence is not None
    assert (evidence.status, evidence.verifier, str(evidence.device_id)) == (
        "verified",
        "icao-9303-mrz",
        phone.device_id,
    )
    assert evidence.document_sha256 is not None
    assert evidence.image_blob_key is not None
    assert evidence.image_media_type == "image/png"
    assert "ZE184226B" not in str(evidence.document_fields)  # no personal number kept
    assert (await registration(client, secret))["status"] == "completed"

    # The app's next device session acts in the firm, and the owner logs in to the web.
    assert (await phone.open_session(client)).status_code == 201
    me = (await client.get("/api/v1/me", headers=phone.auth)).json()
    assert me["workspace"]["name"] == "ERIKSSON EXPERTISE COMPTABLE"
    tokens = await bearer_login(client, phone)
    me = await client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.json()["workspace"]["id"] == firm["id"]
    assert set(me.json()["roles"]) == {role.value for role in FIRM_ROLES}

    assert {
        "registration.sso_started",
        "registration.sso_completed",
        "device.enrolled",
        "registration.identity_verified",
        "firm.created",
    } <= set(await actions(session))


async def test_registration_asks_the_siren_when_the_sso_gives_none(
    app: FastAPI, client: httpx.AsyncClient, registration_settings: Settings
) -> None:
    state_of(app).settings = registration_settings.model_copy(update={"oidc_claim_siren": ""})
    secret = await register_with_sso(client)
    page = await registration(client, secret)
    assert (page["status"], page["next_step"], page["siren"]) == (
        "awaiting_siren",
        "provide_siren",
        None,
    )
    phone = await owners_phone(client, secret)
    too_early = await client.post(
        IDENTITY, headers=phone.auth, json={"mrz_lines": Passport().lines}
    )
    assert too_early.json()["code"] == "registration-siren-missing"

    refusals = {
        "123456789": "invalid-siren",
        CLOSED_SIREN: "company-closed",
        "443061841": "company-not-found",
    }
    for siren, code in refusals.items():
        refused = await client.put(
            "/api/v1/registration/siren", json={"secret": secret, "siren": siren}
        )
        assert (refused.status_code, refused.json()["code"]) == (422, code), siren

    accepted = await client.put(
        "/api/v1/registration/siren", json={"secret": secret, "siren": "552 100 554"}
    )
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["siren"], accepted.json()["firm_name"]) == (
        OTHER_SIREN,
        "CABINET DU PORT",
    )
    assert accepted.json()["next_step"] == "verify_identity"

    verified = await client.post(IDENTITY, headers=phone.auth, json={"mrz_lines": Passport().lines})
    assert verified.status_code == 201, verified.text
    assert verified.json()["firm"]["name"] == "CABINET DU PORT"


# --- SSO refusals -------------------------------------------------------------------------------


async def test_issuer_outside_the_allow_list_cannot_start_a_registration(
    app: FastAPI,
    client: httpx.AsyncClient,
    session: AsyncSession,
    registration_settings: Settings,
) -> None:
    state_of(app).settings = registration_settings.model_copy(
        update={"oidc_allowed_issuers": ["https://sso.comptexpert.example"]}
    )

    refused = await client.get("/api/v1/registration/sso/start")

    assert refused.status_code == 403
    assert refused.json()["code"] == "sso-unknown-issuer"
    assert await session.scalar(select(SsoAuthorization)) is None


async def test_callback_with_an_unknown_state_is_refused(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    params = await start_sso(client)

    refused = await callback(client, {**params, "state": "forged-state"})

    assert refused.status_code == 400
    assert refused.json()["code"] == "sso-bad-state"
    assert await session.scalar(select(FirmRegistration)) is None
    assert "registration.sso_refused" in await actions(session)


async def test_replayed_callback_and_replayed_code_are_refused(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    params = await start_sso(client)
    assert (await callback(client, params)).status_code == 302

    replayed = await callback(client, params)
    assert (replayed.status_code, replayed.json()["code"]) == (400, "sso-bad-state")

    # The code injected into another login (its own state and PKCE verifier).
    other_login = await start_sso(client)
    injected = await callback(client, {**other_login, "code": params["code"]})
    assert (injected.status_code, injected.json()["code"]) == (400, "sso-code-rejected")
    assert len(list(await session.scalars(select(FirmRegistration)))) == 1


async def test_id_token_carrying_another_nonce_is_refused(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    params = await start_sso(client)
    await session.execute(
        update(SsoAuthorization)
        .where(SsoAuthorization.state_hash == hash_token(params["state"]))
        .values(nonce="nonce-of-another-login")
    )
    await session.commit()

    refused = await callback(client, params)

    assert (refused.status_code, refused.json()["code"]) == (401, "sso-nonce-mismatch")


async def test_expired_id_token_is_refused(
    app: FastAPI,
    client: httpx.AsyncClient,
    registration_settings: Settings,
) -> None:
    # The provider's id_tokens live 10 minutes; this server's clock is two hours ahead.
    two_hours_later = datetime.now(UTC) + timedelta(hours=2)
    http = httpx.AsyncClient()
    state_of(app).put(
        IdentityProvider,
        OidcRelyingParty(registration_settings, http, clock=lambda: two_hours_later),
    )
    try:
        refused = await callback(client, await start_sso(client))
    finally:
        await http.aclose()

    assert (refused.status_code, refused.json()["code"]) == (401, "sso-id-token-expired")


async def test_sso_siren_already_registered_as_a_firm_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    existing = await create_firm(session, settings)
    existing.firm.siren = SSO_SIREN
    await session.commit()

    refused = await callback(client, await start_sso(client))

    assert (refused.status_code, refused.json()["code"]) == (409, "firm-already-registered")
    assert await session.scalar(select(FirmRegistration)) is None


async def test_typed_siren_already_registered_as_a_firm_is_refused(
    app: FastAPI,
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    registration_settings: Settings,
) -> None:
    existing = await create_firm(session, settings)
    existing.firm.siren = OTHER_SIREN
    await session.commit()
    state_of(app).settings = registration_settings.model_copy(update={"oidc_claim_siren": ""})
    secret = await register_with_sso(client)

    refused = await client.put(
        "/api/v1/registration/siren", json={"secret": secret, "siren": OTHER_SIREN}
    )

    assert (refused.status_code, refused.json()["code"]) == (409, "firm-already-registered")


# --- identity refusals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mrz_lines", "reason"),
    [
        pytest.param(
            with_wrong_check_digit(Passport().lines), "birth-date-check-digit", id="check-digit"
        ),
        pytest.param(ICAO_SPECIMEN_PASSPORT, "document-expired", id="expired-icao-specimen"),
        pytest.param(Passport(surname="DURAND").lines, "name-mismatch", id="another-person"),
    ],
)
async def test_refused_document_is_kept_as_evidence_and_the_owner_may_retry(
    client: httpx.AsyncClient, session: AsyncSession, mrz_lines: list[str], reason: str
) -> None:
    secret = await register_with_sso(client)
    phone = await owners_phone(client, secret)

    refused = await client.post(IDENTITY, headers=phone.auth, json={"mrz_lines": mrz_lines})

    assert refused.status_code == 422
    problem = refused.json()
    assert (problem["code"], problem["reason"]) == ("identity-rejected", reason)
    assert problem["detail"]  # the French explanation shown to the owner
    evidence = await session.scalar(select(IdentityVerification))
    assert evidence is not None
    assert (evidence.status, evidence.reason, evidence.attempt) == ("rejected", reason, 1)
    assert "registration.identity_rejected" in await actions(session)
    assert await session.scalar(select(Workspace).where(Workspace.siren == SSO_SIREN)) is None

    retried = await client.post(IDENTITY, headers=phone.auth, json={"mrz_lines": Passport().lines})
    assert retried.status_code == 201, retried.text


async def test_identity_attempts_are_rate_limited(
    app: FastAPI, client: httpx.AsyncClient, registration_settings: Settings
) -> None:
    state_of(app).settings = registration_settings.model_copy(
        update={"rate_limit_identity_attempts_per_hour": 2}
    )
    phone = await owners_phone(client, await register_with_sso(client))
    wrong = {"mrz_lines": Passport(surname="DURAND").lines}

    statuses = [
        (await client.post(IDENTITY, headers=phone.auth, json=wrong)).status_code for _ in range(3)
    ]

    assert statuses == [422, 422, 429]


async def test_only_the_device_enrolled_with_the_registration_link_may_verify(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    await register_with_sso(client)
    other_firm = await create_firm(session, settings)
    strangers_phone = await enrolled_phone(client, other_firm.enrollment.url)

    refused = await client.post(
        IDENTITY, headers=strangers_phone.auth, json={"mrz_lines": Passport().lines}
    )

    assert (refused.status_code, refused.json()["code"]) == (404, "registration-not-found")


async def test_document_image_must_be_a_photo_within_the_size_cap(
    client: httpx.AsyncClient,
) -> None:
    phone = await owners_phone(client, await register_with_sso(client))

    for image in (base64.b64encode(b"%PDF-1.7 not a photo").decode(), "not base64!"):
        refused = await client.post(
            IDENTITY,
            headers=phone.auth,
            json={"mrz_lines": Passport().lines, "document_image": image},
        )
        assert (refused.status_code, refused.json()["code"]) == (422, "identity-image-refused")


async def test_unknown_registration_secret_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/registration/lookup", json={"secret": "cpt_reg_" + "x" * 43}
    )

    assert (response.status_code, response.json()["code"]) == (404, "registration-not-found")


async def test_completed_registration_cannot_be_verified_again(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    secret = await register_with_sso(client)
    phone = await owners_phone(client, secret)
    passport = {"mrz_lines": Passport().lines}
    assert (await client.post(IDENTITY, headers=phone.auth, json=passport)).status_code == 201

    again = await client.post(IDENTITY, headers=phone.auth, json=passport)

    assert (again.status_code, again.json()["code"]) == (409, "registration-completed")
    stored = await session.scalar(select(FirmRegistration))
    assert stored is not None
    assert stored.status == RegistrationStatus.COMPLETED
    firms = await session.scalars(select(Workspace).where(Workspace.kind == WorkspaceKind.FIRM))
    assert [firm.siren for firm in firms] == [SSO_SIREN]


async def test_a_browser_refused_at_the_callback_lands_on_the_registration_page(
    client: httpx.AsyncClient, session: AsyncSession, registration_settings: Settings
) -> None:
    """A person's browser gets the registration page with the reason, not a JSON document;
    the refusal is still audited."""
    params = await start_sso(client)

    refused = await client.get(
        "/api/v1/registration/sso/callback",
        params={**params, "state": "forged-state"},
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )

    assert refused.status_code == 303
    location = httpx.URL(refused.headers["location"])
    assert location.path == "/inscription"
    assert location.params["erreur"]
    assert "registration.sso_refused" in await actions(session)
    assert await session.scalar(select(FirmRegistration)) is None
