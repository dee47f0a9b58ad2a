"""Who may call what: every clients route × every kind of caller, with the documented status.
A caller lacking the right, or a resource of another firm, is a 404 (never 403)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.clients.spreadsheet import XLSX_MEDIA_TYPE
from api.core.authz import Role
from api.core.settings import Settings
from tests.clients.conftest import SAMPLE_DIR, Firm, log_in, member
from tests.helpers import create_firm

pytestmark = pytest.mark.usefixtures("sirene")

CALLERS = [
    "owner",
    "admin",
    "client_manager",
    "accountant_assigned",
    "accountant_unassigned",
    "other_firm_owner",
    "anonymous",
]
READ = {
    "owner": 200,
    "admin": 404,
    "client_manager": 200,
    "accountant_assigned": 200,
    "accountant_unassigned": 404,
    "other_firm_owner": 404,
    "anonymous": 401,
}
# Reads of the firm's list itself (scoped, never a leak): every firm reader gets its own list.
LIST = READ | {"accountant_unassigned": 200, "other_firm_owner": 200}
WRITE = {
    "owner": 200,
    "admin": 404,
    "client_manager": 200,
    "accountant_assigned": 404,
    "accountant_unassigned": 404,
    "other_firm_owner": 404,
    "anonymous": 401,
}
# Firm-level writes (no target client): any firm with the right gets its answer.
FIRM_WRITE = WRITE | {"other_firm_owner": 200}


def _with(expected: dict[str, int], success: int) -> dict[str, int]:
    return {caller: success if status == 200 else status for caller, status in expected.items()}


# (method, path, body, expected); {client} is a client of the firm, {accountant} its Comptable.
ROUTES: list[tuple[str, str, object, dict[str, int]]] = [
    ("GET", "/api/v1/clients", None, LIST),
    ("GET", "/api/v1/clients/export.xlsx", None, LIST),
    ("GET", "/api/v1/clients/plans", None, LIST),
    ("GET", "/api/v1/clients/{client}", None, READ),
    ("GET", "/api/v1/clients/{client}/assignments", None, READ),
    ("GET", "/api/v1/clients/{client}/subscription", None, READ),
    ("GET", "/api/v1/clients/import-template.xlsx", None, FIRM_WRITE),
    ("GET", "/api/v1/companies/search?q=610869075", None, FIRM_WRITE),
    ("PATCH", "/api/v1/clients/{client}", {"contact_first_name": "Zoé"}, WRITE),
    (
        "PUT",
        "/api/v1/clients/{client}/subscription",
        {"plan_code": "standard", "payer": "client", "start_date": "2027-01-01"},
        WRITE,
    ),
    ("PUT", "/api/v1/clients/{client}/assignments/{accountant}", None, _with(WRITE, 204)),
    (
        "POST",
        "/api/v1/clients/bulk/assignments",
        {"client_ids": ["{client}"], "user_ids": ["{accountant}"], "action": "assign"},
        # Another firm's owner may bulk-assign their own Comptables; the accountant is not one.
        FIRM_WRITE | {"other_firm_owner": 422},
    ),
    (
        "POST",
        "/api/v1/clients/bulk/subscription",
        {
            "client_ids": ["{client}"],
            "plan_code": "essentiel",
            "payer": "firm",
            "start_date": "2027-01-01",
        },
        FIRM_WRITE,
    ),
    ("POST", "/api/v1/clients", {"identifier": "414617811"}, _with(FIRM_WRITE, 201)),
    ("POST", "/api/v1/clients/self", None, _with(FIRM_WRITE, 201)),
    ("POST", "/api/v1/clients/imports", "sample", _with(FIRM_WRITE, 201)),
    ("DELETE", "/api/v1/clients/{client}/assignments/{accountant}", None, _with(WRITE, 204)),
]


def _fill(value: object, names: dict[str, str]) -> object:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, list):
        return [_fill(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, names) for key, item in value.items()}
    return value


@pytest.mark.parametrize("caller", CALLERS)
async def test_every_clients_route_answers_each_caller_as_documented(
    client: httpx.AsyncClient,
    firm: Firm,
    session: AsyncSession,
    settings: Settings,
    caller: str,
) -> None:
    accountant = await member(client, session, settings, firm.created, frozenset({Role.ACCOUNTANT}))
    created = await client.post(
        "/api/v1/clients", json={"identifier": "610869075"}, headers=firm.owner.headers
    )
    client_id = created.json()["id"]
    assign = await client.put(
        f"/api/v1/clients/{client_id}/assignments/{accountant.user_id}",
        headers=firm.owner.headers,
    )
    assert assign.status_code == 204
    if caller == "owner":
        headers = firm.owner.headers
    elif caller == "admin":
        headers = (
            await member(client, session, settings, firm.created, frozenset({Role.ADMIN}))
        ).headers
    elif caller == "client_manager":
        headers = (
            await member(client, session, settings, firm.created, frozenset({Role.CLIENT_MANAGER}))
        ).headers
    elif caller == "accountant_assigned":
        headers = accountant.headers
    elif caller == "accountant_unassigned":
        headers = (
            await member(client, session, settings, firm.created, frozenset({Role.ACCOUNTANT}))
        ).headers
    elif caller == "other_firm_owner":
        other = await create_firm(session, settings, name="Autre Cabinet")
        headers = await log_in(client, other.enrollment.url)
    else:
        headers = {}

    names = {"client": client_id, "accountant": accountant.user_id}
    mismatches = []
    for method, path, body, expected in ROUTES:
        url = path.format(**names)
        if body == "sample":
            response = await client.request(
                method,
                url,
                content=(SAMPLE_DIR / "import-sample.xlsx").read_bytes(),
                headers=headers | {"Content-Type": XLSX_MEDIA_TYPE},
            )
        else:
            response = await client.request(
                method, url, json=_fill(body, names) if body else None, headers=headers
            )
        if response.status_code != expected[caller]:
            mismatches.append((method, path, expected[caller], response.status_code))
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json"
        if method == "GET" and path == "/api/v1/clients" and response.status_code == 200:
            visible = client_id in [item["id"] for item in response.json()["items"]]
            sees_all = caller in ("owner", "client_manager", "accountant_assigned")
            assert visible == sees_all, caller
    assert mismatches == []
