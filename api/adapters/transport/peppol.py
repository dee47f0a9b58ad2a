"""Peppol AS4 (docs/peppol.md, decision 0007): a parcel for a participant of another platform
goes out as one AS4 user message, its document in a Standard Business Document Header, signed
with our access point's key and encrypted to the receiving access point's certificate, to the
endpoint the SMP publishes for that participant and document type; the signed receipt that
answers it is verified (signature by that certificate, non-repudiation digests of what we
signed) before the parcel counts as delivered.

The message id is derived from the parcel's `tracking_id`: the outbox's retries of one parcel
carry the same id, and the receiver, which keeps the ids it saw, answers a retry of a message it
already has with EBMS:0004 « duplicate », read here as « delivered ».

Failures: the SMP or the endpoint unreachable, a timeout, a 5xx without a signal, a receipt we
cannot verify → `PeerUnavailable` (the outbox retries); a participant without a Peppol endpoint,
an ebMS error signal → `PeerRefused`. The AS4 work itself (`as4`) is CPU: it runs in a thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import httpx
from as4 import (
    AS4InternalParty,
    AS4LocalPrivateKey,
    AS4References,
    BaseProfileLevelException,
    ReceiptVerificationError,
    SecurityPolicy,
)
from as4.peppol import (
    build_peppol_message,
    create_peppol_external_party,
    create_peppol_internal_party,
    parse_peppol_receipt,
    peppol_security_policy,
)
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.x509.oid import NameOID

from api import __version__
from api.adapters.transport.base import Parcel, PeerRefused, PeerUnavailable, Sent
from api.core.settings import Settings

logger = logging.getLogger("comptoir.peppol")

FRENCH_ICD = "0225"
DOCID_SCHEME = "busdox-docid-qns"
# The Peppol BIS Billing process; the French profile's documents travel under it.
BILLING_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
# The document type identifiers (`busdox-docid-qns`), by the annex's flow syntax: root element
# namespace and name, then customization and syntax version (Peppol Policy for identifiers §4).
CII_INVOICE = (
    "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100::CrossIndustryInvoice"
    "##urn:cen.eu:en16931:2017::D16B"
)
UBL_INVOICE = (
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017::2.1"
)
UBL_CREDIT_NOTE = (
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote"
    "##urn:cen.eu:en16931:2017::2.1"
)
CDAR_STATUS = (
    "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
    "::CrossDomainAcknowledgementAndResponse##urn.cpro.gouv.fr:1p0:CDV::D22B"
)
DOCUMENT_TYPES = (CII_INVOICE, UBL_INVOICE, UBL_CREDIT_NOTE, CDAR_STATUS)

USER_AGENT = f"Comptoir/{__version__} (peppol)"
DUPLICATE_DETAIL = "Duplicate message: this message id was received before"


class DuplicateMessage(BaseProfileLevelException):  # type: ignore[misc]  # untyped library
    """EBMS:0004 answering a message id received before (AS4 duplicate elimination, which the
    library leaves to us): not delivered again."""

    description = "A message with this MessageId was received and delivered before."
    detail = DUPLICATE_DETAIL


class DocumentRefused(BaseProfileLevelException):  # type: ignore[misc]  # untyped library
    """EBMS:0004 for a document this platform cannot take (not an invoice or status message of
    the French profile, too large, addressed to no participant it serves)."""

    description = "The document of the message was not accepted by the receiving platform."


def document_type_of(parcel: Parcel) -> str:
    """The Peppol document type a parcel travels as."""
    match parcel.syntax:
        case "CDAR":
            return CDAR_STATUS
        case "UBL":
            head = parcel.content[:4096]
            return UBL_CREDIT_NOTE if b"CreditNote-2" in head else UBL_INVOICE
        case "CII":
            return CII_INVOICE
    raise PeerRefused(
        f"Un flux {parcel.syntax} ne circule pas sur Peppol (XML CII, UBL ou CDAR seulement)."
    )


def participant(identifier: str) -> str:
    """`0225:<addressing identifier>` for a directory addressing identifier (or a SIREN)."""
    return identifier if identifier.startswith(f"{FRENCH_ICD}:") else f"{FRENCH_ICD}:{identifier}"


def common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


@dataclass(frozen=True, slots=True)
class AccessPoint:
    """This platform on Peppol: its seat id (the common name of its certificate), its
    certificate and key, and the CAs it trusts for other access points
    (`api.peppol.certificates.access_point` reads them from the settings)."""

    party_id: str
    certificate: x509.Certificate
    private_key: RSAPrivateKey
    anchors: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...] = ()

    def party(self) -> AS4InternalParty:
        return create_peppol_internal_party(
            self.party_id, self.certificate, AS4LocalPrivateKey(self.private_key)
        )

    def policy(self) -> SecurityPolicy:
        """Signatures are accepted from certificates that chain to our anchors, inside their
        validity dates, whose common name is the sending party's id."""
        return peppol_security_policy(*self.anchors, intermediates=self.intermediates)


class Endpoint(Protocol):
    """What the SMP lookup gives (`api.peppol.smp.lookup.PeppolEndpoint`)."""

    @property
    def url(self) -> str: ...

    @property
    def certificate_pem(self) -> bytes: ...


# participant identifier (`0225:…`), document type → its endpoint, None if it has none;
# raises PeerUnavailable when the SMP cannot be asked.
EndpointFinder = Callable[[str, str], Awaitable[Endpoint | None]]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One AS4 message ready to POST, and what its receipt must prove."""

    message_id: str
    headers: dict[str, str]
    body: bytes
    signed_references: list[object]
    receiver: x509.Certificate


def message_id_of(parcel: Parcel, access_point: AccessPoint) -> str:
    """The same for every attempt at one parcel (RFC 2822 msg-id shape, as ebMS wants)."""
    return f"{parcel.tracking_id}@{access_point.party_id.lower()}.comptoir"


def build(
    access_point: AccessPoint, parcel: Parcel, receiver_pem: bytes, document_type: str
) -> Outgoing:
    """Build, sign and encrypt the user message of `parcel` (CPU: call it in a thread)."""
    receiver = x509.load_pem_x509_certificate(receiver_pem)
    message = build_peppol_message(
        parcel.content,
        local_party=access_point.party(),
        remote_party=create_peppol_external_party(common_name(receiver), receiver),
        sender=participant(parcel.sender or parcel.organization),
        recipient=participant(parcel.recipient or parcel.organization),
        sender_country_id="FR",
        document_type_identifier_scheme=DOCID_SCHEME,
        document_type_identifier_value=document_type,
        process_identifier=BILLING_PROCESS,
        document_identification_instance_identifier=parcel.tracking_id,
        references=AS4References(message_id=message_id_of(parcel, access_point)),
    )
    body, boundary = message.get_request_data()
    # Our user agent given: the library's default reads its own version from the installed
    # package's metadata on every message (3 ms, measured by bench.peppol).
    headers = dict(message.get_http_headers(boundary, user_agent=USER_AGENT))
    return Outgoing(
        message_id=message.message_id,
        headers=headers,
        body=body,
        signed_references=list(message.signed_references),
        receiver=receiver,
    )


@dataclass(frozen=True, slots=True)
class SignalRead:
    delivered: bool
    duplicate: bool = False
    error: str = ""


def read_signal(outgoing: Outgoing, signal: bytes) -> SignalRead:
    """Verify the signal answering `outgoing` (CPU): a receipt proving what we signed, or an
    ebMS error; raises ReceiptVerificationError (and the library's parsing errors) when it
    proves nothing."""
    receipt = parse_peppol_receipt(signal, outgoing.receiver)
    if receipt.original_message_id != outgoing.message_id:
        raise ReceiptVerificationError(
            f"the signal answers {receipt.original_message_id!r}, not {outgoing.message_id!r}"
        )
    error = receipt.error
    if error is not None:
        detail = error.error_detail.value if error.error_detail is not None else ""
        if error.error_code == DuplicateMessage.error_code and detail == DUPLICATE_DETAIL:
            return SignalRead(delivered=True, duplicate=True)
        return SignalRead(
            delivered=False,
            error=f"{error.error_code} {error.short_description}"
            + (f" : {detail}" if detail else ""),
        )
    receipt.verify_non_repudiation(outgoing.signed_references)
    return SignalRead(delivered=True)


class PeppolTransport:
    """Sends parcels over Peppol AS4 (module docstring). Built once per worker."""

    def __init__(
        self,
        settings: Settings,
        access_point: AccessPoint,
        find_endpoint: EndpointFinder,
        *,
        wire: httpx.AsyncBaseTransport | None = None,
        on_close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.access_point = access_point
        self.find_endpoint = find_endpoint
        self._on_close = on_close  # the lookup's own client, say
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.peppol_timeout_seconds, connect=5.0),
            follow_redirects=False,
            transport=wire,
        )

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._on_close is not None:
            await self._on_close()

    async def send(self, parcel: Parcel) -> Sent:
        document_type = document_type_of(parcel)
        recipient = participant(parcel.recipient or parcel.organization)
        endpoint = await self.find_endpoint(recipient, document_type)
        if endpoint is None:
            raise PeerRefused(
                f"Le participant {recipient} n'a pas de point d'accès Peppol pour ce document."
            )
        try:
            outgoing = await asyncio.to_thread(
                build, self.access_point, parcel, endpoint.certificate_pem, document_type
            )
        except ValueError as error:  # an unreadable certificate, a document that is not XML
            raise PeerRefused(f"Message Peppol impossible à construire : {error}") from None
        try:
            response = await self._client.post(
                endpoint.url, content=outgoing.body, headers=outgoing.headers
            )
        except httpx.TimeoutException:
            raise PeerUnavailable(
                f"Le point d'accès {endpoint.url} n'a pas répondu à temps."
            ) from None
        except httpx.HTTPError as error:
            raise PeerUnavailable(
                f"Le point d'accès {endpoint.url} est injoignable ({type(error).__name__})."
            ) from None
        try:
            read = await asyncio.to_thread(read_signal, outgoing, response.content)
        except Exception as error:
            logger.warning(
                "Peppol message %s: answer %s from %s not verified: %s",
                outgoing.message_id,
                response.status_code,
                endpoint.url,
                error,
            )
            raise PeerUnavailable(
                f"Le point d'accès {endpoint.url} a répondu {response.status_code} sans accusé "
                "de réception vérifiable."
            ) from None
        if not read.delivered:
            raise PeerRefused(
                f"Le point d'accès {endpoint.url} a refusé le message : {read.error}",
                status=response.status_code,
            )
        if read.duplicate:
            logger.info("Peppol message %s was delivered before", outgoing.message_id)
        return Sent(remote_flow_id=outgoing.message_id)
