"""Test harness: one database per test session, built by the Alembic migrations, and every
test inside a transaction that is rolled back at the end.

`COMPTOIR_TEST_DATABASE_URL` picks the database: empty means a SQLite file in a temporary
folder; a `postgresql+asyncpg://…/postgres` URL means a fresh database is created on that
server for the session and dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as sa_create_async_engine

from api.app import create_app
from api.core.db import create_engine
from api.core.settings import Settings
from api.core.state import Database, state_of
from api.migrate import upgrade_to_head
from tests.peers.oidc_provider import LocalOidcProvider
from tests.peers.s3_server import LocalS3Server
from tests.peers.smtp_server import LocalSmtpServer


class SuiteEnvironment(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPTOIR_TEST_", extra="ignore")

    database_url: str = ""


@pytest.fixture(scope="session")
def test_environment() -> SuiteEnvironment:
    return SuiteEnvironment()


@pytest.fixture(scope="session")
def database_url(
    test_environment: SuiteEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if not test_environment.database_url:
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    yield from fresh_postgres_database(test_environment.database_url)


def fresh_postgres_database(server_url: str) -> Iterator[str]:
    import asyncio

    name = f"comptoir_test_{uuid.uuid4().hex[:12]}"
    admin_url = make_url(server_url)

    async def admin(statement: str) -> None:
        engine = sa_create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as connection:
            await connection.execute(text(statement))
        await engine.dispose()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir: Path = tmp_path_factory.mktemp("data")
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=data_dir,
        public_url="https://testserver",
        spa_dist=data_dir / "no-spa",
        log_level="WARNING",
        # Every session of a test shares the test's one connection (savepoints): the outbox
        # settles its deliveries one at a time there (tests/outbox runs them side by side).
        outbox_concurrency=1,
    )


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_to_head)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in an outer transaction that the test never commits."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            yield connection
        finally:
            await transaction.rollback()


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    # Commits made by the app's unit of work become savepoint releases inside the test's
    # transaction, so the rollback at the end still undoes everything.
    return async_sessionmaker(
        bind=connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for arranging data and asserting on rows, sharing the test's transaction."""
    async with sessionmaker() as session:
        yield session


@pytest.fixture
def app(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]):  # type: ignore[no-untyped-def]
    app = create_app(settings)
    state_of(app).database = Database.bound_to(sessionmaker)
    return app


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


# Fixtures that start a real server process: every test using one, even through another
# fixture, is `slow` (`-m "not slow"` is the quick run).
SERVER_FIXTURES = frozenset({"oidc_provider", "s3_server", "smtp_server"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def pytest_report_header(config: pytest.Config) -> str:
    url = SuiteEnvironment().database_url
    return f"comptoir database: {make_url(url).get_backend_name() if url else 'sqlite'}"


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[LocalOidcProvider]:
    """A real OpenID provider (npm `oidc-provider`) on loopback, shared by the session."""
    provider = LocalOidcProvider()
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()


@pytest.fixture
def smtp_server() -> Iterator[LocalSmtpServer]:
    """A real SMTP server (aiosmtpd) on loopback keeping what it accepts in `inbox`; its
    `settings(...)` sends a test's mail there."""
    server = LocalSmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[LocalS3Server]:
    """A real S3-compatible server (moto) on loopback checking SigV4 signatures, one bucket,
    shared by the session (moto's state is per process); each test keeps to its own key
    prefix."""
    server = LocalS3Server()
    server.start()
    try:
        yield server
    finally:
        server.stop()
