"""The inbound side of the Peppol access point (docs/peppol.md « Réception »): an AS4 user
message POSTed to `/peppol/as4` is

1. verified and decrypted by `as4` with our key and our trust file: a signature that does not
   verify, a certificate from another CA or outside its dates → EBMS:0101, a payload we cannot
   decrypt → EBMS:0102, no signature or no encryption → EBMS:0103, a malformed message → the
   library's EBMS:0003/0007/0009;
2. refused with PEPPOL:NOT_SERVICED (EBMS:0004) when its final recipient is not a company
   registered through this platform, with EBMS:0004 « duplicate » when its message id was
   received before (`peppol_messages`), with EBMS:0101 when the SMP publishes another access
   point for its sender (a 503 when that SMP cannot be asked), with EBMS:0004 when its
   document is not one we take;
3. deposited for its recipient exactly like a flow another platform deposits on our Flow
   Service (`api.flows.service.deposit`, direction In, `peer_platform_id` the platform the
   sender's directory line names): validation, routing to the company, statuses back;
4. answered with the signed receipt (non-repudiation of what the sender signed).

Every answer is a signed ebMS signal with HTTP 200: the signal, not the status, says what
happened (the sender verifies it). The message row and the flow are written in one savepoint,
so a replay arriving at the same time finds one or the other, never half.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from as4 import BaseAS4ReceiptableError
from as4.peppol import (
    PeppolAS4Profile,
    PeppolNotServicedException,
    PeppolReceivingExchange,
    parse_peppol_message,
)
from cryptography import x509
from cryptography.hazmat.primitives.hashes import SHA256
from lxml import etree
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.blob_storage import BlobStorage
from api.adapters.directory import Directory
from api.adapters.transport import PeerUnavailable
from api.adapters.transport.peppol import (
    CDAR_STATUS,
    CII_INVOICE,
    UBL_CREDIT_NOTE,
    UBL_INVOICE,
    AccessPoint,
    DocumentRefused,
    DuplicateMessage,
    EndpointFinder,
)
from api.core.authz import Permission, Principal, PrincipalKind, Scope
from api.core.errors import AppError
from api.core.models import utcnow
from api.core.settings import Settings
from api.flows import schemas as flow_schemas
from api.flows import service as flows_service
from api.models.peppol_message import PeppolMessage
from api.models.workspace import WorkspaceKind
from api.oauth2.service import Organization, SoftwareCaller, served_client
from api.peppol import repository
from api.peppol.identifiers import FrenchParticipant, InvalidParticipant
from api.routing.finder import Buyer, DirectoryUnavailable, find_line

logger = logging.getLogger("comptoir.peppol")

SIGNAL_MEDIA_TYPE = "application/soap+xml;charset=utf-8"
_SYNTAX_OF = {
    CII_INVOICE: flow_schemas.FlowSyntax.CII,
    UBL_INVOICE: flow_schemas.FlowSyntax.UBL,
    UBL_CREDIT_NOTE: flow_schemas.FlowSyntax.UBL,
    CDAR_STATUS: flow_schemas.FlowSyntax.CDAR,
}
_SBDH = "{http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader}"
# The SBD was parsed (and its header schema-checked) by the library already; this reads the
# document beside the header, with nothing fetched and no entity expanded.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True, slots=True)
class Signal:
    """The HTTP answer: a signed receipt or ebMS error signal."""

    body: bytes
    media_type: str = SIGNAL_MEDIA_TYPE
    # For the log and the tests: the ebMS error code, None for a receipt.
    error_code: str | None = None


def _parse(access_point: AccessPoint, content_type: str, body: bytes) -> PeppolReceivingExchange:
    return parse_peppol_message(
        {"Content-Type": content_type},
        body,
        access_point.party(),
        security_policy=access_point.policy(),
    )


def _error_signal(
    access_point: AccessPoint, error: BaseAS4ReceiptableError, message_id: str, messaging_id: str
) -> Signal:
    receipt = PeppolAS4Profile.receipt_class().create_error_signal_from_exception(
        exception=error,
        local_party=access_point.party(),
        referenced_message_id=message_id,
        referenced_messaging_id=messaging_id,
    )
    _, body = receipt.get_request_data()
    return Signal(body=body, error_code=error.error_code)


def document_of(standard_business_document: bytes) -> bytes:
    """The business document an SBD carries (the element after its header), written back as
    a document of its own: the XML declaration and final newline lxml writes (as our own
    messages are written, so a status message arrives byte for byte as its platform made it),
    without the SBD's namespace declarations it inherited and does not use."""
    try:
        root = etree.fromstring(standard_business_document, _PARSER)
    except etree.XMLSyntaxError:
        raise DocumentRefused("The payload is not well-formed XML") from None
    documents = [child for child in root if not str(child.tag).startswith(_SBDH)]
    if len(documents) != 1 or not isinstance(documents[0].tag, str):
        raise DocumentRefused("The SBD carries no business document, or more than one")
    inside = documents[0]
    own = [prefix for prefix, uri in inside.nsmap.items() if root.nsmap.get(prefix) != uri]
    document = copy.deepcopy(inside)
    etree.cleanup_namespaces(document, keep_ns_prefixes=[prefix for prefix in own if prefix])
    written = etree.tostring(document, xml_declaration=True, encoding="UTF-8", with_tail=False)
    return bytes(written) + b"\n"


class SenderNotPublished(BaseAS4ReceiptableError):  # type: ignore[misc]  # untyped library
    """EBMS:0101: the message is signed by an access point the Peppol CA trusts, but not by
    the one the SMP publishes for the participant it says it comes from."""

    error_code = "EBMS:0101"
    short_description = "FailedAuthentication"
    description = "The signing access point is not the one published for the sender."
    severity = "failure"
    category = "Processing"
    detail = "The signing certificate is not the sender participant's access point"


class SenderUnverifiable(AppError):
    status = 503
    code = "peppol-sender-unverifiable"
    title = "Expéditeur Peppol invérifiable pour l'instant"
    default_detail = "Le SMP de l'expéditeur ne répond pas ; renvoyez le message plus tard."


class Inbound:
    """The AS4 endpoint's work (module docstring). Built once per app."""

    def __init__(
        self,
        settings: Settings,
        access_point: AccessPoint,
        directory: Directory,
        find_endpoint: EndpointFinder | None = None,
    ) -> None:
        self.settings = settings
        self.access_point = access_point
        self.directory = directory
        # The SMP lookup that names each sender's access point (None: not checked).
        self.find_endpoint = find_endpoint

    async def receive(
        self, session: AsyncSession, storage: BlobStorage, content_type: str, body: bytes
    ) -> Signal:
        exchange = await asyncio.to_thread(_parse, self.access_point, content_type, body)
        message = exchange.message
        if not exchange.successful or message is None:
            error = message.parse_error if message is not None else None
            cause = error.__cause__ if error is not None else None
            logger.warning(
                "Peppol message %s refused: %s%s",
                message.message_id if message is not None else "?",
                error.error_code if error is not None else "?",
                f" ({error.detail}; {cause})" if error is not None else "",
            )
            _, signal = exchange.build_signal()
            return Signal(body=signal, error_code=error.error_code if error else "EBMS:0004")
        try:
            await self._deliver(session, storage, exchange)
        except BaseAS4ReceiptableError as refusal:
            logger.warning(
                "Peppol message %s from %s refused: %s %s",
                message.message_id,
                _sending_party(exchange),
                refusal.error_code,
                refusal.detail,
            )
            return await asyncio.to_thread(
                _error_signal,
                self.access_point,
                refusal,
                message.message_id,
                message.messaging_id,
            )
        _, receipt = exchange.build_signal()
        return Signal(body=receipt)

    async def _deliver(
        self, session: AsyncSession, storage: BlobStorage, exchange: PeppolReceivingExchange
    ) -> None:
        message = exchange.message
        assert message is not None
        message_id = message.message_id
        syntax = _SYNTAX_OF.get(message.document_type_identifier_value or "")
        if syntax is None:
            raise DocumentRefused(
                f"Document type {message.document_type_identifier_value!r} is not accepted here"
            )
        try:
            recipient = FrenchParticipant.parse(message.recipient or "")
        except InvalidParticipant as error:
            # Peppol AS4 2.0.3: exactly « PEPPOL:NOT_SERVICED » as errorDetail; the log says why.
            logger.info(
                "Peppol recipient %r is not a French participant: %s", message.recipient, error
            )
            raise PeppolNotServicedException() from None
        client = await served_client(session, recipient.siren)
        if client is None:
            raise PeppolNotServicedException()
        if await repository.received(session, message_id) is not None:
            raise DuplicateMessage()
        await self._check_sender(message)
        sbd = next(iter(message.decrypted_data.values()), b"")
        document = await asyncio.to_thread(document_of, sbd)
        peer = await self._platform_of(message.sender or "", exchange)
        caller = SoftwareCaller(
            Principal(
                kind=PrincipalKind.API_KEY,
                user_id=None,
                permissions=frozenset({Permission.FLOWS_WRITE}),
            ),
            WorkspaceKind.FIRM,
            None,
            frozenset({Scope.FLOWS_WRITE}),
            peer_platform_id=peer,
        )
        info = flow_schemas.FlowInfo(
            name=f"peppol-{uuid.uuid5(uuid.NAMESPACE_URL, message_id)}.xml",
            flowSyntax=syntax,
            trackingId=message_id if len(message_id) <= 64 else None,
        )
        try:
            async with session.begin_nested():
                deposited = await flows_service.deposit(
                    session,
                    storage,
                    self.settings,
                    caller,
                    Organization.of(client),
                    info,
                    document,
                )
                await repository.add(
                    session,
                    PeppolMessage(
                        message_id=message_id,
                        sending_party=_sending_party(exchange)[:100],
                        sender=(message.sender or "")[:250],
                        recipient=(message.recipient or "")[:250],
                        document_type=(message.document_type_identifier_value or "")[:500],
                        flow_id=deposited.flow.id,
                        received_at=utcnow(),
                    ),
                )
        except IntegrityError:
            raise DuplicateMessage() from None
        except AppError as error:
            raise DocumentRefused(f"{error.title} {error.detail or ''}".strip()[:500]) from None
        logger.info(
            "Peppol message %s from %s delivered to %s as flow %s",
            message_id,
            peer,
            recipient.identifier,
            deposited.flow.id,
        )

    async def _check_sender(self, message: Any) -> None:
        """The signer must be the access point the SMP publishes for the SBDH sender and this
        document type (when the SMP publishes one): any access point the Peppol CA trusts could
        otherwise speak for any participant. An SMP that cannot answer is a 503: the sender
        retries."""
        if self.find_endpoint is None:
            return
        document_type = message.document_type_identifier_value or ""
        try:
            published = await self.find_endpoint(message.sender or "", document_type)
        except PeerUnavailable as error:
            logger.warning("Peppol sender %s not verifiable now: %s", message.sender, error)
            raise SenderUnverifiable(headers={"Retry-After": "60"}) from None
        if published is None:
            return  # the sender receives nothing of this type: nothing to compare with
        certificate = x509.load_pem_x509_certificate(published.certificate_pem)
        signer = message.signer_certificate
        if signer is None or signer.fingerprint(SHA256()) != certificate.fingerprint(SHA256()):
            raise SenderNotPublished()

    async def _platform_of(self, sender: str, exchange: PeppolReceivingExchange) -> str:
        """The platform the sender's directory line names (as a peer platform's deposits carry
        its id), else the sending access point."""
        fallback = f"peppol:{_sending_party(exchange)}"[:100]
        try:
            participant = FrenchParticipant.parse(sender)
        except InvalidParticipant:
            return fallback
        try:
            line = await find_line(
                self.directory,
                Buyer(
                    siren=participant.siren,
                    siret=participant.siret,
                    routing_code=participant.routing_code,
                    electronic_address=participant.value,
                ),
                utcnow().date(),
            )
        except DirectoryUnavailable:
            return fallback
        if line is None or line.platform_id == self.settings.directory_platform_id:
            return fallback
        return line.platform_id


def _sending_party(exchange: PeppolReceivingExchange) -> str:
    remote = exchange.remote_party
    return remote.identity.party_id if remote is not None else "?"
