"""Application factory."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute

from api import __version__
from api.acceptance import acceptance_handlers
from api.adapters.blob_storage import sweep_spools
from api.auth.access_cache import AccessCache, listening_cache
from api.auth.contract import document_security
from api.core.db import (
    ConnectionGate,
    create_engine,
    create_read_sessionmaker,
    create_sessionmaker,
)
from api.core.errors import (
    CrashBarrierMiddleware,
    NotFound,
    add_problem_schema,
    document_outages,
    install_error_handlers,
)
from api.core.request_context import RequestIdMiddleware, configure_logging
from api.core.routing import (
    CreatedLocationMiddleware,
    document_created_location,
    match_ids_as_ids,
)
from api.core.security_headers import SecurityHeadersMiddleware
from api.core.settings import Settings, get_settings
from api.core.standard_api import install_standard_error_surfaces
from api.core.state import AppState, Database, state_of
from api.enrollments.service import AcceptanceHandlers
from api.help.service import search_index as help_search_index
from api.routers import api_router, root_routers, standard_routers
from api.worker import embedded_worker


def operation_id(route: APIRoute) -> str:
    """Operation ids read `tag:name` (`clients:list`); generated clients name methods after them."""
    tag = str(route.tags[0]) if route.tags else "default"
    return f"{tag}:{route.name}"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the ASGI app.

    The lifespan opens the database engine and, unless `COMPTOIR_OUTBOX_WORKER=off`, runs the
    outbox worker in the background (so `comptoir run` alone delivers mail). Tests skip the
    lifespan and set the state's `database` to sessions bound to their rolled-back connection
    (`Database.bound_to`).
    """
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = state_of(app)
        if state.database is not None:
            yield
            return
        await sweep_spools(settings)  # uploads a killed process left half-written
        engine = create_engine(settings)
        if settings.is_sqlite:
            # Read-only endpoints in deferred transactions: under WAL they read a snapshot
            # while a writer holds the lock, instead of queueing behind every write.
            side_readers = create_sessionmaker(engine, writer=False)
            state.database = Database(
                writer_sessions=create_sessionmaker(engine),
                side_reader_sessions=side_readers,
                read_only_sessions=side_readers,
                read_sessions_deferred=True,
                write_gate=ConnectionGate(1, timeout=settings.database_busy_timeout_seconds),
                engine=engine,
            )
        else:
            # (Not on SQLite: resetting its isolation level on checkin would undo the driver
            # set-up `create_engine` does for savepoints.)
            state.database = Database(
                writer_sessions=create_sessionmaker(engine),
                side_reader_sessions=create_sessionmaker(engine, writer=False),
                read_only_sessions=create_read_sessionmaker(engine),
                connection_gate=ConnectionGate(settings.database_pool_size),
                engine=engine,
            )
        # The help centre's search index (the shipped articles, a few tenths of a second): built
        # now rather than in the first search, and frozen with the rest just below.
        help_search_index()
        # What start-up built (modules, routes, the ORM mappers) lives as long as the process:
        # out of the collector's way, a full collection no longer walks it mid-request (tail
        # latency). A request allocates a few thousand short-lived objects (rows, dicts): a
        # larger first generation collects once per few requests instead of several times in
        # each (measured: +8 % on the clients list).
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)
        try:
            async with (
                _session_check_cache(state),
                embedded_worker(settings, state.db.writer_sessions),
            ):
                yield
        finally:
            await state.close()
            await engine.dispose()

    app = FastAPI(
        title="Comptoir API",
        version=__version__,
        summary="Facturation électronique pour les cabinets comptables et leurs clients.",
        description="API JSON de Comptoir. Erreurs au format RFC 9457 "
        "(`application/problem+json`), pagination par curseur, horodatages UTC ISO 8601.",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        openapi_url="/api/v1/openapi.json",
        docs_url="/docs" if settings.serves_api_docs else None,
        redoc_url=None,
    )
    state = AppState(settings=settings)
    state.put(AcceptanceHandlers, acceptance_handlers())
    app.state.comptoir = state
    install_error_handlers(app)
    install_standard_error_surfaces()
    # Added last = outermost: the request id wraps the crash barrier; the security headers
    # wrap everything, so that even a crash's problem carries them.
    app.add_middleware(CrashBarrierMiddleware)
    app.add_middleware(CreatedLocationMiddleware)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(
        SecurityHeadersMiddleware,
        hsts=settings.environment == "production",
        docs_paths=frozenset({"/docs", "/docs/oauth2-redirect"}),
    )
    # The standard APIs first: their paths share no prefix with /api/v1, and a request walks
    # the routes in order (140 of /api/v1 cost a software call ~0.3 ms, a tenth of its CPU).
    for router in standard_routers:
        app.include_router(router, include_in_schema=False)
    app.include_router(api_router)
    for router in root_routers:
        app.include_router(router)
    match_ids_as_ids(app)
    _document_problems(app)
    if settings.spa_dist.is_dir():
        _serve_spa(app, settings.spa_dist)
    return app


@asynccontextmanager
async def _session_check_cache(state: AppState) -> AsyncIterator[None]:
    """On PostgreSQL, session checks are remembered while the database notifies changes
    (`api.auth.access_cache`); SQLite has no notifications: every request reads."""
    settings = state.settings
    if settings.is_sqlite or not settings.session_check_cache:
        yield
        return
    async with listening_cache(settings.resolved_database_url) as cache:
        state.put(AccessCache, cache)
        state.on_write_commit = cache.clear
        try:
            yield
        finally:
            state.discard(AccessCache)
            state.on_write_commit = None


def _document_problems(app: FastAPI) -> None:
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            add_problem_schema(default_openapi())
            document_security(app, app.openapi_schema or {})
            document_created_location(app.openapi_schema or {})
            document_outages(app, app.openapi_schema or {})
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


# Top-level paths that belong to the API, never to the SPA's client-side routes.
API_ROOTS = frozenset({"api", "oauth2", "afnor-flow", "afnor-directory"})


def _serve_spa(app: FastAPI, dist: Path) -> None:
    """Serve the built SPA: real files as they are, any other page path gets index.html
    (client-side routing). /api paths never fall through to the SPA."""
    root = dist.resolve()
    index = root / "index.html"

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str) -> FileResponse:
        if path.split("/", 1)[0] in API_ROOTS:
            raise NotFound()
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            return FileResponse(candidate)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
