"""The clients application over HTTP: add from the registry, the firm itself, list, export,
assignments and subscriptions."""

from __future__ import annotations

import io
import uuid
from datetime import date

import httpx
import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.company_registry.base import search_words
from api.core.authz import Role
from api.core.settings import Settings
from api.models.audit_event import AuditEvent
from api.models.client import Client
from api.models.membership import Membership
from tests.clients.conftest import Firm, member
from tests.helpers import every_page

pytestmark = pytest.mark.usefixtures("sirene")

ACTIVE_SIRENS = ["610869075", "624000170", "414617811", "234134542", "183883412"]


async def add(
    client: httpx.AsyncClient, firm: Firm, identifier: str, **extra: str
) -> httpx.Response:
    return await client.post(
        "/api/v1/clients", json={"identifier": identifier} | extra, headers=firm.owner.headers
    )


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert body["code"] == code
    return body


async def test_adding_a_client_by_siren_fills_its_identity_from_the_registry(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    response = await add(client, firm, "610 869 075", contact_email="elodie@exemple.fr")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["legal_name"] == "GARAGE CHEVALIER ET FRÈRES"
    assert body["vat_number"].startswith("FR")
    assert body["vat_number"].endswith("610869075")
    assert body["legal_form_code"] == "5720"
    assert body["activity_code"] == "45.20A"
    assert body["siret"]
    assert body["siret"].startswith("610869075")
    assert body["status"] == "invited"
    assert body["pa_status"] == "not_registered"
    assert body["contact_email"] == "elodie@exemple.fr"
    assert body["created_by_user_id"] == firm.owner.user_id
    actions = list(await session.scalars(select(AuditEvent.action)))
    assert "client.created" in actions


async def test_adding_by_siret_keeps_that_establishment(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    response = await add(client, firm, "62400017025724")
    assert response.status_code == 201, response.text
    assert response.json()["siren"] == "624000170"
    assert response.json()["siret"] == "62400017025724"


async def test_a_siren_already_a_client_is_a_clear_409(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    first = await add(client, firm, "610869075")
    body = _problem(await add(client, firm, "61086907500000"[:9]), 409, "client-already-exists")
    assert body["client_id"] == first.json()["id"]
    assert "déjà cliente" in str(body["detail"])


@pytest.mark.parametrize(
    ("identifier", "code"),
    [
        ("948662838", "company-closed"),
        ("732829320", "company-not-found"),
        ("123456789", "invalid-siren"),
        ("12345", "invalid-identifier"),
    ],
)
async def test_refused_companies_get_a_french_422(
    client: httpx.AsyncClient, firm: Firm, identifier: str, code: str
) -> None:
    body = _problem(await add(client, firm, identifier), 422, code)
    assert body["title"]


async def test_the_firm_adds_itself_and_gets_its_own_company_space(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    response = await client.post("/api/v1/clients/self", headers=firm.owner.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["is_firm_itself"] is True
    assert body["status"] == "active"
    assert body["siren"] == firm.created.firm.siren
    assert body["company_workspace_id"]
    membership = await session.scalar(
        select(Membership).where(Membership.workspace_id == uuid.UUID(body["company_workspace_id"]))
    )
    assert membership is not None
    assert str(membership.user_id) == firm.owner.user_id
    again = await client.post("/api/v1/clients/self", headers=firm.owner.headers)
    _problem(again, 409, "client-already-exists")


async def test_contact_update_is_audited(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    created = (await add(client, firm, "610869075")).json()
    response = await client.patch(
        f"/api/v1/clients/{created['id']}",
        json={"contact_first_name": "Élodie", "contact_email": "elodie@exemple.fr"},
        headers=firm.owner.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["contact_first_name"] == "Élodie"
    bad = await client.patch(
        f"/api/v1/clients/{created['id']}",
        json={"contact_email": "pas-un-email"},
        headers=firm.owner.headers,
    )
    assert bad.status_code == 422
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "client.contact_updated")
    )
    assert event is not None
    assert event.data == {"fields": ["contact_email", "contact_first_name"]}


async def test_list_searches_filters_sorts_and_pages_stably(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    for siren in ACTIVE_SIRENS:
        assert (await add(client, firm, siren)).status_code == 201
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2, "sort": "name"}
        if cursor:
            params["cursor"] = cursor
        page = await client.get("/api/v1/clients", params=params, headers=firm.owner.headers)
        assert page.status_code == 200, page.text
        seen.extend(item["legal_name"] for item in page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5
    # French order: accents and case ignored (É sorts with E).
    assert seen == sorted(seen, key=lambda name: search_words(name))

    by_name = await client.get(
        "/api/v1/clients", params={"q": "chevalier garage"}, headers=firm.owner.headers
    )
    assert [item["siren"] for item in by_name.json()["items"]] == ["610869075"]
    by_siret = await client.get(
        "/api/v1/clients", params={"q": "6240001702"}, headers=firm.owner.headers
    )
    assert [item["siren"] for item in by_siret.json()["items"]] == ["624000170"]
    newest_first = await client.get(
        "/api/v1/clients", params={"sort": "-created_at"}, headers=firm.owner.headers
    )
    assert newest_first.json()["items"][0]["siren"] == ACTIVE_SIRENS[-1]
    by_status = await client.get(
        "/api/v1/clients", params={"status": "active"}, headers=firm.owner.headers
    )
    assert by_status.json()["items"] == []
    wrong = await client.get(
        "/api/v1/clients", params={"cursor": "nope"}, headers=firm.owner.headers
    )
    _problem(wrong, 422, "invalid-cursor")
    too_big = await client.get("/api/v1/clients", params={"limit": 201}, headers=firm.owner.headers)
    assert too_big.status_code == 422


async def test_export_follows_the_filter_and_neutralises_formulas(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    created = (await add(client, firm, "610869075")).json()
    await add(client, firm, "414617811")
    await client.patch(
        f"/api/v1/clients/{created['id']}",
        json={"contact_last_name": '=HYPERLINK("http://exemple.invalid","clic")'},
        headers=firm.owner.headers,
    )
    response = await client.get(
        "/api/v1/clients/export.xlsx", params={"q": "chevalier"}, headers=firm.owner.headers
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "SIREN"
    assert len(rows) == 2
    assert rows[1][0] == "610869075"
    assert rows[1][8] == '\'=HYPERLINK("http://exemple.invalid","clic")'


async def test_assignments_scope_what_a_comptable_sees(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession, settings: Settings
) -> None:
    accountant = await member(client, session, settings, firm.created, frozenset({Role.ACCOUNTANT}))
    manager = await member(
        client, session, settings, firm.created, frozenset({Role.CLIENT_MANAGER}), "Anne"
    )
    first = (await add(client, firm, "610869075")).json()
    second = (await add(client, firm, "414617811")).json()
    listed = await client.get("/api/v1/clients", headers=accountant.headers)
    assert listed.json()["items"] == []

    assigned = await client.put(
        f"/api/v1/clients/{first['id']}/assignments/{accountant.user_id}",
        headers=firm.owner.headers,
    )
    assert assigned.status_code == 204
    refused = await client.put(
        f"/api/v1/clients/{first['id']}/assignments/{manager.user_id}", headers=firm.owner.headers
    )
    _problem(refused, 422, "not-an-accountant")

    listed = await client.get("/api/v1/clients", headers=accountant.headers)
    assert [item["id"] for item in listed.json()["items"]] == [first["id"]]
    assert (await client.get(f"/api/v1/clients/{first['id']}", headers=accountant.headers)).json()[
        "assignees"
    ][0]["user_id"] == accountant.user_id
    hidden = await client.get(f"/api/v1/clients/{second['id']}", headers=accountant.headers)
    _problem(hidden, 404, "client-not-found")
    mine = await client.get(
        "/api/v1/clients", params={"assignee": accountant.user_id}, headers=firm.owner.headers
    )
    assert [item["id"] for item in mine.json()["items"]] == [first["id"]]

    removed = await client.delete(
        f"/api/v1/clients/{first['id']}/assignments/{accountant.user_id}",
        headers=firm.owner.headers,
    )
    assert removed.status_code == 204
    assert (await client.get("/api/v1/clients", headers=accountant.headers)).json()["items"] == []


async def test_bulk_assign_reports_each_client(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession, settings: Settings
) -> None:
    accountant = await member(client, session, settings, firm.created, frozenset({Role.ACCOUNTANT}))
    ids = [(await add(client, firm, siren)).json()["id"] for siren in ACTIVE_SIRENS[:3]]
    unknown = "00000000-0000-4000-8000-000000000000"
    response = await client.post(
        "/api/v1/clients/bulk/assignments",
        json={"client_ids": [*ids, unknown], "user_ids": [accountant.user_id]},
        headers=firm.owner.headers,
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(r["id"], r["ok"]) for r in results] == [(i, True) for i in ids] + [(unknown, False)]
    assert results[-1]["error"] == "client-not-found"
    listed = await client.get("/api/v1/clients", headers=accountant.headers)
    assert len(listed.json()["items"]) == 3


async def test_subscription_plan_history_and_bulk_change(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    plans = await client.get("/api/v1/clients/plans", headers=firm.owner.headers)
    assert [plan["code"] for plan in plans.json()["items"]] == ["essentiel", "standard", "premium"]
    # The catalogue pages like every list: one plan a page, in its order.
    paged = await every_page(
        client, "/api/v1/clients/plans", firm.owner.headers, {}, field="code", limit=1
    )
    assert paged == ["essentiel", "standard", "premium"]
    ids = [(await add(client, firm, siren)).json()["id"] for siren in ACTIVE_SIRENS[:2]]
    body = {"plan_code": "standard", "payer": "firm", "start_date": "2026-12-01"}
    response = await client.put(
        f"/api/v1/clients/{ids[0]}/subscription", json=body, headers=firm.owner.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "active"
    unknown = await client.put(
        f"/api/v1/clients/{ids[0]}/subscription",
        json=body | {"plan_code": "platine"},
        headers=firm.owner.headers,
    )
    _problem(unknown, 422, "unknown-plan")
    bulk = await client.post(
        "/api/v1/clients/bulk/subscription",
        json=body | {"plan_code": "premium", "payer": "client", "client_ids": ids},
        headers=firm.owner.headers,
    )
    assert [r["ok"] for r in bulk.json()["results"]] == [True, True]
    history = await client.get(f"/api/v1/clients/{ids[0]}/subscription", headers=firm.owner.headers)
    assert history.json()["current"]["plan_code"] == "premium"
    assert [change["plan_code"] for change in history.json()["history"]] == ["premium", "standard"]
    by_plan = await client.get(
        "/api/v1/clients", params={"plan": "premium"}, headers=firm.owner.headers
    )
    assert len(by_plan.json()["items"]) == 2
    assert by_plan.json()["items"][0]["payer"] == "client"
    assert date.fromisoformat(history.json()["history"][0]["start_date"]) == date(2026, 12, 1)


async def test_company_search_by_siren_siret_and_name(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    for q in ("610869075", "garage chevalier"):
        response = await client.get(
            "/api/v1/companies/search", params={"q": q}, headers=firm.owner.headers
        )
        assert response.status_code == 200, response.text
        assert "610869075" in [item["siren"] for item in response.json()["items"]]
    _problem(
        await client.get(
            "/api/v1/companies/search", params={"q": "123456789"}, headers=firm.owner.headers
        ),
        422,
        "invalid-siren",
    )


async def test_clients_are_counted_once_per_firm(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    await add(client, firm, "610869075")
    rows = list(await session.scalars(select(Client.siren)))
    assert rows == ["610869075"]


async def _all_pages(
    client: httpx.AsyncClient, headers: dict[str, str], params: dict[str, str]
) -> list[str]:
    return await every_page(client, "/api/v1/clients", headers, params, field="siren")


async def test_filters_combine_and_page_in_both_directions_for_every_reader(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession, settings: Settings
) -> None:
    accountant = await member(client, session, settings, firm.created, frozenset({Role.ACCOUNTANT}))
    ids = {siren: (await add(client, firm, siren)).json()["id"] for siren in ACTIVE_SIRENS}
    premium, assigned = ACTIVE_SIRENS[:3], ACTIVE_SIRENS[1:4]
    await client.post(
        "/api/v1/clients/bulk/subscription",
        json={
            "plan_code": "premium",
            "payer": "firm",
            "start_date": "2026-12-01",
            "client_ids": [ids[siren] for siren in premium],
        },
        headers=firm.owner.headers,
    )
    await client.post(
        "/api/v1/clients/bulk/assignments",
        json={"client_ids": [ids[siren] for siren in assigned], "user_ids": [accountant.user_id]},
        headers=firm.owner.headers,
    )
    by_siren = sorted(ACTIVE_SIRENS)
    cases: list[tuple[dict[str, str], list[str]]] = [
        ({"sort": "siren"}, by_siren),
        ({"sort": "-siren"}, by_siren[::-1]),
        ({"sort": "-siren", "plan": "premium"}, sorted(premium, reverse=True)),
        ({"sort": "siren", "plan": "none"}, sorted(set(ACTIVE_SIRENS) - set(premium))),
        (
            {"sort": "siren", "plan": "premium", "assignee": accountant.user_id},
            sorted(set(premium) & set(assigned)),
        ),
        ({"sort": "siren", "status": "invited", "invitation_status": "not_sent"}, by_siren),
        ({"sort": "siren", "status": "active"}, []),
        ({"sort": "siren", "q": ACTIVE_SIRENS[0][:9]}, [ACTIVE_SIRENS[0]]),
    ]
    for params, expected in cases:
        assert await _all_pages(client, firm.owner.headers, params) == expected, params
        # A Comptable sees the same filters, within their assigned clients.
        mine = [siren for siren in expected if siren in assigned]
        assert await _all_pages(client, accountant.headers, params) == mine, params
