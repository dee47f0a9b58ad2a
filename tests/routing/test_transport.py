"""The HTTP transport against a Comptoir's Flow Service (the test app, in process, playing the
other platform; tests/routing/test_two_platforms.py does it between two real processes)."""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from api.adapters.transport import HttpTransport, Parcel, PeerRefused, PeerUnavailable
from api.adapters.transport.http import FLOWS_PATH as FLOWS
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


@contextlib.contextmanager
def _platform_answering(
    *deposits: tuple[int, dict[str, str], bytes],
) -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on loopback playing a platform: its token endpoint works, its
    deposits answer `deposits` (status, headers, body) in turn, the last one again and again.
    Yields its URL and the paths asked."""
    answers = list(deposits)
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            asked.append(self.path)
            answer: tuple[int, dict[str, str], bytes]
            if self.path == "/oauth2/token":
                answer = (200, {}, b'{"access_token":"t","expires_in":900}')
            else:
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
            status, headers, body = answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("answer", "error", "retry_after"),
    [
        ((503, {"Retry-After": "7"}, b"{}"), PeerUnavailable, 7.0),
        ((429, {}, b"{}"), PeerUnavailable, None),
        ((502, {}, b"<html>proxy</html>"), PeerUnavailable, None),
        (
            (422, {}, b'{"errorCode":"INVALID_SCHEMA","errorMessage":"XML invalide"}'),
            PeerRefused,
            None,
        ),
        ((202, {}, b"{}"), PeerUnavailable, None),  # accepted without a flow id: try again
    ],
)
async def test_the_answers_of_a_platform_are_retries_or_refusals(
    settings: Settings,
    answer: tuple[int, dict[str, str], bytes],
    error: type[Exception],
    retry_after: float | None,
) -> None:
    transport = HttpTransport(settings)
    with _platform_answering(answer) as (url, asked), pytest.raises(error) as raised:
        await transport.send(
            _as_seen_by_the_sender(url, secret="secret-jamais-montre"),
            _parcel(b"<x/>", "552081317"),
        )
    await transport.aclose()
    assert asked == ["/oauth2/token", "/afnor-flow/v1/flows"]
    assert "secret-jamais-montre" not in str(raised.value)
    if isinstance(raised.value, PeerUnavailable):
        assert raised.value.retry_after_seconds == retry_after
    else:
        assert "XML invalide" in str(raised.value)


async def test_a_token_refused_at_deposit_is_fetched_again_once(settings: Settings) -> None:
    transport = HttpTransport(settings)
    accepted: tuple[int, dict[str, str], bytes] = (202, {}, b'{"flowId":"flux-42"}')
    with _platform_answering((401, {}, b"{}"), accepted) as (url, asked):
        sent = await transport.send(_as_seen_by_the_sender(url), _parcel(b"<x/>", "552081317"))
        again = await transport.send(_as_seen_by_the_sender(url), _parcel(b"<x/>", "552081317"))
    await transport.aclose()
    assert (sent.remote_flow_id, again.remote_flow_id) == ("flux-42", "flux-42")
    # token, refused deposit, new token, deposit; then the kept token serves the next one
    assert asked == ["/oauth2/token", FLOWS, "/oauth2/token", FLOWS, FLOWS]
