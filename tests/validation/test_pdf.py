"""What is checked of a Factur-X PDF in place of a PDF/A-3 validation (api/validation/pdf.py)."""

from __future__ import annotations

from io import BytesIO

import facturx
import pytest
from fpdf import FPDF
from pypdf import PdfWriter

from api.validation import Engine, RefusalCode, Refused, Stage, Syntax
from api.validation.pdf import FacturxPdf, pdf_findings
from tests.validation.conftest import EXAMPLES, require_shared
from tests.validation.test_intake import BILLION_LAUGHS, XXE

UC1_CII = EXAMPLES / "UC1/UC1_F202500003_00-INV_20250701_CII.xml"


def plain_pdf() -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Facture")
    return bytes(document.output())


def pdf_with_attachment(name: str, content: bytes) -> bytes:
    """A plain PDF (no XMP, no /AF) with one embedded file: not a PDF/A-3."""
    writer = PdfWriter(clone_from=BytesIO(plain_pdf()))
    writer.add_attachment(name, content)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def fx_rules(engine: Engine, content: bytes) -> dict[str, bool]:
    report = engine.validate(content)
    return {f.rule_id: f.fatal for f in report.findings if f.stage is Stage.PDF}


@pytest.mark.parametrize("xml", [XXE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_attached_xml_declaring_a_dtd_is_refused_before_parsing(
    validation_engine: Engine, xml: bytes
) -> None:
    with pytest.raises(Refused) as caught:
        validation_engine.validate(pdf_with_attachment("factur-x.xml", xml))
    assert caught.value.code is RefusalCode.DTD_FORBIDDEN


def test_pdf_whose_attachment_is_not_an_invoice_xml_is_refused(validation_engine: Engine) -> None:
    with pytest.raises(Refused) as caught:
        validation_engine.validate(pdf_with_attachment("notes.xml", b"<notes/>"))
    assert caught.value.code is RefusalCode.PDF_WITHOUT_INVOICE


def test_pdf_not_declared_pdfa3_is_rejected_with_fx01(validation_engine: Engine) -> None:
    require_shared(EXAMPLES)
    rules = fx_rules(validation_engine, pdf_with_attachment("factur-x.xml", UC1_CII.read_bytes()))
    # No XMP at all: no PDF/A declaration (fatal), no Factur-X level, no /AF association.
    assert rules == {"FX-01": True, "FX-03": False, "FX-04": False}


def test_zugferd_attachment_name_is_read_with_a_warning(validation_engine: Engine) -> None:
    require_shared(EXAMPLES)
    content = pdf_with_attachment("zugferd-invoice.xml", UC1_CII.read_bytes())
    report = validation_engine.validate(content, declared_syntax=Syntax.FACTURX)
    assert report.facts is not None
    assert report.facts.number == "F202500003"
    assert {f.rule_id for f in report.findings if f.stage is Stage.PDF} == {
        "FX-01",
        "FX-02",
        "FX-03",
        "FX-04",
    }


def test_facturx_made_by_the_facturx_library_passes_the_pdf_checks(
    validation_engine: Engine,
) -> None:
    require_shared(EXAMPLES)
    content = facturx.generate_from_binary(plain_pdf(), UC1_CII.read_bytes(), check_xsd=False)
    assert fx_rules(validation_engine, content) == {}
    assert validation_engine.validate(content).valid


def test_example_facturx_pdfs_pass_the_pdf_checks(validation_engine: Engine) -> None:
    require_shared(EXAMPLES)
    for path in sorted(EXAMPLES.rglob("*.pdf")):
        assert fx_rules(validation_engine, path.read_bytes()) == {}, path.name


@pytest.mark.parametrize(
    ("level", "profile", "warned"),
    [
        ("EN 16931", "urn:cen.eu:en16931:2017", False),
        ("BASIC", "urn:cen.eu:en16931:2017", True),
        (None, "urn:cen.eu:en16931:2017", True),
        ("EXTENDED", "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended", False),
        ("ANYTHING", "urn:unknown-profile", False),  # a profile we cannot map: no opinion
    ],
)
def test_xmp_conformance_level_must_match_the_xml_profile(
    level: str | None, profile: str, warned: bool
) -> None:
    pdf = FacturxPdf(b"", "factur-x.xml", "3", level, "/Data")
    findings = pdf_findings(pdf, profile)
    assert [f.rule_id for f in findings] == (["FX-04"] if warned else [])
    assert not any(f.fatal for f in findings)
