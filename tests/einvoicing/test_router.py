"""The "Facturation électronique" service over HTTP, with the embedded directory: mandate
templates, certification and its evidence, activation through the worker, deregistration and
re-activation, bulk with progress, history, and who may do it."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.directory import LocalDirectory
from api.audit import service as audit
from api.core.authz import Role
from api.core.settings import Settings
from api.core.state import state_of
from api.models.audit_event import AuditEvent
from api.models.directory_line import DirectoryLineRecord
from api.models.pa_designation import MandateCertification, PaDesignation
from api.models.sirene import SireneUnit
from api.models.workspace import Workspace
from tests.clients.conftest import Firm, member
from tests.einvoicing.conftest import ACTIVE_SIRENS, Worker, add_client, certified

pytestmark = pytest.mark.usefixtures("sirene")


@pytest.fixture
def directory(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> LocalDirectory:
    return LocalDirectory(sessionmaker, settings.directory_platform_id)


async def _state(client: httpx.AsyncClient, firm: Firm, client_id: str) -> dict[str, object]:
    response = await client.get(
        f"/api/v1/clients/{client_id}/einvoicing", headers=firm.owner.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def test_mandate_templates_are_french_pdfs(client: httpx.AsyncClient, firm: Firm) -> None:
    client_id = await add_client(client, firm, ACTIVE_SIRENS[0])
    prefilled = await client.get(
        f"/api/v1/clients/{client_id}/mandate-template.pdf", headers=firm.owner.headers
    )
    blank = await client.get("/api/v1/einvoicing/mandate-template.pdf", headers=firm.owner.headers)
    for response in (prefilled, blank):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
    assert prefilled.content != blank.content


async def test_mandate_readiness_names_what_the_prefilled_mandate_would_print_blank(
    client: httpx.AsyncClient,
    firm: Firm,
    session: AsyncSession,
    settings: Settings,
    app: FastAPI,
) -> None:
    url = "/api/v1/einvoicing/mandate-readiness"
    await session.execute(
        update(Workspace)
        .where(Workspace.id == firm.created.firm.id)
        .values(address_line=None, postal_code=None, city=None)
    )
    unset = await client.get(url, headers=firm.owner.headers)
    assert unset.status_code == 200, unset.text
    assert unset.json()["missing"] == [
        "platform_siren",
        "platform_registration_number",
        "firm_address",
    ]

    state_of(app).settings = settings.model_copy(
        update={"platform_siren": "123456782", "platform_registration_number": "PA-0042"}
    )
    await session.execute(
        update(Workspace)
        .where(Workspace.id == firm.created.firm.id)
        .values(address_line="1 rue de la Paix", postal_code="75002", city="Paris")
    )
    configured = await client.get(url, headers=firm.owner.headers)
    assert configured.json()["missing"] == []


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"certified": False}, "/body/certified"),
        ({"certification_text": "Je certifie."}, "/body/certification_text"),
        ({"certification_version": "1999-01-01"}, "/body/certification_text"),
    ],
)
async def test_activation_without_the_exact_certification_is_a_422(
    client: httpx.AsyncClient,
    firm: Firm,
    session: AsyncSession,
    body: dict[str, object],
    pointer: str,
) -> None:
    client_id = await add_client(client, firm, ACTIVE_SIRENS[0])
    response = await client.post(
        f"/api/v1/clients/{client_id}/einvoicing/activation",
        json=certified(**body),
        headers=firm.owner.headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "certification-required"
    assert response.json()["errors"][0]["pointer"] == pointer
    assert (await _state(client, firm, client_id))["pa_status"] == "not_registered"
    assert await session.scalar(select(PaDesignation.id)) is None


async def test_activation_stores_the_evidence_and_the_worker_registers_the_client(
    client: httpx.AsyncClient,
    firm: Firm,
    session: AsyncSession,
    directory: LocalDirectory,
    run_worker: Worker,
) -> None:
    client_id = await add_client(client, firm, ACTIVE_SIRENS[0])
    response = await client.post(
        f"/api/v1/clients/{client_id}/einvoicing/activation",
        json=certified(signed_mandate_sha256="ab" * 32),
        headers=firm.owner.headers | {"User-Agent": "Navigateur de test"},
    )
    assert response.status_code == 202, response.text
    assert response.json()["pa_status"] == "pending"
    designation = response.json()["designation"]
    assert designation["status"] == "pending"
    assert designation["signed_mandate_sha256"] == "ab" * 32

    evidence = await session.scalar(select(MandateCertification))
    assert evidence is not None
    assert str(evidence.user_id) == firm.owner.user_id
    assert "owner" in evidence.roles
    assert evidence.user_agent == "Navigateur de test"
    assert evidence.ip
    assert evidence.text_version == certified()["certification_version"]
    assert evidence.text.startswith("Je certifie avoir obtenu un mandat signé")

    await run_worker(directory)
    state = await _state(client, firm, client_id)
    assert state["pa_status"] == "registered"
    registered = state["designation"]
    assert isinstance(registered, dict)
    assert registered["directory_line_id"]
    assert registered["attempts"] == 1
    listed = await client.get(
        "/api/v1/clients", params={"pa_status": "registered"}, headers=firm.owner.headers
    )
    assert [item["id"] for item in listed.json()["items"]] == [client_id]

    again = await client.post(
        f"/api/v1/clients/{client_id}/einvoicing/activation",
        json=certified(),
        headers=firm.owner.headers,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "einvoicing-already-active"

    history = await client.get(
        f"/api/v1/clients/{client_id}/einvoicing/history", headers=firm.owner.headers
    )
    assert [item["action"] for item in history.json()["items"]] == [
        "einvoicing.registered",
        "einvoicing.activation_requested",
    ]
    assert history.json()["items"][1]["actor_user_id"] == firm.owner.user_id


async def test_deregistration_ends_the_line_and_a_later_activation_starts_after_it(
    client: httpx.AsyncClient,
    firm: Firm,
    session: AsyncSession,
    directory: LocalDirectory,
    run_worker: Worker,
) -> None:
    client_id = await add_client(client, firm, ACTIVE_SIRENS[1])
    await client.post(
        f"/api/v1/clients/{client_id}/einvoicing/activation",
        json=certified(),
        headers=firm.owner.headers,
    )
    await run_worker(directory)
    end = date.today() + timedelta(days=5)
    response = await client.post(
        f"/api/v1/clients/{client_id}/einvoicing/deregistration",
        json={"date_to": end.isoformat()},
        headers=firm.owner.headers,
    )
    assert response.status_code == 202, response.text
    assert response.json()["designation"]["end_requested_on"] == end.isoformat()
    await run_worker(directory)
    state = await _state(client, firm, client_id)
    assert state["pa_status"] == "deregistered"

    again = await client.post(
        f"/api/v1/clients/{client_id}/einvoicing/activation",
        json=certified(),
        headers=firm.owner.headers,
    )
    assert again.status_code == 202, again.text
    assert again.json()["designation"]["date_from"] == (end + timedelta(days=1)).isoformat()
    await run_worker(directory)
    assert (await _state(client, firm, client_id))["pa_status"] == "registered"
    lines = list(
        await session.scalars(
            select(DirectoryLineRecord)
            .where(DirectoryLineRecord.siren == ACTIVE_SIRENS[1])
            .order_by(DirectoryLineRecord.date_from)
        )
    )
    assert [(line.date_from, line.date_to) for line in lines] == [
        (date.today(), end),
        (end + timedelta(days=1), None),
    ]
    actions = list(
        await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.target_id == client_id, AuditEvent.action.startswith("einvoicing."))
            .order_by(AuditEvent.sequence)
        )
    )
    assert actions == [
        "einvoicing.activation_requested",
        "einvoicing.registered",
        "einvoicing.deregistration_requested",
        "einvoicing.deregistered",
        "einvoicing.activation_requested",
        "einvoicing.registered",
    ]


async def test_bulk_activation_answers_per_client_and_shows_the_progress(
    client: httpx.AsyncClient,
    firm: Firm,
    session: AsyncSession,
    directory: LocalDirectory,
    run_worker: Worker,
) -> None:
    ids = [await add_client(client, firm, siren) for siren in ACTIVE_SIRENS[:4]]
    registered_first, closed = ids[0], ids[1]
    await client.post(
        f"/api/v1/clients/{registered_first}/einvoicing/activation",
        json=certified(),
        headers=firm.owner.headers,
    )
    await run_worker(directory)
    await session.execute(
        update(SireneUnit).where(SireneUnit.siren == ACTIVE_SIRENS[1]).values(is_active=False)
    )
    await session.commit()
    unknown = "00000000-0000-4000-8000-000000000000"

    response = await client.post(
        "/api/v1/einvoicing/bulk-activations",
        json=certified(client_ids=[*ids, unknown]),
        headers=firm.owner.headers,
    )
    assert response.status_code == 202, response.text
    body = response.json()
    outcomes = {result["id"]: result["outcome"] for result in body["results"]}
    assert outcomes == {
        ids[0]: "already_registered",
        closed: "company_closed",
        ids[2]: "activated",
        ids[3]: "activated",
        unknown: "client_not_found",
    }
    assert body["job"]["progress"]["pending"] == 2
    assert body["job"]["done"] is False
    job_url = f"/api/v1/einvoicing/bulk-activations/{body['job']['id']}"
    progress = await client.get(job_url, headers=firm.owner.headers)
    assert progress.json()["progress"]["pending"] == 2
    assert progress.json()["refused"] == {
        "already_registered": 1,
        "company_closed": 1,
        "client_not_found": 1,
    }

    await run_worker(directory)
    progress = await client.get(job_url, headers=firm.owner.headers)
    assert progress.json()["progress"] == {
        "pending": 0,
        "registered": 2,
        "error": 0,
        "deregistered": 0,
    }
    assert progress.json()["done"] is True
    chain = await audit.verify(session)  # the bulk's batched events are chained like others
    assert (chain.first_broken, chain.reason) == (None, None)


async def test_bulk_activation_by_the_lists_filter(
    client: httpx.AsyncClient, firm: Firm, directory: LocalDirectory, run_worker: Worker
) -> None:
    ids = {await add_client(client, firm, siren) for siren in ACTIVE_SIRENS[:3]}
    response = await client.post(
        "/api/v1/einvoicing/bulk-activations",
        json=certified(filter={"pa_status": "not_registered"}),
        headers=firm.owner.headers,
    )
    assert response.status_code == 202, response.text
    assert {result["id"] for result in response.json()["results"]} == ids
    assert all(result["ok"] for result in response.json()["results"])
    without = await client.post(
        "/api/v1/einvoicing/bulk-activations",
        json={"client_ids": list(ids), "certified": False, "certification_version": "x",
              "certification_text": "x"},
        headers=firm.owner.headers,
    )  # fmt: skip
    assert without.status_code == 422


async def test_a_comptable_gets_404_and_a_gestionnaire_does_it_all(
    client: httpx.AsyncClient,
    firm: Firm,
    session: AsyncSession,
    settings: Settings,
    directory: LocalDirectory,
    run_worker: Worker,
) -> None:
    client_id = await add_client(client, firm, ACTIVE_SIRENS[2])
    accountant = await member(client, session, settings, firm.created, frozenset({Role.ACCOUNTANT}))
    await client.put(
        f"/api/v1/clients/{client_id}/assignments/{accountant.user_id}",
        headers=firm.owner.headers,
    )
    manager = await member(
        client, session, settings, firm.created, frozenset({Role.CLIENT_MANAGER}), "Léa"
    )
    base = f"/api/v1/clients/{client_id}"
    for method, path, body in [
        ("GET", f"{base}/einvoicing", None),
        ("GET", f"{base}/mandate-template.pdf", None),
        ("POST", f"{base}/einvoicing/activation", certified()),
    ]:
        refused = await client.request(method, path, json=body, headers=accountant.headers)
        assert refused.status_code == 404, (path, refused.text)
    activated = await client.post(
        f"{base}/einvoicing/activation", json=certified(), headers=manager.headers
    )
    assert activated.status_code == 202, activated.text
    await run_worker(directory)
    ended = await client.post(f"{base}/einvoicing/deregistration", json={}, headers=manager.headers)
    assert ended.status_code == 202, ended.text
    evidence = await session.scalar(select(MandateCertification))
    assert evidence is not None
    assert evidence.roles == ["client_manager"]
