"""Factur-X: the invoice XML attached to a PDF, and what can be checked of the PDF itself.

The attachment is read with pypdf directly (not `facturx.get_xml_from_pdf`, which parses every
XML attachment with lxml's default parser before we could refuse a DTD): the bytes come out
untouched and go through the same DOCTYPE refusal as any deposited XML.

PDF/A-3 conformance is **not** validated: no validator exists in Python (veraPDF is Java). What
is checked instead, from the PDF's own declarations (rule ids are ours, `FX-…`):
- FX-01 (fatal): the XMP metadata declares PDF/A part 3 (`pdfaid:part`), as Factur-X requires;
  a file that does not even declare it cannot be PDF/A-3.
- FX-02 (warning): the attachment is named `factur-x.xml` (ZUGFeRD/XRechnung names are read too).
- FX-03 (warning): the attachment is associated with the document (`/AF`) with a relationship
  `Data`, `Source` or `Alternative`.
- FX-04 (warning): the XMP Factur-X conformance level matches the XML's profile (BT-24).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Final

from lxml import etree
from pypdf import PdfReader

from api.validation.types import Finding, RefusalCode, Refused, Stage

logger = logging.getLogger("comptoir.validation")

FACTURX_NAME: Final = "factur-x.xml"
# Factur-X 1.0, ZUGFeRD 2.x and XRechnung-in-PDF names, lower-cased.
INVOICE_ATTACHMENT_NAMES: Final = (FACTURX_NAME, "zugferd-invoice.xml", "xrechnung.xml")
AF_RELATIONSHIPS: Final = frozenset({"/Data", "/Source", "/Alternative"})
_PDFAID_NS: Final = "http://www.aiim.org/pdfa/ns/id/"
RULE_SET: Final = "Factur-X-PDF"

# Factur-X 1.0 (FNFE-MPE) § 6: XMP conformance level ↔ BT-24 guideline id.
CONFORMANCE_LEVELS: Final = {
    "urn:factur-x.eu:1p0:minimum": "MINIMUM",
    "urn:factur-x.eu:1p0:basicwl": "BASIC WL",
    "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic": "BASIC",
    "urn:cen.eu:en16931:2017": "EN 16931",
    "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended": "EXTENDED",
}


@dataclass(frozen=True, slots=True)
class FacturxPdf:
    xml: bytes
    attachment_name: str
    pdfa_part: str | None
    conformance_level: str | None  # fx:ConformanceLevel of the XMP
    af_relationship: str | None  # /AFRelationship of the attachment's file specification


def open_facturx(content: bytes, max_bytes: int) -> FacturxPdf:
    """The invoice XML attached to a PDF and the PDF's declarations. Raises `Refused`."""
    try:
        reader = PdfReader(BytesIO(content), strict=False)
        attachments = {name: files for name, files in reader.attachments.items() if files}
    except Exception:
        # pypdf raises a wide, version-dependent family of errors on damaged files.
        logger.info("unreadable PDF during Factur-X extraction", exc_info=True)
        raise Refused(
            RefusalCode.UNREADABLE_PDF, "PDF illisible : impossible d'en lire les pièces jointes."
        ) from None
    name = next(
        (
            candidate
            for wanted in INVOICE_ATTACHMENT_NAMES
            for candidate in attachments
            if candidate.lower() == wanted
        ),
        None,
    )
    if name is None:
        raise Refused(
            RefusalCode.PDF_WITHOUT_INVOICE,
            "Ce PDF ne contient pas de XML Factur-X (factur-x.xml) : ce n'est pas une facture "
            "électronique.",
        )
    xml = attachments[name][0]
    if len(xml) > max_bytes:
        raise Refused(
            RefusalCode.TOO_LARGE,
            f"Le XML joint au PDF dépasse la taille maximale ({max_bytes // (1024 * 1024)} Mo).",
        )
    pdfa_part, conformance_level = _xmp_declarations(reader)
    return FacturxPdf(
        xml=xml,
        attachment_name=name,
        pdfa_part=pdfa_part,
        conformance_level=conformance_level,
        af_relationship=_af_relationship(reader, name),
    )


def pdf_findings(pdf: FacturxPdf, profile: str | None) -> list[Finding]:
    findings: list[Finding] = []

    def add(rule_id: str, fatal: bool, location: str, message: str) -> None:
        findings.append(Finding(rule_id, fatal, location, message, Stage.PDF, RULE_SET))

    if pdf.pdfa_part != "3":
        add(
            "FX-01",
            True,
            "XMP pdfaid:part",
            "Le PDF ne se déclare pas PDF/A-3 (métadonnées XMP pdfaid:part = "
            f"{pdf.pdfa_part or 'absent'}) : une Factur-X doit être un PDF/A-3.",
        )
    if pdf.attachment_name.lower() != FACTURX_NAME:
        add(
            "FX-02",
            False,
            f"pièce jointe {pdf.attachment_name}",
            f"La pièce jointe s'appelle « {pdf.attachment_name} » et non « {FACTURX_NAME} ».",
        )
    if pdf.af_relationship not in AF_RELATIONSHIPS:
        add(
            "FX-03",
            False,
            f"pièce jointe {pdf.attachment_name} /AFRelationship",
            "La pièce jointe n'est pas associée au document (/AF) avec une relation Data, "
            f"Source ou Alternative (trouvé : {pdf.af_relationship or 'aucune'}).",
        )
    expected_level = CONFORMANCE_LEVELS.get(profile or "")
    if expected_level and (pdf.conformance_level or "").upper() != expected_level:
        add(
            "FX-04",
            False,
            "XMP fx:ConformanceLevel",
            f"Le niveau Factur-X déclaré dans les métadonnées ({pdf.conformance_level or 'absent'})"
            f" ne correspond pas au profil du XML ({expected_level}).",
        )
    return findings


def _xmp_declarations(reader: PdfReader) -> tuple[str | None, str | None]:
    """`pdfaid:part` and the Factur-X `ConformanceLevel` of the XMP, as elements or attributes."""
    try:
        # The raw packet: pypdf's `xmp_metadata` would parse it with minidom first (~4 ms).
        catalog: Any = reader.trailer["/Root"]
        stream: Any = catalog.get("/Metadata")
        raw = stream.get_object().get_data() if stream is not None else None
    except Exception:
        logger.info("unreadable XMP metadata", exc_info=True)
        return None, None
    if not raw or b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        return None, None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(raw.strip(), parser)
    except etree.XMLSyntaxError:
        return None, None
    if root is None:
        return None, None
    values: dict[str, str] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for key, value in element.attrib.items():
            values.setdefault(_declaration_key(str(key)), str(value).strip())
        if element.text and element.text.strip():
            values.setdefault(_declaration_key(element.tag), element.text.strip())
    return values.get("pdfaid:part"), values.get("fx:ConformanceLevel")


def _declaration_key(tag: str) -> str:
    qname = etree.QName(tag)
    if qname.namespace == _PDFAID_NS:
        return f"pdfaid:{qname.localname}"
    if qname.localname in ("ConformanceLevel", "DocumentFileName", "DocumentType", "Version"):
        return f"fx:{qname.localname}"
    return tag


def _af_relationship(reader: PdfReader, name: str) -> str | None:
    try:
        catalog: Any = reader.trailer["/Root"]
        associated: Any = catalog.get("/AF")
        for reference in associated.get_object() if associated is not None else []:
            specification = reference.get_object()
            if name in (specification.get("/UF"), specification.get("/F")):
                relationship = specification.get("/AFRelationship")
                return str(relationship) if relationship is not None else None
    except Exception:
        logger.info("unreadable /AF array", exc_info=True)
    return None
