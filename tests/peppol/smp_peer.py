"""Real HTTP on loopback for the SMP tests: our app's SMP served by uvicorn inside the test's
event loop (so it reads the test's rolled-back transaction), and a relay in front of it that
misbehaves on demand (an SMP down, answering 503, altering its signed answers), counting what
it was asked. The data: firms' clients with a designation in a given state."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date

import httpx
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from api.einvoicing.certification import CURRENT_CERTIFICATION
from api.models.client import Client, ClientStatus, PaStatus
from api.models.pa_designation import MandateCertification, PaDesignation
from tests.live import free_port


@contextlib.asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[str]:
    """`app` on a free loopback port until the block ends; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done(), "uvicorn stopped before it started"
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@dataclass
class Fault:
    """What the relay does to the next request: answer `status` itself (with `retry_after`),
    or ask the SMP another question (`reroute`), or pass its answer through `rewrite`."""

    status: int | None = None
    retry_after: str | None = None
    rewrite: Callable[[bytes], bytes] | None = None
    # asks the SMP another path than the one asked (its answer for another question)
    reroute: Callable[[str], str] | None = None


@dataclass
class Relay:
    """An SMP seen through a relay; `asked` lists the paths requested, in order."""

    upstream: str
    faults: deque[Fault] = field(default_factory=deque)
    asked: list[str] = field(default_factory=list)
    cache_control: str | None = None  # replaces the SMP's Cache-Control when set

    def fail_next(self, *faults: Fault) -> None:
        self.faults.extend(faults)

    def app(self) -> Starlette:
        async def relay(request: Request) -> Response:
            path = request.url.path
            self.asked.append(path)
            fault = self.faults.popleft() if self.faults else Fault()
            if fault.status is not None:
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                return Response(b"", status_code=fault.status, headers=headers)
            raw_path = request.scope["raw_path"].decode()
            if fault.reroute:
                raw_path = fault.reroute(raw_path)
            async with httpx.AsyncClient() as client:
                answer = await client.get(self.upstream + raw_path)
            content = fault.rewrite(answer.content) if fault.rewrite else answer.content
            headers = {"Content-Type": answer.headers.get("content-type", "text/xml")}
            cache_control = self.cache_control or answer.headers.get("cache-control")
            if cache_control:
                headers["Cache-Control"] = cache_control
            return Response(content, status_code=answer.status_code, headers=headers)

        return Starlette(routes=[Route("/{path:path}", relay)])


async def designated_client(
    session: AsyncSession,
    firm_id: uuid.UUID,
    siren: str,
    *,
    status: PaStatus = PaStatus.REGISTERED,
    date_from: date = date(2026, 9, 1),
    date_to: date | None = None,
) -> None:
    """A client of the firm whose designation through this platform is in `status`."""
    client = Client(
        id=uuid.uuid4(),
        firm_id=firm_id,
        siren=siren,
        legal_name=f"Entreprise {siren}",
        search_name=f" entreprise {siren}",
        sort_name=f"entreprise {siren}",
        status=ClientStatus.ACTIVE,
        pa_status=status,
    )
    certification = MandateCertification(
        id=uuid.uuid4(),
        firm_id=firm_id,
        text_version=CURRENT_CERTIFICATION.version,
        text=CURRENT_CERTIFICATION.text,
        actor_kind="system",
        roles=[],
    )
    session.add_all([client, certification])
    await session.flush()
    session.add(
        PaDesignation(
            firm_id=firm_id,
            client_id=client.id,
            certification_id=certification.id,
            status=status,
            siren=siren,
            date_from=date_from,
            date_to=date_to,
        )
    )
    await session.commit()
