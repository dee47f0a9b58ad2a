"""Peppol fixtures: the test PKI (tests/peppol/pki.py), built once per run; our SMP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.core.settings import Settings
from api.core.state import Database, state_of
from api.models.workspace import Workspace, WorkspaceKind
from tests.peppol.pki import Pki, peppol_pki


@pytest.fixture(scope="session")
def pki() -> Pki:
    return peppol_pki()


# --- our SMP (tests/peppol/test_smp_*.py) -----------------------------------------------------


@pytest.fixture(scope="session")
def pki_files(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Every test credential as PEM files: `{name: (certificate chain, key)}`."""
    return pki.write(tmp_path_factory.mktemp("pki"))


def _with_smp(settings: Settings, pki_files: dict[str, tuple[Path, Path]]) -> Settings:
    """This platform publishing its SMP, signed with `smp-a`, naming access point `ap-a`."""
    return settings.model_copy(
        update={
            "peppol_smp_enabled": True,
            "peppol_smp_certificate_file": pki_files["smp-a"][0],
            "peppol_smp_key_file": pki_files["smp-a"][1],
            "peppol_certificate_file": pki_files["ap-a"][0],
        }
    )


@pytest.fixture(scope="session")
def _smp_app_once(settings: Settings, pki_files: dict[str, tuple[Path, Path]]) -> FastAPI:
    return create_app(_with_smp(settings, pki_files))  # built once: ~1 s per app


@pytest.fixture
def smp_app(_smp_app_once: FastAPI, sessionmaker: async_sessionmaker[AsyncSession]) -> FastAPI:
    state_of(_smp_app_once).database = Database.bound_to(sessionmaker)
    return _smp_app_once


@pytest.fixture
async def smp_client(smp_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=smp_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


@pytest.fixture
async def firm_id(session: AsyncSession) -> uuid.UUID:
    """A firm's workspace, bare: the SMP reads only its clients' designations."""
    firm = Workspace(id=uuid.uuid4(), kind=WorkspaceKind.FIRM, name="Cabinet Peppol")
    session.add(firm)
    await session.flush()
    return firm.id
