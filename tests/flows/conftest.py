"""Flow Service fixtures: the software world (tests/software.py), a deposit helper speaking the
annex's multipart, and the worker's pass over the flows queue with the real engine."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.blob_storage import create_blob_storage
from api.core.models import utcnow
from api.core.settings import Settings
from api.core.state import state_of
from api.flows import delivery
from api.flows import service as flows_service
from api.flows.pipeline import FlowPipeline, validation_handler
from api.outbox import service as outbox
from api.outbox.service import PassReport
from api.validation import shared_engine
from api.worker import flow_steps
from tests.shared_data import SHARED_DATA
from tests.software import EXAMPLES_SELLER_SIREN, SoftwareWorld, software_world, token_for

EXAMPLES = SHARED_DATA / "afnor" / "examples"
UC1_PDF = EXAMPLES / "UC1" / "UC1_F202500003_00-INV_20250701.pdf"
UC1_CII = EXAMPLES / "UC1" / "UC1_F202500003_00-INV_20250701_CII.xml"
UC1_UBL = EXAMPLES / "UC1" / "UC1_F202500003_00-INV_20250701_UBL.xml"
FLOWS = "/afnor-flow/v1"


@pytest.fixture
async def world(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> SoftwareWorld:
    return await software_world(client, session, settings)


@pytest.fixture
async def firm_token(client: httpx.AsyncClient, world: SoftwareWorld) -> dict[str, str]:
    """The firm's software acting for the seller of the standard's example invoices."""
    return await token_for(client, world.firm_key) | {"Organization-Id": EXAMPLES_SELLER_SIREN}


def syntax_of(path: Path) -> str:
    if path.suffix == ".pdf":
        return "Factur-X"
    return "UBL" if "UBL" in path.name or "ubl" in str(path.parent) else "CII"


async def deposit(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    content: bytes,
    info: dict[str, Any],
    *,
    filename: str = "facture.xml",
) -> httpx.Response:
    """A deposit as the annex's multipart: the file and a `flowInfo` part of type JSON."""
    return await client.post(
        f"{FLOWS}/flows",
        headers=headers,
        files={
            "file": (filename, content, "application/octet-stream"),
            "flowInfo": (None, json.dumps(info), "application/json"),
        },
    )


async def deposit_file(
    client: httpx.AsyncClient, headers: dict[str, str], path: Path, **info: Any
) -> httpx.Response:
    return await deposit(
        client,
        headers,
        await asyncio.to_thread(path.read_bytes),
        {"name": path.name, "flowSyntax": syntax_of(path)} | info,
        filename=path.name,
    )


Worker = Callable[..., Any]


@pytest.fixture
def run_flows_worker(
    sessionmaker: async_sessionmaker[AsyncSession], app: FastAPI
) -> Callable[..., Any]:
    """`await run_flows_worker()`: outbox passes delivering the validation jobs (and the
    webhooks, when `webhooks=True`), each pass a few hours after the previous one."""
    moment = [utcnow()]

    async def run(passes: int = 1, webhooks: bool = False) -> list[PassReport]:
        settings: Settings = state_of(app).settings
        storage = create_blob_storage(settings)
        pipeline = FlowPipeline(
            sessionmaker, storage, settings, shared_engine(), steps=flow_steps()
        )
        handlers = {flows_service.VALIDATE_KIND: validation_handler(pipeline)}
        if webhooks:
            handlers[flows_service.WEBHOOK_KIND] = delivery.webhook_handler(sessionmaker, settings)
        chosen = settings.model_copy(update={"outbox_batch_size": 500})
        reports = []
        for _ in range(passes):
            moment[0] += timedelta(hours=3)
            reports.append(await outbox.deliver_due(sessionmaker, handlers, chosen, now=moment[0]))
        return reports

    return run
