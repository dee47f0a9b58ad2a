"""The OpenID Connect relying party against a real provider (npm `oidc-provider`) on loopback."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from api.adapters.identity_provider import (
    DisabledIdentityProvider,
    OidcRelyingParty,
    SsoBadState,
    SsoCodeRejected,
    SsoDenied,
    SsoIdTokenExpired,
    SsoInvalidIdToken,
    SsoMissingClaims,
    SsoNonceMismatch,
    SsoNotConfigured,
    SsoProviderError,
    SsoProviderUnreachable,
    SsoUnknownIssuer,
    identity_provider_from_settings,
    pkce_challenge,
)
from api.core.settings import Settings
from tests.peers.oidc_provider import (
    CLIENT_BASIC_HS256,
    CLIENT_BASIC_RS256,
    CLIENT_POST_ES256,
    REDIRECT_URI,
    LocalOidcProvider,
    client_secret,
    free_port,
)

ANNA = {
    "given_name": "Anna Maria",
    "family_name": "Eriksson",
    "email": "anna.eriksson@cabinet-exemple.fr",
}


def sso_settings(issuer: str, **overrides: Any) -> Settings:
    client_id = overrides.pop("oidc_client_id", CLIENT_BASIC_RS256)
    values: dict[str, Any] = {
        "environment": "test",
        "oidc_issuer": issuer,
        "oidc_allowed_issuers": [issuer],
        "oidc_client_id": client_id,
        "oidc_client_secret": client_secret(client_id),
        "oidc_redirect_uri": REDIRECT_URI,
        "oidc_scopes": ["openid", "profile", "email", "siren"],
        "oidc_claim_siren": "siren",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as http:
        yield http


async def log_in_at_provider(url: str) -> dict[str, str]:
    """Play the browser: follow the provider's redirects until it calls our redirect URI back."""
    async with httpx.AsyncClient() as browser:
        for _ in range(10):
            response = await browser.get(url)
            assert response.status_code in {302, 303}, response.text
            url = urljoin(url, response.headers["location"])
            if url.startswith(REDIRECT_URI):
                return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    raise AssertionError("the provider never redirected back")


async def start_and_log_in(relying_party: OidcRelyingParty) -> tuple[Any, dict[str, str]]:
    request = await relying_party.start_authorization()
    return request.pending, await log_in_at_provider(request.url)


async def test_code_flow_returns_the_expert_comptables_identity_and_firm_siren(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    relying_party = OidcRelyingParty(sso_settings(oidc_provider.issuer), http)

    pending, callback = await start_and_log_in(relying_party)
    identity = await relying_party.finish_authorization(pending, callback)

    assert (identity.given_name, identity.family_name, identity.email) == tuple(ANNA.values())
    assert identity.issuer == oidc_provider.issuer
    assert identity.subject == "expert-1"
    assert identity.email_verified is True
    assert identity.siren == "732829320"


async def test_client_secret_post_and_es256_id_tokens_are_accepted(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    settings = sso_settings(
        oidc_provider.issuer,
        oidc_client_id=CLIENT_POST_ES256,
        oidc_token_auth_method="client_secret_post",
    )
    relying_party = OidcRelyingParty(settings, http)

    pending, callback = await start_and_log_in(relying_party)
    identity = await relying_party.finish_authorization(pending, callback)

    assert identity.family_name == "Eriksson"


async def test_siren_is_left_for_registration_to_ask_when_no_claim_is_configured(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    relying_party = OidcRelyingParty(sso_settings(oidc_provider.issuer, oidc_claim_siren=""), http)

    pending, callback = await start_and_log_in(relying_party)
    identity = await relying_party.finish_authorization(pending, callback)

    assert identity.siren is None


async def test_authorization_url_binds_the_flow_with_pkce_s256_state_and_nonce(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    relying_party = OidcRelyingParty(sso_settings(oidc_provider.issuer), http)

    first = await relying_party.start_authorization()
    second = await relying_party.start_authorization()

    query = {key: values[0] for key, values in parse_qs(urlsplit(first.url).query).items()}
    assert first.url.startswith(f"{oidc_provider.issuer}/auth?")
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == pkce_challenge(first.pending.code_verifier)
    assert query["state"] == first.pending.state
    assert query["nonce"] == first.pending.nonce
    assert first.pending.code_verifier not in first.url
    assert {first.pending.state, first.pending.nonce}.isdisjoint(
        {second.pending.state, second.pending.nonce}
    )


async def test_bad_state_is_refused_before_the_code_is_spent(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    relying_party = OidcRelyingParty(sso_settings(oidc_provider.issuer), http)
    pending, callback = await start_and_log_in(relying_party)

    with pytest.raises(SsoBadState):
        await relying_party.finish_authorization(pending, {**callback, "state": "forged"})
    with pytest.raises(SsoBadState):
        await relying_party.finish_authorization(
            pending, {key: value for key, value in callback.items() if key != "state"}
        )

    identity = await relying_party.finish_authorization(pending, callback)
    assert identity.subject == "expert-1"


async def test_replayed_code_is_refused(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    relying_party = OidcRelyingParty(sso_settings(oidc_provider.issuer), http)
    pending, callback = await start_and_log_in(relying_party)
    await relying_party.finish_authorization(pending, callback)

    with pytest.raises(SsoCodeRejected) as refused:
        await relying_party.finish_authorization(pending, callback)

    assert refused.value.status == 400
    assert "déjà utilisé" in refused.value.title


async def test_code_from_another_pkce_verifier_is_refused(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    relying_party = OidcRelyingParty(sso_settings(oidc_provider.issuer), http)
    pending, callback = await start_and_log_in(relying_party)
    stolen = dataclasses.replace(pending, code_verifier="x" * 64)

    with pytest.raises(SsoCodeRejected):
        await relying_party.finish_authorization(stolen, callback)


async def test_id_token_with_another_nonce_is_refused(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    relying_party = OidcRelyingParty(sso_settings(oidc_provider.issuer), http)
    pending, callback = await start_and_log_in(relying_party)

    with pytest.raises(SsoNonceMismatch):
        await relying_party.finish_authorization(
            dataclasses.replace(pending, nonce="nonce-of-another-login"), callback
        )


async def test_expired_id_token_is_refused(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    # The provider issues 10-minute id_tokens; our clock is 2 hours ahead.
    two_hours_later = datetime.now(UTC) + timedelta(hours=2)
    relying_party = OidcRelyingParty(
        sso_settings(oidc_provider.issuer), http, clock=lambda: two_hours_later
    )
    pending, callback = await start_and_log_in(relying_party)

    with pytest.raises(SsoIdTokenExpired):
        await relying_party.finish_authorization(pending, callback)


async def test_id_token_issued_in_the_future_is_refused(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    relying_party = OidcRelyingParty(
        sso_settings(oidc_provider.issuer), http, clock=lambda: an_hour_ago
    )
    pending, callback = await start_and_log_in(relying_party)

    with pytest.raises(SsoInvalidIdToken, match="futur"):
        await relying_party.finish_authorization(pending, callback)


async def test_issuer_missing_from_the_allow_list_cannot_start_a_login(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    settings = sso_settings(
        oidc_provider.issuer, oidc_allowed_issuers=["https://sso.comptexpert.example"]
    )
    relying_party = OidcRelyingParty(settings, http)

    with pytest.raises(SsoUnknownIssuer) as refused:
        await relying_party.start_authorization()
    assert refused.value.status == 403


async def test_login_started_with_another_issuer_is_refused(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    relying_party = OidcRelyingParty(sso_settings(oidc_provider.issuer), http)
    pending, callback = await start_and_log_in(relying_party)

    with pytest.raises(SsoUnknownIssuer):
        await relying_party.finish_authorization(
            dataclasses.replace(pending, issuer="https://sso.ailleurs.example"), callback
        )
    with pytest.raises(SsoUnknownIssuer):
        # RFC 9207 mix-up: the callback names an issuer other than the one we sent the user to.
        await relying_party.finish_authorization(
            pending, {**callback, "iss": "https://sso.ailleurs.example"}
        )


async def test_discovery_document_naming_another_issuer_is_refused(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    # Same server under another name: its document says 127.0.0.1, not localhost.
    impostor = f"http://localhost:{oidc_provider.port}"
    relying_party = OidcRelyingParty(sso_settings(impostor), http)

    with pytest.raises(SsoUnknownIssuer, match=r"127\.0\.0\.1"):
        await relying_party.start_authorization()


async def test_symmetric_hs256_id_tokens_are_refused(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    settings = sso_settings(oidc_provider.issuer, oidc_client_id=CLIENT_BASIC_HS256)
    relying_party = OidcRelyingParty(settings, http)
    pending, callback = await start_and_log_in(relying_party)

    with pytest.raises(SsoInvalidIdToken, match="HS256"):
        await relying_party.finish_authorization(pending, callback)


async def test_id_token_signed_with_an_algorithm_outside_the_allow_list_is_refused(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    settings = sso_settings(oidc_provider.issuer, oidc_id_token_algorithms=["ES256"])
    relying_party = OidcRelyingParty(settings, http)  # this client receives RS256 tokens
    pending, callback = await start_and_log_in(relying_party)

    with pytest.raises(SsoInvalidIdToken, match="RS256"):
        await relying_party.finish_authorization(pending, callback)


def test_settings_refuse_none_and_symmetric_algorithms() -> None:
    for algorithms in (["none"], ["HS256"], ["RS256", "HS512"], []):
        with pytest.raises(ValueError, match="algorithmes refusés"):
            Settings(oidc_id_token_algorithms=algorithms)


def test_allowed_issuers_read_from_a_comma_separated_setting() -> None:
    settings = Settings(oidc_allowed_issuers="https://a.example, https://b.example")

    assert settings.oidc_allowed_issuers == ["https://a.example", "https://b.example"]
    assert Settings(public_url="https://comptoir.example/").oidc_callback_url == (
        "https://comptoir.example/api/v1/registration/sso/callback"
    )


async def test_wrong_client_secret_is_reported_as_a_provider_error(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    settings = sso_settings(oidc_provider.issuer, oidc_client_secret="not-the-secret")
    relying_party = OidcRelyingParty(settings, http)
    pending, callback = await start_and_log_in(relying_party)

    with pytest.raises(SsoProviderError, match="invalid_client"):
        await relying_party.finish_authorization(pending, callback)


async def test_user_cancelling_at_the_provider_is_reported_as_denied(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    relying_party = OidcRelyingParty(sso_settings(oidc_provider.issuer), http)
    request = await relying_party.start_authorization()
    callback: Mapping[str, str] = {
        "error": "access_denied",
        "state": request.pending.state,
        "iss": oidc_provider.issuer,
    }

    with pytest.raises(SsoDenied):
        await relying_party.finish_authorization(request.pending, callback)


async def test_missing_name_claim_is_refused_with_the_claim_name(
    oidc_provider: LocalOidcProvider, http: httpx.AsyncClient
) -> None:
    settings = sso_settings(oidc_provider.issuer, oidc_claim_given_name="prenom_usuel")
    relying_party = OidcRelyingParty(settings, http)
    pending, callback = await start_and_log_in(relying_party)

    with pytest.raises(SsoMissingClaims, match="prenom_usuel"):
        await relying_party.finish_authorization(pending, callback)


async def test_unreachable_provider_is_reported_as_such(http: httpx.AsyncClient) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    relying_party = OidcRelyingParty(sso_settings(nobody, oidc_http_timeout_seconds=2), http)

    with pytest.raises(SsoProviderUnreachable) as refused:
        await relying_party.start_authorization()
    assert refused.value.status == 502


async def test_rotated_signing_keys_are_fetched_again_on_an_unknown_kid(
    http: httpx.AsyncClient,
) -> None:
    provider = LocalOidcProvider()
    provider.start()
    try:
        settings = sso_settings(provider.issuer)
        relying_party = OidcRelyingParty(settings, http, jwks_refetch_cooldown_seconds=0)
        just_refetched = OidcRelyingParty(settings, http, jwks_refetch_cooldown_seconds=3600)
        for party in (relying_party, just_refetched):
            pending, callback = await start_and_log_in(party)
            await party.finish_authorization(pending, callback)

        provider.restart()  # same issuer, freshly generated keys: the cached JWKS is stale
        pending, callback = await start_and_log_in(relying_party)
        identity = await relying_party.finish_authorization(pending, callback)
        assert identity.subject == "expert-1"

        # Refetching is bounded: within the cool-down an unknown kid is refused, not fetched.
        pending, callback = await start_and_log_in(just_refetched)
        with pytest.raises(SsoInvalidIdToken, match="Clé de signature inconnue"):
            await just_refetched.finish_authorization(pending, callback)
    finally:
        provider.stop()


async def test_sso_is_disabled_until_an_issuer_is_configured(http: httpx.AsyncClient) -> None:
    provider = identity_provider_from_settings(Settings(oidc_issuer=""), http)

    assert isinstance(provider, DisabledIdentityProvider)
    with pytest.raises(SsoNotConfigured):
        await provider.start_authorization()
