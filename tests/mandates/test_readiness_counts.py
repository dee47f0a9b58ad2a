"""The dashboard's funnel counts are kept by the database (`readiness_counts`, row triggers in
the same transaction as each change): after every kind of change that moves a client — added,
assigned or unassigned, sent, opened, signed, refused, locked, withdrawn, sent again, expired,
designated, registered, in error, deregistered, deleted, a bulk statement — the dashboard's
counts, for the firm and for each collaborator, equal a recount of every client's stage."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.adapters.directory import LocalDirectory
from api.core.authz import Role
from api.core.models import utcnow
from api.core.settings import Settings
from api.mandates import repository
from api.models.client import Client, ClientAssignment, PaStatus
from api.models.mandate_request import MandateRequest
from tests.clients.conftest import Firm, member
from tests.einvoicing.conftest import certified
from tests.mandates.conftest import (
    ACTIVE_SIRENS,
    Signer,
    add_client,
    code_in_last_mail,
    token_in_last_mail,
)
from tests.schema import model_differences

pytestmark = pytest.mark.usefixtures("sirene")


async def _recount(
    session: AsyncSession, firm_id: uuid.UUID
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Every client's stage, as its row says (the list's filter and the table use it), counted
    for the firm and for each assignee."""
    rows = await repository.client_rows(session, repository.firm_clients(firm_id), utcnow())
    stage_of = {row["id"]: row["stage"] for row in rows}
    assigned = await session.execute(
        select(ClientAssignment.client_id, ClientAssignment.user_id).where(
            ClientAssignment.firm_id == firm_id
        )
    )
    per_user: dict[str, Counter[str]] = defaultdict(Counter)
    for client_id, user_id in assigned.all():
        per_user[str(user_id)][stage_of[client_id]] += 1
    return dict(Counter(stage_of.values())), {user: dict(c) for user, c in per_user.items()}


async def _shown(
    client: httpx.AsyncClient, firm: Firm
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    response = await client.get("/api/v1/readiness", headers=firm.owner.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    counts = {stage: count for stage, count in body["counts"].items() if count}
    people = {
        person["user_id"]: {stage: count for stage, count in person["counts"].items() if count}
        for person in body["collaborators"]
    }
    assert body["total"] == sum(counts.values())
    return counts, people


async def _code(
    client: httpx.AsyncClient, session: AsyncSession, signer: Signer, email: str
) -> str:
    asked = await client.post("/api/v1/mandate-signatures/code", json={"token": signer.token})
    assert asked.status_code == 202, asked.text
    return await code_in_last_mail(session, email)


async def _agree(
    client: httpx.AsyncClient, session: AsyncSession, firm: Firm, after: str
) -> dict[str, int]:
    await session.commit()
    counts, people = await _shown(client, firm)
    expected_counts, expected_people = await _recount(session, firm.created.firm.id)
    assert counts == expected_counts, after
    assert people == expected_people, after
    return counts


async def test_the_kept_counts_equal_a_recount_after_every_kind_of_change(
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    firm: Firm,
    directory: LocalDirectory,
    run_worker: Any,
) -> None:
    firm_id = firm.created.firm.id
    await _agree(client, session, firm, "a new firm")
    emails = [f"representant{index}@client.example.fr" for index in range(len(ACTIVE_SIRENS))]
    ids = [
        await add_client(client, firm, siren, email)
        for siren, email in zip(ACTIVE_SIRENS, emails, strict=True)
    ]
    counts = await _agree(client, session, firm, "clients added")
    assert counts["to_send"] >= len(ids)

    anne = await member(client, session, settings, firm.created, frozenset({Role.ACCOUNTANT}))
    bruno = await member(
        client, session, settings, firm.created, frozenset({Role.ACCOUNTANT}), "Bruno"
    )
    for user, chosen in ((anne, ids[:3]), (bruno, ids[2:])):  # the third client has both
        assigned = await client.post(
            "/api/v1/clients/bulk/assignments",
            json={"client_ids": chosen, "user_ids": [user.user_id]},
            headers=firm.owner.headers,
        )
        assert assigned.status_code == 200, assigned.text
    await _agree(client, session, firm, "assigned")

    sent = await client.post(
        "/api/v1/mandate-requests/sendings", json={"client_ids": ids}, headers=firm.owner.headers
    )
    assert sent.status_code == 200, sent.text
    assert (await _agree(client, session, firm, "sent"))["sent"] == len(ids)

    signers = [
        Signer(client, session, await token_in_last_mail(session, email)) for email in emails
    ]
    for signer in signers[:4]:
        assert (await signer.open()).status_code == 200
    assert (await _agree(client, session, firm, "opened"))["opened"] == 4

    code = await _code(client, session, signers[0], emails[0])
    assert (await signers[0].sign(code)).status_code == 200
    await _agree(client, session, firm, "signed: the designation starts (pending)")

    refused = await client.post(
        "/api/v1/mandate-signatures/refusal", json={"token": signers[1].token, "reason": None}
    )
    assert refused.status_code == 204, refused.text
    assert (await _agree(client, session, firm, "refused"))["refused"] == 1

    await _code(client, session, signers[2], emails[2])
    for _ in range(5):
        wrong = await signers[2].sign("000000" if code != "000000" else "111111")
        assert wrong.status_code in (409, 410, 422), wrong.text
    await _agree(client, session, firm, "locked after five wrong codes")

    withdrawn = await client.post(
        "/api/v1/mandate-requests/withdrawals",
        json={"client_ids": [ids[3]]},
        headers=firm.owner.headers,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    await _agree(client, session, firm, "withdrawn")
    again = await client.post(
        "/api/v1/mandate-requests/sendings",
        json={"client_ids": [ids[3], ids[2]]},
        headers=firm.owner.headers,
    )
    assert again.status_code == 200, again.text
    await _agree(client, session, firm, "sent again (after a withdrawal and a lock)")

    # Expiry is a matter of time: no write moves the client, the dashboard reads it apart.
    await session.execute(
        update(MandateRequest)
        .where(MandateRequest.client_id == uuid.UUID(ids[4]))
        .values(expires_at=utcnow() - timedelta(days=1))
    )
    assert (await _agree(client, session, firm, "a link expired"))["expired"] == 1

    # The directory's answers, as the worker writes them.
    await run_worker(directory, passes=2)
    await _agree(client, session, firm, "the directory registered the signed client")
    activated = await client.post(
        "/api/v1/einvoicing/bulk-activations",
        json=certified(client_ids=[ids[4]]),
        headers=firm.owner.headers,
    )
    assert activated.status_code in (200, 202), activated.text
    await _agree(client, session, firm, "designated on paper over an expired link")
    for pa_status in (PaStatus.ERROR, PaStatus.DEREGISTERED, PaStatus.REGISTERED):
        await session.execute(
            update(Client).where(Client.id == uuid.UUID(ids[4])).values(pa_status=pa_status)
        )
        await _agree(client, session, firm, f"directory status {pa_status}")

    # A bulk statement over many clients at once, then unassigning, then deleting a client.
    await session.execute(
        update(Client).where(Client.firm_id == firm_id).values(pa_status=PaStatus.NOT_REGISTERED)
    )
    await _agree(client, session, firm, "a bulk update of every client")
    unassigned = await client.post(
        "/api/v1/clients/bulk/assignments",
        json={"client_ids": ids[2:4], "user_ids": [bruno.user_id], "action": "unassign"},
        headers=firm.owner.headers,
    )
    assert unassigned.status_code == 200, unassigned.text
    before = await _agree(client, session, firm, "unassigned")
    await session.execute(delete(Client).where(Client.id == uuid.UUID(ids[2])))
    after = await _agree(client, session, firm, "a client deleted (its request cascades)")
    assert sum(after.values()) == sum(before.values()) - 1


async def test_the_counts_table_and_the_expiry_index_match_their_models(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(
            model_differences, {"readiness_counts", "mandate_requests"}
        )

    assert differences == []
