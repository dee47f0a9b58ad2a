"""The PPF's copy of a status message is the standard's `_POUR_PPF` message, field by field:
every pair of the use cases (the parties' message and its copy for the PPF) is replayed."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from api.validation import PartyRole, StatusParty, Syntax, ppf_copy
from api.validation.engine import Engine
from api.validation.ppf_copy import NotAStatusMessage
from tests.shared_data import SHARED_DATA, needs_shared

EXAMPLES = SHARED_DATA / "afnor" / "examples"
_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
_RSM = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
PAIRS = sorted(EXAMPLES.rglob("*_POUR_PPF.xml")) if EXAMPLES.is_dir() else []

pytestmark = needs_shared(EXAMPLES)


def _parties_message(copy_path: Path) -> Path:
    return copy_path.with_name(copy_path.name.replace("_POUR_PPF", ""))


def _sender(tree: etree._Element) -> StatusParty:
    sender = tree.find(f"{{{_RSM}}}ExchangedDocument/{{{_RAM}}}SenderTradeParty")
    assert sender is not None
    return StatusParty(
        role=PartyRole.PLATFORM,
        name=sender.findtext(f"{{{_RAM}}}Name"),
        platform_id=sender.findtext(f"{{{_RAM}}}GlobalID"),
    )


Rows = list[tuple[str, dict[str, str], str]]


def _fields(content: bytes) -> Rows:
    """Every element as (path, attributes, text), comments and layout left out."""
    parser = etree.XMLParser(remove_comments=True, remove_blank_text=True, resolve_entities=False)
    root = etree.fromstring(content.lstrip(b"\xef\xbb\xbf"), parser)
    rows = []
    for element in root.iter():
        path = "/".join(
            etree.QName(node).localname
            for node in [*reversed(list(element.iterancestors())), element]
        )
        rows.append((path, dict(element.attrib), (element.text or "").strip()))
    return rows


# What we do differently from the examples, on purpose:
# - MDT-4, the message id, is ours to choose (the examples' copies carry another generator's);
# - the PPF's id is 0000 (rule BR-FR-CDV-02 of release 1.4), the 1.2 examples say 9998.
def _as_expected(
    rows: list[tuple[str, dict[str, str], str]],
) -> list[tuple[str, dict[str, str], str]]:
    expected = []
    for path, attributes, text in rows:
        if path == "CrossDomainAcknowledgementAndResponse/ExchangedDocument/ID":
            text = "<message id>"
        if path.endswith("RecipientTradeParty/GlobalID") and text == "9998":
            text = "0000"
        expected.append((path, attributes, text))
    return expected


@pytest.mark.parametrize("copy_path", PAIRS, ids=[path.stem for path in PAIRS])
def test_the_copy_of_each_example_message_is_its_pour_ppf_message(copy_path: Path) -> None:
    parties = _parties_message(copy_path).read_bytes()
    expected = copy_path.read_bytes()
    platform = _sender(etree.fromstring(expected.lstrip(b"\xef\xbb\xbf")))

    copy = ppf_copy(parties, platform)

    assert _as_expected(_fields(copy)) == _as_expected(_fields(expected))


def test_every_use_case_has_its_copies_compared() -> None:
    # 200 of UC1, UC2, UC5, UC5b (credit note), UC5c; 213 of UC2; 212 of UC1, UC5b ×2, UC5c.
    statuses = sorted(path.stem.split("-CDV-")[1][:3] for path in PAIRS)
    assert statuses == ["200"] * 5 + ["212"] * 4 + ["213"]


@pytest.mark.parametrize("copy_path", PAIRS, ids=[path.stem for path in PAIRS])
def test_a_copy_breaks_no_cdar_rule_its_parties_message_keeps(
    validation_engine: Engine, copy_path: Path
) -> None:
    """Release 1.4 of the rules finds what the 1.2 examples lack (the 212s' detail has no
    MDT-124-2): the copy may carry that, and nothing more."""
    parties = _parties_message(copy_path).read_bytes()
    platform = StatusParty(role=PartyRole.PLATFORM, name="Comptoir", platform_id="0042")

    report = validation_engine.validate(ppf_copy(parties, platform), declared_syntax=Syntax.CDAR)
    original = validation_engine.validate(parties, declared_syntax=Syntax.CDAR)

    assert {finding.rule_id for finding in report.findings} <= {
        finding.rule_id for finding in original.findings
    }
    assert not any(finding.stage.value == "schema" for finding in report.findings)
    assert report.profile == "urn.cpro.gouv.fr:1p0:CDV:einvoicingF2"


def test_a_copy_of_a_message_that_is_no_cdar_is_refused() -> None:
    invoice = (EXAMPLES / "UC1" / "UC1_F202500003_00-INV_20250701_CII.xml").read_bytes()
    platform = StatusParty(role=PartyRole.PLATFORM, name="Comptoir", platform_id="0042")
    with pytest.raises(NotAStatusMessage):
        ppf_copy(invoice, platform)
