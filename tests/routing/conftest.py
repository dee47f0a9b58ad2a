"""Routing fixtures: this platform configured with one peer platform, the software world of
tests/software.py with its certified clients registered in the embedded directory (the real
directory worker), and invoices written for them from the UC1 example."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.directory import LocalDirectory
from api.app import create_app
from api.core.models import utcnow
from api.core.settings import PeerPlatform, Settings
from api.core.state import Database, state_of
from api.einvoicing.service import DIRECTORY_KIND, directory_delivery
from api.models.client import Client, PaStatus
from api.models.directory_line import DirectoryLineRecord
from api.outbox import service as outbox
from tests.shared_data import SHARED_DATA
from tests.software import (
    CERTIFIED_SIREN,
    RIVAL_CLIENT_SIREN,
    UNCERTIFIED_SIREN,
    SoftwareWorld,
    software_world,
)

UC1_CII = SHARED_DATA / "afnor" / "examples" / "UC1" / "UC1_F202500003_00-INV_20250701_CII.xml"
UC1_SELLER, UC1_BUYER = "100000009", "200000008"
PEER_ID = "PA-PAIR"
# What the peer presents to us (we issued it), and what we present to it.
INBOUND = ("pair-chez-nous", "secret-du-pair-0123456789")
OUTBOUND = ("nous-chez-le-pair", "notre-secret-9876543210")


def peer(base_url: str = "http://127.0.0.1:9") -> PeerPlatform:
    return PeerPlatform(
        id=PEER_ID,
        base_url=base_url,
        client_id=OUTBOUND[0],
        client_secret=SecretStr(OUTBOUND[1]),
        inbound_client_id=INBOUND[0],
        inbound_client_secret=SecretStr(INBOUND[1]),
    )


def invoice_between(seller: str, buyer: str, *, number: str | None = None) -> bytes:
    """The UC1 invoice (CII) with the seller's and the buyer's SIREN replaced: the same
    invoice, valid, between two companies of the SIRENE sample."""
    content = Path(UC1_CII).read_bytes()
    content = content.replace(UC1_SELLER.encode(), seller.encode())
    content = content.replace(UC1_BUYER.encode(), buyer.encode())
    if number is not None:
        content = content.replace(b"F202500003", number.encode())
    return content


@pytest.fixture
def routing_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"peer_platforms": [peer()]})


@pytest.fixture
def app(routing_settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> FastAPI:
    app = create_app(routing_settings)
    state_of(app).database = Database.bound_to(sessionmaker)
    return app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


@dataclass
class RoutingWorld:
    software: SoftwareWorld
    seller_siren: str  # the firm's certified client, registered here
    buyer_siren: str  # the rival firm's certified client, registered here
    unregistered_siren: str


async def register_certified_clients(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """The directory worker's passes: each certified client gets its line here."""
    handlers = {
        DIRECTORY_KIND: directory_delivery(
            LocalDirectory(sessionmaker, settings.directory_platform_id), sessionmaker
        )
    }
    chosen = settings.model_copy(update={"outbox_batch_size": 500})
    await outbox.deliver_due(sessionmaker, handlers, chosen, now=utcnow() + timedelta(minutes=1))


@pytest.fixture
async def world(
    client: httpx.AsyncClient,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    routing_settings: Settings,
) -> RoutingWorld:
    software = await software_world(client, session, routing_settings)
    await register_certified_clients(sessionmaker, routing_settings)
    # Registered long before the invoices' date (the UC1 invoice is of 2025-07-01).
    await session.execute(update(DirectoryLineRecord).values(date_from=date(2020, 1, 1)))
    await session.commit()
    registered = set(
        await session.scalars(select(Client.siren).where(Client.pa_status == PaStatus.REGISTERED))
    )
    assert {CERTIFIED_SIREN, RIVAL_CLIENT_SIREN} <= registered, registered
    return RoutingWorld(software, CERTIFIED_SIREN, RIVAL_CLIENT_SIREN, UNCERTIFIED_SIREN)


async def peer_token(client: httpx.AsyncClient, secret: str = INBOUND[1]) -> httpx.Response:
    return await client.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(INBOUND[0], secret),
    )


def new_id() -> str:
    return uuid.uuid4().hex
