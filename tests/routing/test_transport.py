"""The HTTP transport against a Comptoir's Flow Service (the test app, in process, playing the
other platform; tests/routing/test_two_platforms.py does it between two real processes)."""

from __future__ import annotations

import hashlib

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from api.adapters.transport import HttpTransport, Parcel, PeerRefused, PeerUnavailable
from api.core.settings import PeerPlatform, Settings
from tests.live import free_port
from tests.routing.conftest import INBOUND, RoutingWorld, invoice_between


def _as_seen_by_the_sender(
    base_url: str = "https://testserver", secret: str = INBOUND[1]
) -> PeerPlatform:
    return PeerPlatform(
        id="PA-TEST",
        base_url=base_url,
        client_id=INBOUND[0],
        client_secret=SecretStr(secret),
        inbound_client_id="unused",
        inbound_client_secret=SecretStr("unused"),
    )


def _parcel(content: bytes, organization: str) -> Parcel:
    return Parcel(
        content=content,
        name="F202500003.xml",
        syntax="CII",
        organization=organization,
        tracking_id="suivi-1",
        sha256=hashlib.sha256(content).hexdigest(),
    )


@pytest.fixture
async def transport(app: FastAPI, settings: Settings) -> HttpTransport:
    return HttpTransport(settings, wire=httpx.ASGITransport(app=app))


async def test_the_parcel_is_deposited_once_whatever_the_retries(
    transport: HttpTransport, world: RoutingWorld
) -> None:
    parcel = _parcel(invoice_between("552081317", world.buyer_siren), world.buyer_siren)
    first = await transport.send(_as_seen_by_the_sender(), parcel)
    second = await transport.send(_as_seen_by_the_sender(), parcel)
    assert first.remote_flow_id
    assert second == first
    await transport.aclose()


async def test_wrong_credentials_are_a_refusal_not_a_retry(
    transport: HttpTransport, world: RoutingWorld
) -> None:
    parcel = _parcel(invoice_between("552081317", world.buyer_siren), world.buyer_siren)
    with pytest.raises(PeerRefused) as refused:
        await transport.send(_as_seen_by_the_sender(secret="faux"), parcel)
    assert refused.value.status == 401
    assert "faux" not in str(refused.value)


async def test_an_organisation_the_peer_does_not_serve_is_refused(
    transport: HttpTransport, world: RoutingWorld
) -> None:
    parcel = _parcel(
        invoice_between("552081317", world.unregistered_siren), world.unregistered_siren
    )
    with pytest.raises(PeerRefused) as refused:
        await transport.send(_as_seen_by_the_sender(), parcel)
    assert refused.value.status == 403


async def test_a_platform_that_does_not_answer_is_retried_later(settings: Settings) -> None:
    transport = HttpTransport(settings)
    closed_port = free_port()  # nothing listens there
    with pytest.raises(PeerUnavailable):
        await transport.send(
            _as_seen_by_the_sender(f"http://127.0.0.1:{closed_port}"),
            _parcel(b"<x/>", "552081317"),
        )
    await transport.aclose()
