"""The input policy seen from the API: what the fuzzer sent (NUL, control characters, bidi
overrides, wrong JSON types) is refused with a 422 naming the field, or cleaned, on both
databases; and the export never fails on text stored before the policy existed."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import openpyxl
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from api.clients.messages import client_invitation_mail
from api.members.messages import invitation_mail
from api.models.client import Client
from tests.clients.conftest import Firm

pytestmark = pytest.mark.usefixtures("sirene")


def _field_error(response: httpx.Response, pointer: str) -> dict[str, str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = {error["pointer"]: error for error in response.json()["errors"]}
    assert pointer in errors, errors
    error: dict[str, str] = errors[pointer]
    return error


async def _a_client(client: httpx.AsyncClient, firm: Firm) -> dict[str, str]:
    created = await client.post(
        "/api/v1/clients", json={"identifier": "610869075"}, headers=firm.owner.headers
    )
    assert created.status_code == 201, created.text
    body: dict[str, str] = created.json()
    return body


@pytest.mark.parametrize("control", ["\x00", "\u0008", "\r\n"])
async def test_a_control_character_in_a_name_is_refused_naming_the_field(
    client: httpx.AsyncClient, firm: Firm, control: str
) -> None:
    created = await _a_client(client, firm)
    response = await client.patch(
        f"/api/v1/clients/{created['id']}",
        json={"contact_first_name": f"Élo{control}die"},
        headers=firm.owner.headers,
    )
    error = _field_error(response, "/body/contact_first_name")
    assert error["code"] == "control_character"
    assert "Caractère de contrôle" in error["detail"]


async def test_invisible_and_bidi_characters_are_removed_and_names_stored_in_nfc(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    created = await _a_client(client, firm)
    response = await client.patch(
        f"/api/v1/clients/{created['id']}",
        json={"contact_first_name": "\u202eE\u0301lo\u200bdie ", "contact_last_name": "Roux"},
        headers=firm.owner.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["contact_first_name"] == "Élodie"


@pytest.mark.parametrize(
    ("path", "params", "pointer"),
    [
        ("/api/v1/members", {"q": "Mar\x00tin"}, "/query/q"),
        ("/api/v1/documents", {"q": "fac\x00ture"}, "/query/q"),
        ("/api/v1/clients", {"q": "ga\x00rage"}, "/query/q"),
        ("/api/v1/clients", {"cursor": "\x00"}, "/query/cursor"),
        ("/api/v1/clients/export.xlsx", {"q": "\x00"}, "/query/q"),
        ("/api/v1/companies/search", {"q": "\x00"}, "/query/q"),
        ("/api/v1/audit-events", {"action": "client.\x00"}, "/query/action"),
    ],
)
async def test_a_nul_in_a_query_string_is_a_422_not_a_database_error(
    client: httpx.AsyncClient, firm: Firm, path: str, params: dict[str, str], pointer: str
) -> None:
    response = await client.get(path, params=params, headers=firm.owner.headers)
    _field_error(response, pointer)


@pytest.mark.parametrize(
    ("path", "body", "pointer"),
    [
        ("/api/v1/folders", {"name": "Con\x00trats"}, "/body/name"),
        ("/api/v1/api-keys", {"name": "clé\x00", "scopes": ["clients:read"]}, "/body/name"),
        (
            "/api/v1/members/invitations",
            {
                "first_name": "Élodie\r\nBcc: x@exemple.fr",
                "last_name": "Roux",
                "email": "elodie@exemple.fr",
                "roles": ["accountant"],
            },
            "/body/first_name",
        ),
        (
            "/api/v1/webhooks",
            {"url": "https://x\x00", "event_types": ["client.created"]},
            "/body/url",
        ),
    ],
)
async def test_a_control_character_in_any_body_text_is_refused(
    client: httpx.AsyncClient, firm: Firm, path: str, body: dict[str, object], pointer: str
) -> None:
    response = await client.post(path, json=body, headers=firm.owner.headers)
    _field_error(response, pointer)


async def test_wrong_json_types_are_refused_not_converted(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    created = await _a_client(client, firm)
    headers = firm.owner.headers
    key = await client.post(
        "/api/v1/api-keys",
        json={"name": "k", "scopes": ["clients:read"], "expires_at": 0},
        headers=headers,
    )
    assert _field_error(key, "/body/expires_at")["code"] == "datetime_type"
    subscription = await client.put(
        f"/api/v1/clients/{created['id']}/subscription",
        json={"plan_code": "standard", "payer": "firm", "start_date": 0},
        headers=headers,
    )
    assert _field_error(subscription, "/body/start_date")["code"] == "date_type"
    reminders = await client.post(
        "/api/v1/clients/invitations/reminders", json={"max_reminders": False}, headers=headers
    )
    assert _field_error(reminders, "/body/max_reminders")["code"] == "int_type"
    bulk = await client.post(
        "/api/v1/clients/invitations", json={"client_ids": [1]}, headers=headers
    )
    _field_error(bulk, "/body/client_ids/0")


async def test_an_api_key_cannot_expire_in_the_past(client: httpx.AsyncClient, firm: Firm) -> None:
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    refused = await client.post(
        "/api/v1/api-keys",
        json={"name": "k", "scopes": ["clients:read"], "expires_at": past},
        headers=firm.owner.headers,
    )
    assert "futur" in _field_error(refused, "/body/expires_at")["detail"]
    naive = await client.post(
        "/api/v1/api-keys",
        json={"name": "k", "scopes": ["clients:read"], "expires_at": "2099-01-01T00:00:00"},
        headers=firm.owner.headers,
    )
    _field_error(naive, "/body/expires_at")
    future = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    accepted = await client.post(
        "/api/v1/api-keys",
        json={"name": "k", "scopes": ["clients:read"], "expires_at": future},
        headers=firm.owner.headers,
    )
    assert accepted.status_code == 201, accepted.text


async def test_the_export_never_fails_on_control_characters_stored_earlier(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    created = await _a_client(client, firm)
    # Written as an older version of the API accepted it, before the input policy.
    await session.execute(
        update(Client)
        .where(Client.id == uuid.UUID(created["id"]))
        .values(contact_first_name="Élo\u0008die", contact_last_name="Roux\x1f\u200b")
    )
    await session.commit()
    response = await client.get("/api/v1/clients/export.xlsx", headers=firm.owner.headers)
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "610869075")
    assert row[7] == "Élo die"
    assert row[8] == "Roux "


def test_a_line_break_stored_in_a_name_never_reaches_a_mail_line() -> None:
    expires = datetime.now(UTC) + timedelta(days=7)
    member_mail = invitation_mail(
        to="elodie@exemple.fr",
        first_name="Élodie\r\nBcc: x@exemple.fr",
        inviter_name="Claire\nMartin",
        firm_name="Cabinet\rMartin",
        roles=frozenset(),
        url="https://testserver/x",
        expires_at=expires,
    )
    assert member_mail.text.splitlines()[0] == "Bonjour Élodie Bcc: x@exemple.fr,"
    assert "\n" not in member_mail.subject
    assert "\r" not in member_mail.subject
    client_mail = client_invitation_mail(
        to="contact@exemple.fr\r\nBcc: x@exemple.fr",
        first_name="Jean\r\nX-Injected: 1",
        firm_name="Cabinet Martin",
        company_name="Garage\nChevalier",
        url="https://testserver/x",
        expires_at=expires,
        reminder=False,
    )
    assert client_mail.text.splitlines()[0] == "Bonjour Jean X-Injected: 1,"
    assert "\n" not in client_mail.to
    assert "\n" not in client_mail.subject
