"""The AS4 access point in one process: our Peppol transport (access point A, the test PKI's
`ap_a`) sends to this app's `/peppol/as4` (access point B, `ap_b`) through the app itself; the
endpoint table stands where the SMP lookup stands in production (the two-instance tests use the
real SMP). What B answers is a signed ebMS signal, read and verified here with B's certificate.

Refusals are a table: each altered or untrusted message gets the ebMS error the AS4 profile
names, nothing is delivered, and the signal itself is signed by B."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import httpx
import pytest
from as4.peppol import parse_peppol_receipt
from fastapi import FastAPI
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.adapters.directory import build_directory
from api.adapters.transport import Parcel, PeerRefused, PeerUnavailable
from api.adapters.transport.peppol import (
    CDAR_STATUS,
    CII_INVOICE,
    DUPLICATE_DETAIL,
    AccessPoint,
    PeppolTransport,
    build,
    message_id_of,
)
from api.app import create_app
from api.core.settings import Settings
from api.core.state import Database, state_of
from api.flows.service import VALIDATE_KIND
from api.models.client import Client, ClientStatus, PaStatus
from api.models.directory_line import DirectoryLineRecord
from api.models.flow import AckStatus, Flow, FlowDirection
from api.models.outbox_message import OutboxMessage
from api.models.peppol_message import PeppolMessage
from api.peppol.certificates import access_point
from api.peppol.service import Inbound, _parse, document_of
from tests.helpers import create_firm
from tests.peppol.pki import Credential, Pki
from tests.routing.conftest import invoice_between
from tests.shared_data import SHARED_DATA

SELLER, BUYER, STRANGER = "610869075", "414617811", "552081317"
ENDPOINT = "https://testserver/peppol/as4"
UC1_STATUS = SHARED_DATA / "afnor" / "examples" / "UC1" / "UC1_F202500003_02-CDV-202_Recue.xml"


def access_point_of(pki: Pki, credential: Credential) -> AccessPoint:
    return AccessPoint(
        party_id=str(credential.certificate.subject.rfc4514_string().split("CN=")[1].split(",")[0]),
        certificate=credential.certificate,
        private_key=credential.private_key,
        anchors=(pki.root.certificate,),
        intermediates=(pki.ap_ca.certificate,),
    )


@pytest.fixture(scope="module")
def peppol_files(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Path:
    folder = tmp_path_factory.mktemp("peppol-pki")
    pki.write(folder)
    (folder / "trust.pem").write_bytes(pki.root.certificate_pem + pki.ap_ca.certificate_pem)
    return folder


def peppol_settings(settings: Settings, folder: Path, name: str = "ap-b") -> Settings:
    return settings.model_copy(
        update={
            "peppol_access_point": True,
            "peppol_certificate_file": folder / f"{name}.crt",
            "peppol_key_file": folder / f"{name}.key",
            "peppol_trust_file": folder / "trust.pem",
            # No SMP in this module: the sender check has its own tests, with a lookup.
            "peppol_verify_sender": False,
        }
    )


@pytest.fixture
def receiver_settings(settings: Settings, peppol_files: Path) -> Settings:
    return peppol_settings(settings, peppol_files)


@pytest.fixture
def app(receiver_settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> FastAPI:
    app = create_app(receiver_settings)
    state_of(app).database = Database.bound_to(sessionmaker)
    return app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    wire = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=wire, base_url="https://testserver") as client:
        yield client


@dataclass(frozen=True)
class Endpoint:
    url: str
    certificate_pem: bytes
    transport_profile: str = "peppol-transport-as4-v2_0"


@pytest.fixture
async def buyer(session: AsyncSession, receiver_settings: Settings) -> Client:
    """The buyer, a company registered through B; the seller's line names platform PA-A."""
    created = await create_firm(session, receiver_settings, name="Cabinet de B")
    client = Client(
        id=uuid.uuid4(),
        firm_id=created.firm.id,
        siren=BUYER,
        legal_name="Acheteur sur B",
        search_name=" acheteur sur b",
        sort_name="acheteur sur b",
        status=ClientStatus.ACTIVE,
        pa_status=PaStatus.REGISTERED,
    )
    session.add(client)
    session.add(
        DirectoryLineRecord(
            addressing_identifier=SELLER,
            siren=SELLER,
            platform_id="PA-A",
            date_from=date(2020, 1, 1),
        )
    )
    await session.commit()
    return client


def transport(
    app: FastAPI, receiver_settings: Settings, sender: AccessPoint, receiver: Credential
) -> PeppolTransport:
    async def find_endpoint(participant: str, document_type: str) -> Endpoint | None:
        if participant != f"0225:{BUYER}":
            return None
        return Endpoint(ENDPOINT, receiver.certificate_pem)

    return PeppolTransport(
        receiver_settings,
        sender,
        find_endpoint,
        wire=httpx.ASGITransport(app=app, raise_app_exceptions=False),
    )


def invoice_parcel(number: str = "F2025-P-001", recipient: str = BUYER) -> Parcel:
    content = invoice_between(SELLER, BUYER, number=number)
    return Parcel(
        content=content,
        name=f"{number}.xml",
        syntax="CII",
        organization=recipient,
        tracking_id=str(uuid.uuid4()),
        sha256="0" * 64,
        sender=SELLER,
        recipient=recipient,
    )


async def received(session: AsyncSession) -> list[tuple[PeppolMessage, Flow]]:
    rows = await session.execute(
        select(PeppolMessage, Flow).join(Flow, Flow.id == PeppolMessage.flow_id)
    )
    return [(message, flow) for message, flow in rows]


async def test_an_invoice_sent_over_as4_becomes_an_incoming_flow_of_the_buyer(
    app: FastAPI, receiver_settings: Settings, pki: Pki, buyer: Client, session: AsyncSession
) -> None:
    sender = access_point_of(pki, pki.ap_a)
    parcel = invoice_parcel()
    peppol = transport(app, receiver_settings, sender, pki.ap_b)
    try:
        sent = await peppol.send(parcel)
    finally:
        await peppol.aclose()
    assert sent.remote_flow_id == message_id_of(parcel, sender)
    [(message, flow)] = await received(session)
    assert (message.message_id, message.sending_party) == (sent.remote_flow_id, "PFR000001")
    assert (message.sender, message.recipient) == (f"0225:{SELLER}", f"0225:{BUYER}")
    assert message.document_type == CII_INVOICE
    # The same intake as a peer platform's deposit: the buyer's incoming flow, awaiting its
    # validation job, from the platform the seller's directory line names.
    assert (flow.client_id, flow.direction, flow.syntax) == (buyer.id, FlowDirection.IN, "CII")
    assert (flow.peer_platform_id, flow.ack_status) == ("PA-A", AckStatus.PENDING)
    jobs = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.dedupe_key == f"{VALIDATE_KIND}:{flow.id}")
    )
    assert jobs == 1


async def test_a_parcel_sent_again_keeps_its_message_id_and_is_delivered_once(
    app: FastAPI, receiver_settings: Settings, pki: Pki, buyer: Client, session: AsyncSession
) -> None:
    sender = access_point_of(pki, pki.ap_a)
    parcel = invoice_parcel("F2025-P-002")
    peppol = transport(app, receiver_settings, sender, pki.ap_b)
    try:
        first = await peppol.send(parcel)
        # The receipt was lost, say: the outbox sends the same parcel again.
        again = await peppol.send(parcel)
    finally:
        await peppol.aclose()
    assert first.remote_flow_id == again.remote_flow_id
    assert len(await received(session)) == 1


async def test_a_participant_without_endpoint_is_refused_and_an_endpoint_down_is_retried(
    app: FastAPI, receiver_settings: Settings, pki: Pki, buyer: Client
) -> None:
    sender = access_point_of(pki, pki.ap_a)
    peppol = transport(app, receiver_settings, sender, pki.ap_b)
    try:
        with pytest.raises(PeerRefused, match="point d'accès Peppol"):
            await peppol.send(invoice_parcel("F2025-P-003", recipient=STRANGER))
    finally:
        await peppol.aclose()

    async def closed_port(participant: str, document_type: str) -> Endpoint:
        return Endpoint("http://127.0.0.1:9/peppol/as4", pki.ap_b.certificate_pem)

    down = PeppolTransport(receiver_settings, sender, closed_port)
    try:
        with pytest.raises(PeerUnavailable, match="injoignable"):
            await down.send(invoice_parcel("F2025-P-004"))
    finally:
        await down.aclose()


async def test_a_recipient_not_registered_here_is_answered_not_serviced(
    app: FastAPI, receiver_settings: Settings, pki: Pki, buyer: Client, session: AsyncSession
) -> None:
    sender = access_point_of(pki, pki.ap_a)

    async def anyone(participant: str, document_type: str) -> Endpoint:
        return Endpoint(ENDPOINT, pki.ap_b.certificate_pem)

    peppol = PeppolTransport(
        receiver_settings,
        sender,
        anyone,
        wire=httpx.ASGITransport(app=app, raise_app_exceptions=False),
    )
    try:
        with pytest.raises(PeerRefused, match="EBMS:0004 Other : PEPPOL:NOT_SERVICED"):
            await peppol.send(invoice_parcel("F2025-P-005", recipient=STRANGER))
    finally:
        await peppol.aclose()
    assert await received(session) == []


# --- refusals, read from the signal ------------------------------------------------------


def _message(
    pki: Pki, signer: Credential, encrypted_to: Credential
) -> tuple[dict[str, str], bytes]:
    outgoing = build(
        access_point_of(pki, signer),
        invoice_parcel(f"F2025-R-{uuid.uuid4().hex[:6]}"),
        encrypted_to.certificate_pem,
        CII_INVOICE,
    )
    return outgoing.headers, outgoing.body


def _tampered(pki: Pki) -> tuple[dict[str, str], bytes]:
    headers, body = _message(pki, pki.ap_a, pki.ap_b)
    # The conversation id sits in eb:Messaging, which the signature covers.
    return headers, body.replace(b"<eb3:ConversationId>as4@", b"<eb3:ConversationId>as5@", 1)


Made = tuple[dict[str, str], bytes]
REFUSALS: dict[str, tuple[Callable[[Pki], Made], str]] = {
    "tampered signed header": (lambda pki: _tampered(pki), "EBMS:0101"),
    "certificate of another CA": (lambda pki: _message(pki, pki.unrelated, pki.ap_b), "EBMS:0101"),
    "expired certificate": (lambda pki: _message(pki, pki.expired_ap, pki.ap_b), "EBMS:0101"),
    "encrypted for another access point": (
        lambda pki: _message(pki, pki.ap_a, pki.ap_a),
        "EBMS:0102",
    ),
    "not an AS4 message": (
        lambda pki: ({"Content-Type": "text/plain"}, b"bonjour"),
        "EBMS:0009",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
async def test_refused_messages_get_the_ebms_error_and_deliver_nothing(
    case: str, client: httpx.AsyncClient, pki: Pki, buyer: Client, session: AsyncSession
) -> None:
    make, code = REFUSALS[case]
    headers, body = make(pki)
    if case == "tampered signed header":
        assert b"<eb3:ConversationId>as5@" in body  # the alteration took place
    response = await client.post("/peppol/as4", content=body, headers=headers)
    assert response.status_code == 200
    signal = parse_peppol_receipt(response.content, pki.ap_b.certificate)  # signed by B
    assert signal.error is not None
    assert signal.error.error_code == code
    assert await received(session) == []


async def test_a_replayed_message_is_refused_as_a_duplicate(
    client: httpx.AsyncClient, pki: Pki, buyer: Client, session: AsyncSession
) -> None:
    headers, body = _message(pki, pki.ap_a, pki.ap_b)
    first = await client.post("/peppol/as4", content=body, headers=headers)
    assert parse_peppol_receipt(first.content, pki.ap_b.certificate).error is None
    replay = await client.post("/peppol/as4", content=body, headers=headers)
    signal = parse_peppol_receipt(replay.content, pki.ap_b.certificate)
    assert signal.error is not None
    assert (signal.error.error_code, signal.error.error_detail.value) == (
        "EBMS:0004",
        DUPLICATE_DETAIL,
    )
    assert len(await received(session)) == 1


# --- not an AS4 exchange: problems ---------------------------------------------------------


async def test_peppol_off_answers_a_404_problem(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    app = create_app(settings)
    state_of(app).database = Database.bound_to(sessionmaker)
    wire = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=wire, base_url="https://testserver") as client:
        response = await client.post("/peppol/as4", content=b"x")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "peppol-off"


async def test_a_message_over_the_size_cap_answers_a_413_problem(
    client: httpx.AsyncClient, receiver_settings: Settings
) -> None:
    too_big = b"x" * (2 * receiver_settings.flow_max_bytes + 64 * 1024 + 1)
    response = await client.post(
        "/peppol/as4", content=too_big, headers={"Content-Type": "multipart/related"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "peppol-message-too-large"


def test_a_document_crosses_the_sbd_byte_for_byte_when_written_as_lxml_writes(pki: Pki) -> None:
    # A status message as api.validation writes one (no comment, lxml's declaration): what
    # the receiver deposits is the same bytes, not only the same content.
    root = etree.fromstring(UC1_STATUS.read_bytes())
    for comment in root.xpath("//comment()"):
        comment.getparent().remove(comment)
    written = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
    original = bytes(written) + b"\n"
    outgoing = build(
        access_point_of(pki, pki.ap_a),
        replace(invoice_parcel(), content=original, syntax="CDAR"),
        pki.ap_b.certificate_pem,
        CDAR_STATUS,
    )
    exchange = _parse(
        access_point_of(pki, pki.ap_b), outgoing.headers["Content-Type"], outgoing.body
    )
    assert exchange.successful
    sbd = next(iter(exchange.message.decrypted_data.values()))
    assert b"StandardBusinessDocumentHeader" in sbd
    assert document_of(sbd) == original


def _truncated(pki: Pki) -> Made:
    headers, body = _message(pki, pki.ap_a, pki.ap_b)
    return headers, body[: len(body) // 2]


def _soap_not_xml(pki: Pki) -> Made:
    boundary = "b1"
    body = (
        f"--{boundary}\r\nContent-Type: application/soap+xml\r\n\r\n<Envelope\r\n"
        f"--{boundary}\r\nContent-Type: application/octet-stream\r\nContent-ID: <p1>\r\n\r\nxx\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    content_type = f'multipart/related; type="application/soap+xml"; boundary="{boundary}"'
    return {"Content-Type": content_type}, body


MALFORMED: dict[str, Callable[[Pki], Made]] = {
    "empty body": lambda pki: ({"Content-Type": "multipart/related"}, b""),
    "no content type": lambda pki: ({}, b"<x/>"),
    "truncated message": _truncated,
    "SOAP part that is not XML": _soap_not_xml,
    "binary noise": lambda pki: ({"Content-Type": "application/soap+xml"}, bytes(range(256))),
}


@pytest.mark.parametrize("case", list(MALFORMED))
async def test_malformed_input_is_answered_with_a_signed_ebms_error_never_a_500(
    case: str, client: httpx.AsyncClient, pki: Pki, buyer: Client, session: AsyncSession
) -> None:
    headers, body = MALFORMED[case](pki)
    response = await client.post("/peppol/as4", content=body, headers=headers)
    assert response.status_code == 200, response.text
    signal = parse_peppol_receipt(response.content, pki.ap_b.certificate)
    assert signal.error is not None
    assert signal.error.error_code.startswith("EBMS:0")
    assert await received(session) == []


# --- the sender's access point, as its SMP publishes it ----------------------------------


def _publishing(app: FastAPI, receiver_settings: Settings, pki: Pki, published: object) -> None:
    """B checks each sender against a lookup that answers `published` (an endpoint, None, or
    an exception to raise) for the seller."""

    async def find_endpoint(participant: str, document_type: str) -> Endpoint | None:
        assert participant == f"0225:{SELLER}"
        if isinstance(published, Exception):
            raise published
        return published  # type: ignore[return-value]

    settings = receiver_settings.model_copy(update={"peppol_verify_sender": True})
    state_of(app).put(
        Inbound,
        Inbound(
            settings,
            access_point(settings),
            build_directory(settings, state_of(app).db.side_reader_sessions),
            find_endpoint,
        ),
    )


SENDER_CHECKS = {
    "the sender's published access point signed": ("ap_a", None),
    "another trusted access point signed": ("ap_b", "EBMS:0101"),
    "the sender publishes no endpoint": (None, None),
}


@pytest.mark.parametrize("case", list(SENDER_CHECKS))
async def test_a_message_is_accepted_only_from_the_senders_published_access_point(
    case: str,
    app: FastAPI,
    receiver_settings: Settings,
    pki: Pki,
    buyer: Client,
    session: AsyncSession,
) -> None:
    published, refused = SENDER_CHECKS[case]
    endpoint = (
        Endpoint("https://a.example/peppol/as4", getattr(pki, published).certificate_pem)
        if published
        else None
    )
    _publishing(app, receiver_settings, pki, endpoint)
    peppol = transport(app, receiver_settings, access_point_of(pki, pki.ap_a), pki.ap_b)
    try:
        if refused is None:
            await peppol.send(invoice_parcel(f"F2025-S-{uuid.uuid4().hex[:6]}"))
        else:
            with pytest.raises(PeerRefused, match=refused):
                await peppol.send(invoice_parcel(f"F2025-S-{uuid.uuid4().hex[:6]}"))
    finally:
        await peppol.aclose()
    assert len(await received(session)) == (1 if refused is None else 0)


async def test_a_sender_whose_smp_is_down_is_asked_to_retry(
    app: FastAPI, receiver_settings: Settings, pki: Pki, buyer: Client, session: AsyncSession
) -> None:
    _publishing(app, receiver_settings, pki, PeerUnavailable("SMP injoignable"))
    headers, body = _message(pki, pki.ap_a, pki.ap_b)
    wire = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=wire, base_url="https://testserver") as client:
        response = await client.post("/peppol/as4", content=body, headers=headers)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "60"
    assert response.json()["code"] == "peppol-sender-unverifiable"
    assert await received(session) == []
