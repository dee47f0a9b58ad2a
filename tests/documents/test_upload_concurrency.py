"""An upload whose body is still arriving holds no database connection: on the embedded SQLite
database (one writer at a time) other writes go on meanwhile."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from api.app import create_app
from api.core.db import create_engine
from api.core.settings import Settings
from api.core.state import state_of
from api.migrate import upgrade_to_head
from api.models.client import Client
from tests.helpers import bearer, bearer_login, create_firm, enrolled_phone


async def test_a_slow_upload_does_not_hold_the_write_lock(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url="", outbox_worker="off")
    engine = create_engine(settings)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_to_head)
    await engine.dispose()
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        async with state_of(app).db.writer_sessions() as session:
            firm = await create_firm(session, settings, name="Cabinet Lent")
            client_id = uuid.uuid4()
            session.add(
                Client(
                    id=client_id,
                    firm_id=firm.firm.id,
                    siren="356000000",
                    legal_name="Garage Martin",
                    search_name=" garage martin",
                    sort_name="garage martin",
                )
            )
            await session.commit()
        headers = bearer(
            await bearer_login(client, await enrolled_phone(client, firm.enrollment.url))
        )
        rest_of_the_file = asyncio.Event()

        async def body() -> AsyncIterator[bytes]:
            yield b"%PDF-1.7\n" + b"0" * 64 * 1024
            await rest_of_the_file.wait()  # a phone on a slow network
            yield b"1" * 64 * 1024 + b"\n%%EOF\n"

        upload = asyncio.create_task(
            client.post(
                "/api/v1/documents",
                params={"client_id": str(client_id), "filename": "bail.pdf"},
                content=body(),
                headers=headers | {"Content-Type": "application/pdf"},
            )
        )
        await asyncio.sleep(0.3)  # the upload is in, waiting for the rest of its body
        assert not upload.done()

        folder = await asyncio.wait_for(
            client.post(
                "/api/v1/folders",
                json={"client_id": str(client_id), "name": "Contrats"},
                headers=headers,
            ),
            timeout=3,
        )
        rest_of_the_file.set()
        uploaded = await upload

    assert folder.status_code == 201, folder.text
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["size"] == 2 * 64 * 1024 + len(b"%PDF-1.7\n") + len(b"\n%%EOF\n")
