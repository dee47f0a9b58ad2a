"""The readiness dashboard: funnel counts move with the mandates, obligations follow the
company category and the VAT regime the firm sets, and the Excel export neutralises cells."""

from __future__ import annotations

import io
import uuid
from collections import Counter
from datetime import timedelta

import httpx
import openpyxl
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.models import utcnow
from api.models.client import Client, PaStatus
from api.models.mandate_request import MandateRequest, MandateRequestStatus
from tests.clients.conftest import Firm
from tests.mandates.conftest import ACTIVE_SIRENS, add_client, signer_of

pytestmark = pytest.mark.usefixtures("sirene")


async def _readiness(client: httpx.AsyncClient, firm: Firm) -> dict[str, object]:
    response = await client.get("/api/v1/readiness", headers=firm.owner.headers)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def test_the_counts_move_with_the_funnel_and_obligations_follow_the_inputs(
    client: httpx.AsyncClient, session: AsyncSession, firm: Firm
) -> None:
    before = await _readiness(client, firm)
    waiting = await add_client(client, firm, ACTIVE_SIRENS[1])
    _signed_id, signer = await signer_of(client, session, firm)
    after_send = await _readiness(client, firm)
    counts = after_send["counts"]
    assert isinstance(counts, dict)
    assert counts["sent"] == 1
    assert counts["to_send"] == before["counts"]["to_send"] + 1  # type: ignore[index]
    await signer.open()
    assert (await signer.sign(await signer.ask_code())).status_code == 200
    after_sign = await _readiness(client, firm)
    assert after_sign["counts"]["signed"] == 1  # type: ignore[index]
    assert after_sign["counts"]["sent"] == 0  # type: ignore[index]

    # Without the firm's word, SIRENE's `categorieEntreprise` decides: CRÉATION DUPONT is an ETI.
    rows = after_sign["clients"]
    assert isinstance(rows, list)
    dupont = next(row for row in rows if row["id"] == waiting)
    assert dupont["category_source"] == "sirene"
    assert dupont["company_category"] == "ETI"
    assert dupont["obligations"]["emission_from"] == "2026-09-01"
    assert dupont["obligations"]["e_reporting_cadence"] is None  # VAT regime not given yet

    shown = await client.get(f"/api/v1/clients/{waiting}/readiness", headers=firm.owner.headers)
    assert shown.status_code == 200, shown.text
    assert shown.json() == dupont

    large = await client.patch(
        f"/api/v1/clients/{waiting}/readiness",
        json={"company_category": "ETI", "vat_regime": "real_normal_monthly"},
        headers=firm.owner.headers,
    )
    assert large.status_code == 200, large.text
    assert large.json()["category_source"] == "firm"
    duties = large.json()["obligations"]
    assert duties["reception_from"] == "2026-09-01"
    assert duties["emission_from"] == "2026-09-01"
    assert duties["e_reporting_cadence"].startswith("Par décade")
    small = await client.patch(
        f"/api/v1/clients/{waiting}/readiness",
        json={"company_category": "PME"},
        headers=firm.owner.headers,
    )
    assert small.json()["obligations"]["emission_from"] == "2027-09-01"
    assert small.json()["vat_regime"] == "real_normal_monthly"  # untouched
    # Back to SIRENE's word: the client's file reads what the dashboard shows.
    reset = await client.patch(
        f"/api/v1/clients/{waiting}/readiness",
        json={"company_category": None},
        headers=firm.owner.headers,
    )
    assert reset.json()["category_source"] == "sirene"
    shown = await client.get(f"/api/v1/clients/{waiting}/readiness", headers=firm.owner.headers)
    assert shown.json() == reset.json()

    export = await client.get("/api/v1/readiness.xlsx", headers=firm.owner.headers)
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "SIREN"
    stages = {row[0]: row[2] for row in rows[1:]}
    assert stages[ACTIVE_SIRENS[0]] == "Signé"
    assert stages[ACTIVE_SIRENS[1]] == "À envoyer"


async def test_the_clients_list_filters_on_the_funnel_stage(
    client: httpx.AsyncClient, session: AsyncSession, firm: Firm
) -> None:
    waiting = await add_client(client, firm, ACTIVE_SIRENS[1])
    sent_id, _signer = await signer_of(client, session, firm)

    async def ids(stage: str) -> set[str]:
        response = await client.get(
            "/api/v1/clients", params={"mandate_stage": stage}, headers=firm.owner.headers
        )
        assert response.status_code == 200, response.text
        return {row["id"] for row in response.json()["items"]}

    assert sent_id in await ids("sent")
    assert waiting not in await ids("sent")
    assert waiting in await ids("to_send")
    assert sent_id not in await ids("to_send")
    assert await ids("signed") == set()
    refused = await client.get(
        "/api/v1/clients", params={"mandate_stage": "nope"}, headers=firm.owner.headers
    )
    assert refused.status_code == 422


async def test_the_counts_agree_with_each_clients_stage(
    client: httpx.AsyncClient, session: AsyncSession, firm: Firm
) -> None:
    """The counts come from two small aggregations, the table from each client's row: a
    withdrawn request, an expired link, a paper designation over a live link and a refusal
    land in the same stage in both."""
    ids = [await add_client(client, firm, siren) for siren in ACTIVE_SIRENS]
    sent = await client.post(
        "/api/v1/mandate-requests/sendings",
        json={"client_ids": ids[:4]},
        headers=firm.owner.headers,
    )
    assert sent.status_code == 200, sent.text
    withdrawn, expired, on_paper, refused = (uuid.UUID(value) for value in ids[:4])
    await client.post(
        "/api/v1/mandate-requests/withdrawals",
        json={"client_ids": [str(withdrawn)]},
        headers=firm.owner.headers,
    )
    await session.execute(
        update(MandateRequest)
        .where(MandateRequest.client_id == expired)
        .values(expires_at=utcnow() - timedelta(days=1))
    )
    await session.execute(
        update(Client).where(Client.id == on_paper).values(pa_status=PaStatus.PENDING)
    )
    await session.execute(
        update(MandateRequest)
        .where(MandateRequest.client_id == refused)
        .values(status=MandateRequestStatus.REFUSED)
    )
    await session.commit()

    body = await _readiness(client, firm)
    rows = body["clients"]
    assert isinstance(rows, list)
    stages = {row["id"]: row["stage"] for row in rows}
    assert [stages[value] for value in ids] == [
        "to_send",
        "expired",
        "signed",
        "refused",
        "to_send",
    ]
    counts = body["counts"]
    assert isinstance(counts, dict)
    assert {stage: count for stage, count in counts.items() if count} == dict(
        Counter(stages.values())
    )
