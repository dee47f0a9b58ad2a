"""From uploaded bytes to a parsed document of a known syntax, or a refusal.

Order matters: the size is checked first, then the kind of file (XML or PDF) from its first
bytes, then, for XML, the prolog is scanned for a DOCTYPE *before* any parser sees the file. An
e-invoice or a CDAR message never needs a DTD, and refusing one stops internal entity expansion
(billion laughs), external entities (XXE) and DTD fetches in one place. The parser itself is
locked down as a second line (no entity resolution, no network, no DTD loading, no huge trees),
and a DOCTYPE it still reports (an encoding the scanner could not read) is refused the same way.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from io import BytesIO
from typing import Final

from lxml import etree

from api.validation.pdf import FacturxPdf, open_facturx
from api.validation.types import RefusalCode, Refused, Syntax

CII_NS: Final = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
CDAR_NS: Final = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
UBL_INVOICE_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

ROOTS: Final[dict[str, Syntax]] = {
    f"{{{CII_NS}}}CrossIndustryInvoice": Syntax.CII,
    f"{{{UBL_INVOICE_NS}}}Invoice": Syntax.UBL,
    f"{{{UBL_CREDIT_NOTE_NS}}}CreditNote": Syntax.UBL,
    f"{{{CDAR_NS}}}CrossDomainAcknowledgementAndResponse": Syntax.CDAR,
}

# 20 MiB: the PPF's own limit for an invoice flow is far below; a PDF/A-3 with its XML fits.
DEFAULT_MAX_BYTES: Final = 20 * 1024 * 1024

_PDF_MAGIC: Final = b"%PDF-"
_PROLOG_SCAN_BYTES: Final = 64 * 1024
_COMMENT_OR_PI: Final = re.compile(r"<\?.*?\?>|<!--.*?-->", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A well-formed document of a known syntax. `xml` is the XML the rules run on (the file,
    or the XML extracted from a Factur-X PDF); `text` is that XML decoded, for saxonche."""

    syntax: Syntax
    xml: bytes
    tree: etree._ElementTree
    text: str
    pdf: FacturxPdf | None = None  # a Factur-X's attachment and declarations


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def safe_parse(xml: bytes) -> etree._ElementTree:
    """Parse XML the way every XML of this package is parsed: DOCTYPE refused first."""
    _refuse_doctype(xml)
    try:
        tree = etree.parse(BytesIO(xml), _parser())
    except etree.XMLSyntaxError as error:
        raise Refused(
            RefusalCode.MALFORMED_XML, f"XML mal formé : {_syntax_error(error)}."
        ) from None
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _dtd_refusal()
    return tree


def read(
    content: bytes,
    *,
    declared_syntax: Syntax | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Parsed:
    """Check size and kind, parse safely, recognise the syntax and compare it with the one the
    depositor declared. Raises `Refused`."""
    if not content:
        raise Refused(RefusalCode.EMPTY, "Le fichier est vide.")
    if len(content) > max_bytes:
        raise Refused(
            RefusalCode.TOO_LARGE,
            f"Le fichier dépasse la taille maximale ({max_bytes // (1024 * 1024)} Mo).",
        )
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(_PDF_MAGIC):
        parsed = _read_facturx(content, max_bytes)
    elif _looks_like_xml(content):
        tree = safe_parse(content)
        parsed = Parsed(_syntax_of(tree), content, tree, _as_text(content, tree))
    else:
        raise Refused(
            RefusalCode.UNSUPPORTED_FORMAT,
            "Le fichier n'est ni un XML (CII, UBL, CDAR) ni un PDF Factur-X.",
        )
    if declared_syntax is not None and declared_syntax is not parsed.syntax:
        raise Refused(
            RefusalCode.SYNTAX_MISMATCH,
            f"La syntaxe déclarée ({declared_syntax.value}) ne correspond pas au fichier "
            f"({parsed.syntax.value}).",
        )
    return parsed


def _read_facturx(content: bytes, max_bytes: int) -> Parsed:
    pdf = open_facturx(content, max_bytes)
    tree = safe_parse(pdf.xml)
    if _syntax_of(tree) is not Syntax.CII:
        raise Refused(
            RefusalCode.UNKNOWN_DOCUMENT,
            "Le XML joint au PDF n'est pas une facture CII (Factur-X).",
        )
    return Parsed(Syntax.FACTURX, pdf.xml, tree, _as_text(pdf.xml, tree), pdf=pdf)


def _syntax_of(tree: etree._ElementTree) -> Syntax:
    tag = tree.getroot().tag
    syntax = ROOTS.get(tag) if isinstance(tag, str) else None
    if syntax is None:
        local = etree.QName(tag).localname if isinstance(tag, str) else "?"
        raise Refused(
            RefusalCode.UNKNOWN_DOCUMENT,
            f"L'élément racine « {local[:80]} » n'est ni une facture CII ou UBL ni un message "
            "de cycle de vie CDAR.",
        )
    return syntax


def _looks_like_xml(content: bytes) -> bool:
    prolog = _decoded_prolog(content)
    return prolog is not None and prolog.lstrip().startswith("<")


def _decoded_prolog(content: bytes) -> str | None:
    """The first bytes as text, whatever the encoding family (UTF-8/ASCII, UTF-16, UTF-32)."""
    head = content[:_PROLOG_SCAN_BYTES]
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")
    if head.startswith(b"<\x00"):
        return head.decode("utf-16-le", errors="ignore")
    if head.startswith(b"\x00<"):
        return head.decode("utf-16-be", errors="ignore")
    # ASCII-compatible encodings (UTF-8, ISO-8859-x, windows-125x): markup reads the same.
    return head.decode("latin-1")


def _refuse_doctype(content: bytes) -> None:
    """Refuse a DOCTYPE in the prolog, the only place XML allows one, before parsing."""
    prolog = _decoded_prolog(content) or ""
    position = 0
    while True:
        while position < len(prolog) and prolog[position] in " \t\r\n":
            position += 1
        match = _COMMENT_OR_PI.match(prolog, position)
        if match is None:
            break
        position = match.end()
    if prolog.startswith("<!DOCTYPE", position) or prolog.startswith("<!ENTITY", position):
        raise _dtd_refusal()


def _dtd_refusal() -> Refused:
    return Refused(
        RefusalCode.DTD_FORBIDDEN,
        "XML refusé : il déclare une DTD ou des entités (DOCTYPE), interdites dans une facture "
        "électronique et dans un message de cycle de vie.",
    )


def _as_text(xml: bytes, tree: etree._ElementTree) -> str:
    encoding = (tree.docinfo.encoding or "UTF-8").upper()
    if encoding in ("UTF-8", "US-ASCII", "ASCII"):
        try:
            return xml.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    # Any other declared encoding: re-serialise; saxonche is given text, not bytes.
    return str(etree.tostring(tree, encoding="unicode"))


def _syntax_error(error: etree.XMLSyntaxError) -> str:
    line, column = error.position if error.position else (0, 0)
    message = str(error.msg or "").split(",")[0][:160]
    return f"ligne {line}, colonne {column} ({message})"
