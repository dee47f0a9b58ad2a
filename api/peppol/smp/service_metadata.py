"""The documents of the Peppol SMP 1.x REST interface (OASIS BDX SMP 1.0 as Peppol profiles it,
« Peppol SMP specification 1.x »): a participant's ServiceGroup, and the SignedServiceMetadata
of one of its document types, signed by the SMP (XML-DSig, enveloped, RSA-SHA256).

Written here (`service_group_xml`, `signed_service_metadata_xml`) for our own SMP, and read here
(`read_service_group`, `read_signed_service_metadata`) for the lookup. Reading a signed answer
trusts only what the signature covers: the signing certificate must chain to the configured
anchors (`trust.verify_chain`), the signature must be the root's own enveloped one, and the
metadata is read from the element signxml reports as signed (not from the received tree, which
a signature-wrapping attack would fill with other content).

XML is parsed without DTDs, entities or network access; a document with a DOCTYPE is refused.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from lxml import etree
from signxml import methods
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier

from api.peppol.smp.catalogue import DOCUMENT_SCHEME, PARTICIPANT_SCHEME, PROCESS_SCHEME
from api.peppol.smp.trust import TrustAnchors, UntrustedCertificate, verify_chain

SMP = "http://busdox.org/serviceMetadata/publishing/1.0/"
IDS = "http://busdox.org/transport/identifiers/1.0/"
WSA = "http://www.w3.org/2005/08/addressing"
DS = "http://www.w3.org/2000/09/xmldsig#"
_NS = {"smp": SMP, "ids": IDS, "wsa": WSA, "ds": DS}
_NSMAP = {None: SMP, "ids": IDS, "wsa": WSA}

# Peppol SMP 1.x signatures: RSA with SHA-256 (SHA-1 was retired in 2020), inclusive c14n.
_SIGNATURE_METHODS = frozenset(
    {SignatureMethod.RSA_SHA256, SignatureMethod.RSA_SHA384, SignatureMethod.RSA_SHA512}
)
_DIGESTS = frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512})
MAX_DOCUMENT_BYTES = 1_000_000


class SmpDocumentInvalid(ValueError):
    """The SMP's answer is not a document of the SMP 1.x interface (or not the one asked)."""


class SmpSignatureInvalid(ValueError):
    """The SMP's answer is not signed by a trusted SMP certificate, or was altered since."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One way of delivering a document type to a participant: an access point's URL and the
    certificate its messages are encrypted to and its receipts signed with."""

    process: str
    transport_profile: str
    url: str
    certificate: x509.Certificate
    activation: dt.datetime | None = None
    expiration: dt.datetime | None = None
    description: str = ""
    technical_contact: str = ""

    def in_effect(self, moment: dt.datetime) -> bool:
        return (self.activation is None or self.activation <= moment) and (
            self.expiration is None or moment <= self.expiration
        )


@dataclass(frozen=True, slots=True)
class ServiceMetadata:
    participant: str  # the identifier value, e.g. 0225:123456782 (scheme iso6523-actorid-upis)
    document_type: str  # the identifier value (scheme busdox-docid-qns)
    endpoints: tuple[Endpoint, ...]


@dataclass(frozen=True, slots=True)
class ServiceGroup:
    participant: str
    references: tuple[str, ...]  # the ServiceMetadata URLs, one per document type


# --- writing -----------------------------------------------------------------------------------


def _identifier(parent: etree._Element, tag: str, scheme: str, value: str) -> None:
    element = etree.SubElement(parent, f"{{{IDS}}}{tag}", scheme=scheme)
    element.text = value


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def service_group_xml(participant: str, references: Sequence[str]) -> bytes:
    """The ServiceGroup of `participant` (its identifier value), linking each ServiceMetadata."""
    root = etree.Element(f"{{{SMP}}}ServiceGroup", nsmap=_NSMAP)
    _identifier(root, "ParticipantIdentifier", PARTICIPANT_SCHEME, participant)
    collection = etree.SubElement(root, f"{{{SMP}}}ServiceMetadataReferenceCollection")
    for href in references:
        etree.SubElement(collection, f"{{{SMP}}}ServiceMetadataReference", href=href)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _endpoint(parent: etree._Element, endpoint: Endpoint) -> None:
    element = etree.SubElement(
        parent, f"{{{SMP}}}Endpoint", transportProfile=endpoint.transport_profile
    )
    reference = etree.SubElement(element, f"{{{WSA}}}EndpointReference")
    etree.SubElement(reference, f"{{{WSA}}}Address").text = endpoint.url
    etree.SubElement(element, f"{{{SMP}}}RequireBusinessLevelSignature").text = "false"
    if endpoint.activation is not None:
        etree.SubElement(element, f"{{{SMP}}}ServiceActivationDate").text = _timestamp(
            endpoint.activation
        )
    if endpoint.expiration is not None:
        etree.SubElement(element, f"{{{SMP}}}ServiceExpirationDate").text = _timestamp(
            endpoint.expiration
        )
    der = endpoint.certificate.public_bytes(serialization.Encoding.DER)
    etree.SubElement(element, f"{{{SMP}}}Certificate").text = base64.b64encode(der).decode()
    etree.SubElement(element, f"{{{SMP}}}ServiceDescription").text = endpoint.description
    etree.SubElement(element, f"{{{SMP}}}TechnicalContactUrl").text = endpoint.technical_contact


def signed_service_metadata_xml(
    metadata: ServiceMetadata,
    key: RSAPrivateKey,
    certificates: Sequence[x509.Certificate],
) -> bytes:
    """The SignedServiceMetadata of one document type, signed with the SMP's key; the signature
    carries `certificates` (the SMP certificate first, then its CAs)."""
    root = etree.Element(f"{{{SMP}}}SignedServiceMetadata", nsmap=_NSMAP)
    information = etree.SubElement(
        etree.SubElement(root, f"{{{SMP}}}ServiceMetadata"), f"{{{SMP}}}ServiceInformation"
    )
    _identifier(information, "ParticipantIdentifier", PARTICIPANT_SCHEME, metadata.participant)
    _identifier(information, "DocumentIdentifier", DOCUMENT_SCHEME, metadata.document_type)
    processes = etree.SubElement(information, f"{{{SMP}}}ProcessList")
    by_process: dict[str, list[Endpoint]] = {}
    for endpoint in metadata.endpoints:
        by_process.setdefault(endpoint.process, []).append(endpoint)
    for process_id, endpoints in by_process.items():
        process = etree.SubElement(processes, f"{{{SMP}}}Process")
        _identifier(process, "ProcessIdentifier", PROCESS_SCHEME, process_id)
        endpoint_list = etree.SubElement(process, f"{{{SMP}}}ServiceEndpointList")
        for endpoint in endpoints:
            _endpoint(endpoint_list, endpoint)
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0,
    )
    pems = [c.public_bytes(serialization.Encoding.PEM).decode() for c in certificates]
    signed = signer.sign(root, key=key, cert=pems)
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


# --- reading -----------------------------------------------------------------------------------


def _parse(content: bytes) -> etree._Element:
    if len(content) > MAX_DOCUMENT_BYTES:
        raise SmpDocumentInvalid("réponse SMP trop volumineuse")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        tree = etree.fromstring(content, parser=parser).getroottree()
    except etree.XMLSyntaxError as error:
        raise SmpDocumentInvalid(f"réponse SMP illisible (XML invalide : {error})") from None
    if tree.docinfo.doctype:
        raise SmpDocumentInvalid("réponse SMP refusée : elle déclare un DOCTYPE")
    return tree.getroot()


def _text(element: etree._Element, path: str, what: str) -> str:
    found = element.find(path, _NS)
    if found is None or not (found.text or "").strip():
        raise SmpDocumentInvalid(f"réponse SMP incomplète : {what} manquant")
    return (found.text or "").strip()


def _identifier_value(element: etree._Element, tag: str, scheme: str, what: str) -> str:
    found = element.find(f"ids:{tag}", _NS)
    if found is None or not (found.text or "").strip():
        raise SmpDocumentInvalid(f"réponse SMP incomplète : {what} manquant")
    if (found.get("scheme") or "").lower() != scheme:
        raise SmpDocumentInvalid(f"réponse SMP : {what} d'un schéma inattendu")
    return (found.text or "").strip()


def _moment(element: etree._Element, tag: str) -> dt.datetime | None:
    found = element.find(f"smp:{tag}", _NS)
    if found is None or not (found.text or "").strip():
        return None
    try:
        moment = dt.datetime.fromisoformat((found.text or "").strip())
    except ValueError:
        raise SmpDocumentInvalid(f"réponse SMP : date {tag} illisible") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _certificate(text: str) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(base64.b64decode("".join(text.split())))
    except ValueError:
        raise SmpDocumentInvalid("réponse SMP : certificat d'un point d'accès illisible") from None


def read_service_group(content: bytes) -> ServiceGroup:
    root = _parse(content)
    if root.tag != f"{{{SMP}}}ServiceGroup":
        raise SmpDocumentInvalid("réponse SMP : ServiceGroup attendu")
    participant = _identifier_value(
        root, "ParticipantIdentifier", PARTICIPANT_SCHEME, "identifiant du participant"
    )
    references = tuple(
        reference.get("href", "")
        for reference in root.iterfind(
            "smp:ServiceMetadataReferenceCollection/smp:ServiceMetadataReference", _NS
        )
    )
    return ServiceGroup(participant=participant, references=references)


def _signing_chain(root: etree._Element) -> list[x509.Certificate]:
    texts = [
        (element.text or "")
        for element in root.iterfind("ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate", _NS)
    ]
    if not texts:
        raise SmpSignatureInvalid("réponse SMP non signée (aucun certificat de signature)")
    try:
        return [x509.load_der_x509_certificate(base64.b64decode("".join(t.split()))) for t in texts]
    except ValueError:
        raise SmpSignatureInvalid("réponse SMP : certificat de signature illisible") from None


def _leaf_first(chain: list[x509.Certificate]) -> list[x509.Certificate]:
    """XML-DSig imposes no order on X509Data: the signer is the one no other was issued by."""
    issuers = {certificate.issuer for certificate in chain}
    leaves = [c for c in chain if c.subject not in issuers or c.subject == c.issuer]
    leaf = leaves[0] if leaves else chain[0]
    return [leaf, *(c for c in chain if c is not leaf)]


async def read_signed_service_metadata(
    content: bytes, anchors: TrustAnchors, moment: dt.datetime | None = None
) -> ServiceMetadata:
    """The metadata of a SignedServiceMetadata whose signature is valid and made by an SMP
    certificate that chains to `anchors` at `moment` (now). Raises `SmpSignatureInvalid` or
    `SmpDocumentInvalid`."""
    moment = moment or dt.datetime.now(dt.UTC)
    root = _parse(content)
    if root.tag != f"{{{SMP}}}SignedServiceMetadata":
        if root.tag == f"{{{SMP}}}ServiceMetadata" or root.find("smp:Redirect", _NS) is not None:
            raise SmpDocumentInvalid("réponse SMP non signée ou redirection (non prise en charge)")
        raise SmpDocumentInvalid("réponse SMP : SignedServiceMetadata attendu")
    chain = _leaf_first(_signing_chain(root))
    try:
        await verify_chain(chain[0], chain[1:], anchors, moment)
    except UntrustedCertificate as error:
        raise SmpSignatureInvalid(f"certificat de l'SMP non reconnu : {error}") from None
    config = SignatureConfiguration(
        location="./",  # the root's own signature, not one nested in the content
        expect_references=1,
        signature_methods=_SIGNATURE_METHODS,
        digest_algorithms=_DIGESTS,
        verification_time=moment,
    )
    try:
        result = XMLVerifier().verify(root, x509_cert=chain[0], expect_config=config)
    except (InvalidSignature, InvalidDigest, InvalidCertificate, InvalidInput) as error:
        raise SmpSignatureInvalid(f"signature de la réponse SMP invalide : {error}") from None
    signed = result.signed_xml if not isinstance(result, list) else None
    if signed is None or signed.tag != f"{{{SMP}}}SignedServiceMetadata":
        raise SmpSignatureInvalid("la signature ne couvre pas la réponse SMP entière")
    if signed.find("smp:ServiceMetadata/smp:Redirect", _NS) is not None:
        raise SmpDocumentInvalid("redirection SMP (non prise en charge)")
    return _service_information(signed)


def _service_information(signed: etree._Element) -> ServiceMetadata:
    information = signed.find("smp:ServiceMetadata/smp:ServiceInformation", _NS)
    if information is None:
        raise SmpDocumentInvalid("réponse SMP incomplète : ServiceInformation manquant")
    participant = _identifier_value(
        information, "ParticipantIdentifier", PARTICIPANT_SCHEME, "identifiant du participant"
    )
    document_type = _identifier_value(
        information, "DocumentIdentifier", DOCUMENT_SCHEME, "type de document"
    )
    endpoints: list[Endpoint] = []
    for process in information.iterfind("smp:ProcessList/smp:Process", _NS):
        process_id = _identifier_value(
            process, "ProcessIdentifier", PROCESS_SCHEME, "identifiant de processus"
        )
        for element in process.iterfind("smp:ServiceEndpointList/smp:Endpoint", _NS):
            endpoints.append(
                Endpoint(
                    process=process_id,
                    transport_profile=element.get("transportProfile", ""),
                    url=_text(element, "wsa:EndpointReference/wsa:Address", "adresse"),
                    certificate=_certificate(_text(element, "smp:Certificate", "certificat")),
                    activation=_moment(element, "ServiceActivationDate"),
                    expiration=_moment(element, "ServiceExpirationDate"),
                    description=(element.findtext("smp:ServiceDescription", "", _NS)).strip(),
                    technical_contact=(
                        element.findtext("smp:TechnicalContactUrl", "", _NS)
                    ).strip(),
                )
            )
    return ServiceMetadata(
        participant=participant, document_type=document_type, endpoints=tuple(endpoints)
    )
