"""E-invoicing fixtures: the clients' logged-in firm and SIRENE sample, clients added over
HTTP, and a way to run the worker's passes against a chosen directory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.directory import Directory
from api.core.models import utcnow
from api.core.settings import Settings
from api.einvoicing.certification import CURRENT_CERTIFICATION
from api.einvoicing.service import DIRECTORY_KIND, directory_delivery
from api.outbox import service as outbox
from api.outbox.service import PassReport
from tests.clients.conftest import Firm, firm, sirene  # noqa: F401  (fixtures)

ACTIVE_SIRENS = ["610869075", "624000170", "414617811", "234134542", "183883412"]


def certified(**extra: Any) -> dict[str, Any]:
    return {
        "certified": True,
        "certification_version": CURRENT_CERTIFICATION.version,
        "certification_text": CURRENT_CERTIFICATION.text,
    } | extra


async def add_client(client: httpx.AsyncClient, firm: Firm, siren: str) -> str:  # noqa: F811
    response = await client.post(
        "/api/v1/clients", json={"identifier": siren}, headers=firm.owner.headers
    )
    assert response.status_code == 201, response.text
    client_id: str = response.json()["id"]
    return client_id


Worker = Callable[..., Any]


@pytest.fixture
def run_worker(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> Callable[..., Any]:
    """`await run_worker(directory, passes=1, settings=...)`: the outbox passes, each one
    after the previous retry delay, delivering only the directory jobs."""
    moment = [utcnow()]

    async def run(
        directory: Directory, passes: int = 1, worker_settings: Settings | None = None
    ) -> list[PassReport]:
        handlers = {DIRECTORY_KIND: directory_delivery(directory, sessionmaker)}
        # Other kinds (mails of the fixtures) have no handler here: a big batch leaves room.
        chosen = (worker_settings or settings).model_copy(update={"outbox_batch_size": 500})
        reports = []
        for _ in range(passes):
            moment[0] += timedelta(hours=3)
            reports.append(await outbox.deliver_due(sessionmaker, handlers, chosen, now=moment[0]))
        return reports

    return run
