"""Registration runs against the real OpenID provider of `tests/peers/oidc` (its test account is
Anna Maria Eriksson, SIREN 732829320) and the local SIRENE tables of the company registry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from stdnum import luhn

from api.app import create_app
from api.core.settings import Settings
from api.core.state import Database, state_of
from api.firms.identity_check import check_digit
from api.models.sirene import SireneEstablishment, SireneUnit
from tests.peers.oidc_provider import (
    CLIENT_BASIC_RS256,
    REDIRECT_URI,
    LocalOidcProvider,
    client_secret,
)

SSO_SIREN = "732829320"  # the SIREN claim of the provider's test account
OTHER_SIREN = "552100554"
CLOSED_SIREN = "542065479"


def sso_settings(settings: Settings, issuer: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "oidc_issuer": issuer,
        "oidc_allowed_issuers": [issuer],
        "oidc_client_id": CLIENT_BASIC_RS256,
        "oidc_client_secret": SecretStr(client_secret(CLIENT_BASIC_RS256)),
        "oidc_redirect_uri": REDIRECT_URI,
        "oidc_scopes": ["openid", "profile", "email", "siren"],
        "oidc_claim_siren": "siren",
    }
    return settings.model_copy(update=values | overrides)


@pytest.fixture
def registration_settings(settings: Settings, oidc_provider: LocalOidcProvider) -> Settings:
    return sso_settings(settings, oidc_provider.issuer)


@pytest.fixture
def app(registration_settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]):  # type: ignore[no-untyped-def]
    app = create_app(registration_settings)
    state_of(app).database = Database.bound_to(sessionmaker)
    return app


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client
    http = getattr(app.state, "identity_provider_http", None)
    if http is not None:
        await http.aclose()


def _siret(siren: str) -> str:
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


async def put_company_in_registry(
    session: AsyncSession, siren: str, name: str, *, active: bool = True
) -> None:
    """A company of the local SIRENE tables, as `comptoir sirene import` stores it."""
    session.add(
        SireneUnit(
            siren=siren,
            diffusible=True,
            is_active=active,
            legal_name=name,
            search_name=" " + name.lower(),
            nature_juridique="5499",
            activite_principale="69.20Z",
            head_office_siret=_siret(siren),
        )
    )
    session.add(
        SireneEstablishment(
            siret=_siret(siren),
            siren=siren,
            diffusible=True,
            is_active=active,
            is_head_office=True,
            address_line="12 RUE DE LA PAIX",
            postal_code="75002",
            city="PARIS",
            activite_principale="69.20Z",
        )
    )
    await session.commit()


@pytest.fixture
async def registry(session: AsyncSession) -> None:
    await put_company_in_registry(session, SSO_SIREN, "ERIKSSON EXPERTISE COMPTABLE")
    await put_company_in_registry(session, OTHER_SIREN, "CABINET DU PORT")
    await put_company_in_registry(session, CLOSED_SIREN, "ANCIEN CABINET", active=False)


# --- the browser at the provider ------------------------------------------------------------


async def log_in_at_provider(url: str) -> dict[str, str]:
    """Follow the provider's redirects (its test account logs in at once) until it sends the
    browser back to our redirect URI; return that callback's query parameters."""
    async with httpx.AsyncClient() as browser:
        for _ in range(10):
            response = await browser.get(url)
            assert response.status_code in {302, 303}, response.text
            url = urljoin(url, response.headers["location"])
            if url.startswith(REDIRECT_URI):
                return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    raise AssertionError("the provider never redirected back")


async def start_sso(client: httpx.AsyncClient) -> dict[str, str]:
    started = await client.get("/api/v1/registration/sso/start")
    assert started.status_code == 302, started.text
    return await log_in_at_provider(started.headers["location"])


async def callback(client: httpx.AsyncClient, params: dict[str, str]) -> httpx.Response:
    return await client.get("/api/v1/registration/sso/callback", params=params)


async def register_with_sso(client: httpx.AsyncClient) -> str:
    """The whole browser side of the SSO; returns the registration secret."""
    response = await callback(client, await start_sso(client))
    assert response.status_code == 302, response.text
    page, _, secret = response.headers["location"].partition("#")
    assert page == "https://testserver/inscription"
    return secret


# --- identity documents ---------------------------------------------------------------------


@dataclass(frozen=True)
class Passport:
    """A TD3 passport (ICAO Doc 9303 part 4) with correct check digits unless told otherwise."""

    surname: str = "ERIKSSON"
    given_names: str = "ANNA<MARIA"
    number: str = "L898902C3"
    birth: str = "740812"
    expiry: str = "340415"

    @property
    def lines(self) -> list[str]:
        names = f"{self.surname}<<{self.given_names}"
        line1 = f"P<UTO{names}".ljust(44, "<")
        personal = "ZE184226B".ljust(14, "<")
        body = (
            f"{self.number}{check_digit(self.number)}UTO"
            f"{self.birth}{check_digit(self.birth)}F"
            f"{self.expiry}{check_digit(self.expiry)}"
            f"{personal}{check_digit(personal)}"
        )
        composite = body[0:10] + body[13:20] + body[21:43]
        return [line1, body + check_digit(composite)]


# The ICAO 9303 part 4 specimen: Anna Maria Eriksson's passport, expired on 15 April 2012.
ICAO_SPECIMEN_PASSPORT = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]


def with_wrong_check_digit(lines: list[str]) -> list[str]:
    line2 = lines[1]
    wrong = str((int(line2[19]) + 1) % 10)  # the birth date's check digit
    return [lines[0], line2[:19] + wrong + line2[20:]]
