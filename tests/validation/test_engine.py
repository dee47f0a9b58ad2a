"""The standard's examples and the generic EN 16931 samples end as the 1.4.0.01 rules say."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from api.validation import RULES_RELEASE, Engine, Report, Stage, Syntax
from tests.validation.conftest import EINVOICES, EXAMPLES, require_shared, shared_files

# Warnings of EN 16931 CII on every example (README of the data): not fatal.
CII_WARNINGS = {"CII-SR-465", "CII-SR-466"}
# The examples were published with release 1.2 of the standard; under the 1.4 rules:
# - the PPF copies name the PPF 9998 where BR-FR-CDV-02 expects 0000 (so MDT-3 einvoicingF2 is
#   refused, and BR-FR-CDV-CL-01 then asks for an MDT-2 business process they do not carry);
# - the 211/212 messages carry a status detail without its sequence number (BR-FR-CDV-16).
PPF_COPY_FINDINGS = {"BR-FR-CDV-02", "BR-FR-CDV-CL-01"}
STATUS_DETAIL_WITHOUT_SEQUENCE = {"BR-FR-CDV-16"}
# What French law adds to EN 16931 and the generic samples lack.
FRENCH_MENTIONS = {"BR-FR-05", "BR-FR-08", "BR-FR-10"}


def rule(finding_id: str) -> str:
    """`BR-FR-CDV-02_MDT-3` → `BR-FR-CDV-02`: the rule, without the field it was checked on."""
    return finding_id.split("_")[0]


def fatal_rules(report: Report) -> set[str]:
    return {rule(finding.rule_id) for finding in report.fatal_findings}


def expected_fatal_rules(path: Path) -> set[str]:
    expected: set[str] = set()
    if path.stem.endswith("_POUR_PPF"):
        expected |= PPF_COPY_FINDINGS
    if re.search(r"CDV-21[12]_", path.name):
        expected |= STATUS_DETAIL_WITHOUT_SEQUENCE
    return expected


@pytest.mark.parametrize(
    "path", shared_files(EXAMPLES, "*.pdf") + shared_files(EXAMPLES, "*_CII.xml")
)
def test_example_invoice_in_cii_or_facturx_passes_with_en16931_warnings_only(
    validation_engine: Engine, path: Path
) -> None:
    report = validation_engine.validate(path.read_bytes())
    assert report.syntax is (Syntax.FACTURX if path.suffix == ".pdf" else Syntax.CII)
    assert report.valid, report.fatal_findings
    assert {finding.rule_id for finding in report.warnings} == CII_WARNINGS
    if path.suffix == ".pdf":
        assert report.rule_sets[:2] == ("Factur-X-PDF", "XSD-Factur-X-EN16931")
    else:
        assert report.rule_sets[:1] == ("XSD-CII-D22B",)
    assert report.rule_sets[-2:] == ("EN16931-CII", "BR-FR-CII")
    assert report.rules_release == RULES_RELEASE == "1.4.0.01"


@pytest.mark.parametrize("path", shared_files(EXAMPLES, "*_UBL.xml"))
def test_example_invoice_in_ubl_passes_without_any_finding(
    validation_engine: Engine, path: Path
) -> None:
    report = validation_engine.validate(path.read_bytes(), declared_syntax=Syntax.UBL)
    assert report.findings == ()
    assert report.rule_sets[1:] == ("EN16931-UBL", "BR-FR-UBL")


@pytest.mark.parametrize("path", shared_files(EXAMPLES, "*CDV-*.xml"))
def test_example_lifecycle_message_ends_as_the_cdar_rules_say(
    validation_engine: Engine, path: Path
) -> None:
    report = validation_engine.validate(path.read_bytes(), declared_syntax=Syntax.CDAR)
    assert report.rule_sets == ("XSD-CDAR-D22B", "BR-FR-CDV")
    assert not [finding for finding in report.findings if finding.stage is Stage.SCHEMA]
    assert fatal_rules(report) == expected_fatal_rules(path)
    assert report.valid is (not expected_fatal_rules(path))
    assert report.facts is not None
    status = re.search(r"CDV-(\d{3})_", path.name)
    assert status is not None
    assert report.facts.status_code == status.group(1)
    assert report.facts.number is not None
    assert report.facts.number in path.name


@pytest.mark.parametrize(
    "path", shared_files(EINVOICES, "*.xml") + shared_files(EINVOICES, "*.pdf")
)
def test_generic_en16931_sample_passes_en16931_and_fails_the_french_mentions(
    validation_engine: Engine, path: Path
) -> None:
    report = validation_engine.validate(path.read_bytes())
    assert not report.valid
    assert fatal_rules(report) >= FRENCH_MENTIONS
    # Only the French rules reject them: they are valid EN 16931 invoices.
    assert {finding.rule_set for finding in report.fatal_findings} == {
        "BR-FR-UBL" if report.syntax is Syntax.UBL else "BR-FR-CII"
    }
    messages = [f.message for f in report.fatal_findings if rule(f.rule_id) == "BR-FR-05"]
    assert any("PMT" in message for message in messages)  # the recovery fee mention, in French


def test_one_invoice_in_three_syntaxes_gives_the_same_facts(validation_engine: Engine) -> None:
    require_shared(EXAMPLES)
    reports = [
        validation_engine.validate((EXAMPLES / "UC1" / name).read_bytes())
        for name in (
            "UC1_F202500003_00-INV_20250701_CII.xml",
            "UC1_F202500003_00-INV_20250701_UBL.xml",
            "UC1_F202500003_00-INV_20250701.pdf",
        )
    ]
    facts = reports[0].facts
    assert facts is not None
    assert [report.facts for report in reports] == [facts] * 3
    assert (facts.number, facts.type_code, facts.issue_date, facts.currency) == (
        "F202500003",
        "380",
        date(2025, 7, 1),
        "EUR",
    )
    assert (facts.total_without_vat, facts.total_with_vat) == (
        Decimal("10000.00"),
        Decimal("12000.00"),
    )
    assert (facts.seller_name, facts.seller_siren) == ("LE VENDEUR", "100000009")
    assert (facts.buyer_name, facts.buyer_siren) == ("LE CLIENT", "200000008")
    assert facts.profile == reports[0].profile == "urn:cen.eu:en16931:2017"


def test_credit_note_in_ubl_is_checked_against_the_credit_note_schema(
    validation_engine: Engine,
) -> None:
    require_shared(EXAMPLES)
    path = EXAMPLES / "UC5/UC5b_F202500011_00-CN_20250703/UC5b_F202500011_00-CN_20250703_UBL.xml"
    report = validation_engine.validate(path.read_bytes())
    assert report.rule_sets[0] == "XSD-UBL-CreditNote-2.1"
    assert report.facts is not None
    assert report.facts.type_code == "381"


def test_schema_errors_are_fatal_findings_with_their_line(validation_engine: Engine) -> None:
    require_shared(EXAMPLES)
    original = (EXAMPLES / "UC1/UC1_F202500003_00-INV_20250701_CII.xml").read_bytes()
    broken = original.replace(b"<ram:TypeCode>380</ram:TypeCode>", b"<ram:Kind>380</ram:Kind>", 1)
    report = validation_engine.validate(broken)
    schema_findings = [f for f in report.findings if f.stage is Stage.SCHEMA]
    assert schema_findings
    assert all(f.fatal and f.rule_id == "XSD" for f in schema_findings)
    assert "Kind" in schema_findings[0].message
    assert schema_findings[0].location.startswith("ligne ")
    assert not report.valid


EXTENDED_PROFILE = "urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr"


@pytest.mark.parametrize(
    ("name", "profile_element", "rule_sets"),
    [
        (
            "UC1_F202500003_00-INV_20250701_CII.xml",
            "<ram:ID>{}</ram:ID>",
            ("EXTENDED-CTC-FR-CII", "BR-FR-CII-EXTENDED"),
        ),
        (
            "UC1_F202500003_00-INV_20250701_UBL.xml",
            "<cbc:CustomizationID>{}</cbc:CustomizationID>",
            ("EXTENDED-CTC-FR-UBL", "BR-FR-UBL-EXTENDED"),
        ),
    ],
    ids=["cii", "ubl"],
)
def test_extended_profile_runs_the_extended_rules(
    validation_engine: Engine, name: str, profile_element: str, rule_sets: tuple[str, str]
) -> None:
    require_shared(EXAMPLES)
    original = (EXAMPLES / "UC1" / name).read_bytes()
    extended = original.replace(
        profile_element.format("urn:cen.eu:en16931:2017").encode(),
        profile_element.format(EXTENDED_PROFILE).encode(),
        1,
    )
    report = validation_engine.validate(extended)
    assert report.rule_sets[1:] == rule_sets
    assert report.profile == EXTENDED_PROFILE
    # The extended rules ran to the end on a valid EN 16931 invoice.
    assert not [f for f in report.findings if f.rule_id == "RULES-NOT-APPLICABLE"]
    assert report.valid, report.fatal_findings


def test_two_threads_validating_at_once_get_the_sequential_results(
    validation_engine: Engine,
) -> None:
    require_shared(EXAMPLES)
    require_shared(EINVOICES)
    files = [
        *sorted(EXAMPLES.rglob("*_CII.xml")),
        *sorted(EINVOICES.rglob("*.xml")),
        *sorted(EXAMPLES.rglob("*CDV-2*.xml"))[:6],
    ]
    contents = [path.read_bytes() for path in files]
    sequential = [validation_engine.validate(content).findings for content in contents]
    with ThreadPoolExecutor(max_workers=2) as pool:
        threaded = list(pool.map(lambda c: validation_engine.validate(c).findings, contents * 2))
    assert threaded == sequential * 2


def test_locations_are_short_xpaths_with_the_standard_prefixes(validation_engine: Engine) -> None:
    require_shared(EINVOICES)
    report = validation_engine.validate((EINVOICES / "ubl/ubl-tc434-example3.xml").read_bytes())
    seller_siren = next(f for f in report.findings if f.rule_id == "BR-FR-10_BT-30")
    assert seller_siren.location == (
        "/ubl:Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity"
    )
    assert seller_siren.message.startswith("[BR-FR-10/BT-30] : Le SIREN du vendeur")


def test_an_unknown_namespace_keeps_its_qualified_step() -> None:
    from api.validation.rules import short_location

    location = (
        "/*:Invoice[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'][1]"
        "/*:InvoiceLine[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:"
        "CommonAggregateComponents-2'][3]/*:Ext[namespace-uri()='urn:example'][1]"
    )
    assert short_location(location) == (
        "/ubl:Invoice/cac:InvoiceLine[3]/*:Ext[namespace-uri()='urn:example'][1]"
    )


def test_rules_stopping_on_a_value_of_the_wrong_type_reject_instead_of_crashing(
    validation_engine: Engine,
) -> None:
    require_shared(EXAMPLES)
    original = (EXAMPLES / "UC1/UC1_F202500003_00-INV_20250701_UBL.xml").read_bytes()
    broken = re.sub(rb"(<cbc:Percent>)[^<]+(</cbc:Percent>)", rb"\1abc\2", original, count=1)
    report = validation_engine.validate(broken)
    assert not report.valid
    stopped = [f for f in report.findings if f.rule_id == "RULES-NOT-APPLICABLE"]
    assert [f.rule_set for f in stopped] == ["EN16931-UBL"]
    assert "abc" in stopped[0].message
    # The schema names the element; the French rules still ran and reported.
    assert any(f.stage is Stage.SCHEMA and "Percent" in f.message for f in report.findings)


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "UTF-16"])
def test_an_invoice_in_another_declared_encoding_is_read_the_same(
    validation_engine: Engine, encoding: str
) -> None:
    require_shared(EXAMPLES)
    text = (EXAMPLES / "UC1/UC1_F202500003_00-INV_20250701_CII.xml").read_text("utf-8-sig")
    declared = text.replace("encoding='UTF-8'", f"encoding='{encoding}'", 1)
    report = validation_engine.validate(declared.encode(encoding.lower(), errors="replace"))
    assert report.valid
    assert {f.rule_id for f in report.findings} == CII_WARNINGS
    assert report.facts is not None
    assert report.facts.seller_name == "LE VENDEUR"
