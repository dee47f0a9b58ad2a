"""Files refused before any rule runs: each with its stable code and the annex's reason code."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import facturx
import pytest
from fpdf import FPDF

from api.validation import Engine, RefusalCode, Refused, Syntax
from tests.validation.conftest import EXAMPLES, require_shared

CII_ROOT = (
    b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
    b'CrossIndustryInvoice:100">'
)

XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rsm:CrossIndustryInvoice '
    b'[<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    + CII_ROOT
    + b"&secret;</rsm:CrossIndustryInvoice>"
)


def _entity(level: int) -> bytes:
    """Each level expands to ten of the previous: 10^9 "lol" at level 9."""
    previous = f"&lol{level - 1};" if level > 1 else "&lol;"
    return f'<!ENTITY lol{level} "{previous * 10}">\n'.encode()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(_entity(level) for level in range(1, 10))
    + b"]>\n<lolz>&lol9;</lolz>"
)
# The DOCTYPE hidden behind a comment and a processing instruction, still in the prolog.
DOCTYPE_AFTER_COMMENT = (
    b'<?xml version="1.0"?>\n<!-- an invoice -->\n<?pi x?>\n'
    b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
    + CII_ROOT
    + b"</rsm:CrossIndustryInvoice>"
)
UTF16_DOCTYPE = (
    '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE r [<!ENTITY a "b">]>\n<r>&a;</r>'
).encode("utf-16")


def _refusal(engine: Engine, content: bytes, **kwargs: object) -> Refused:
    with pytest.raises(Refused) as caught:
        engine.validate(content, **kwargs)  # type: ignore[arg-type]
    return caught.value


def _plain_pdf() -> bytes:
    document = FPDF()
    document.add_page()
    return bytes(document.output())


@pytest.mark.parametrize(
    ("content", "code", "reason_code"),
    [
        pytest.param(b"", RefusalCode.EMPTY, "EmptyFlow", id="empty"),
        pytest.param(b"Bonjour", RefusalCode.UNSUPPORTED_FORMAT, "FlowTypeError", id="text"),
        pytest.param(b"PK\x03\x04zip", RefusalCode.UNSUPPORTED_FORMAT, "FlowTypeError", id="zip"),
        pytest.param(XXE, RefusalCode.DTD_FORBIDDEN, "InvalidSchema", id="xxe"),
        pytest.param(
            BILLION_LAUGHS, RefusalCode.DTD_FORBIDDEN, "InvalidSchema", id="billion-laughs"
        ),
        pytest.param(
            DOCTYPE_AFTER_COMMENT, RefusalCode.DTD_FORBIDDEN, "InvalidSchema", id="dtd-fetch"
        ),
        pytest.param(UTF16_DOCTYPE, RefusalCode.DTD_FORBIDDEN, "InvalidSchema", id="utf16-dtd"),
        pytest.param(
            CII_ROOT + b"<rsm:ExchangedDocument></rsm:CrossIndustryInvoice>",
            RefusalCode.MALFORMED_XML,
            "InvalidSchema",
            id="malformed",
        ),
        pytest.param(
            b"<order><id>1</id></order>",
            RefusalCode.UNKNOWN_DOCUMENT,
            "FlowTypeError",
            id="other-xml",
        ),
        pytest.param(
            b"%PDF-1.7\ngarbage", RefusalCode.UNREADABLE_PDF, "FlowTypeError", id="broken-pdf"
        ),
    ],
)
def test_file_is_refused_before_any_rule(
    validation_engine: Engine, content: bytes, code: RefusalCode, reason_code: str
) -> None:
    refusal = _refusal(validation_engine, content)
    assert refusal.code is code
    assert refusal.reason_code == reason_code
    assert refusal.message  # French, shown to the depositor


def test_xxe_is_never_resolved(validation_engine: Engine) -> None:
    refusal = _refusal(validation_engine, XXE)
    assert "root:" not in refusal.message
    assert refusal.code is RefusalCode.DTD_FORBIDDEN


def test_plain_pdf_is_not_an_einvoice(validation_engine: Engine) -> None:
    assert _refusal(validation_engine, _plain_pdf()).code is RefusalCode.PDF_WITHOUT_INVOICE


def test_oversize_file_is_refused_before_parsing() -> None:
    # A DTD bomb bigger than the limit: the size is what refuses it, before anything reads it.
    small = Engine(max_bytes=64)
    refusal = _refusal(small, BILLION_LAUGHS)
    assert refusal.code is RefusalCode.TOO_LARGE
    assert refusal.reason_code == "FileSizeExceeded"


@pytest.mark.parametrize(
    ("file", "declared"),
    [
        ("UC1/UC1_F202500003_00-INV_20250701_CII.xml", Syntax.UBL),
        ("UC1/UC1_F202500003_00-INV_20250701_CII.xml", Syntax.FACTURX),
        ("UC1/UC1_F202500003_00-INV_20250701_UBL.xml", Syntax.CII),
        ("UC1/UC1_F202500003_00-INV_20250701.pdf", Syntax.CII),
        ("UC1/UC1_F202500003_01-CDV-200_Deposee.xml", Syntax.CII),
    ],
)
def test_declared_syntax_must_match_the_file(
    validation_engine: Engine, file: str, declared: Syntax
) -> None:
    require_shared(EXAMPLES)
    content = Path(EXAMPLES / file).read_bytes()
    refusal = _refusal(validation_engine, content, declared_syntax=declared)
    assert refusal.code is RefusalCode.SYNTAX_MISMATCH
    assert declared.value in refusal.message


def test_declared_syntax_that_matches_is_accepted(validation_engine: Engine) -> None:
    require_shared(EXAMPLES)
    content = (EXAMPLES / "UC1/UC1_F202500003_00-INV_20250701.pdf").read_bytes()
    report = validation_engine.validate(content, declared_syntax=Syntax.FACTURX)
    assert report.syntax is Syntax.FACTURX
    assert report.xml is not None
    assert report.xml.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml")
    assert facturx.get_xml_from_pdf(BytesIO(content), check_xsd=False)[1] == report.xml


def test_syntax_values_are_the_annex_flow_syntax() -> None:
    assert [syntax.value for syntax in Syntax] == ["CII", "UBL", "Factur-X", "CDAR"]
