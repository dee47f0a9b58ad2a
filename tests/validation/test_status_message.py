"""The 200 Déposée and 213 Rejetée messages we build pass the shipped CDAR schema and rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from api.validation import (
    PPF,
    Engine,
    InvoiceFacts,
    LifecycleStatus,
    PartyRole,
    StatusParty,
    StatusReason,
    Syntax,
    build_status_message,
    rejection_reasons,
)
from tests.validation.conftest import EINVOICES, require_shared

INVOICE = InvoiceFacts(
    number="F202600042",
    type_code="380",
    issue_date=date(2026, 12, 1),
    currency="EUR",
    total_without_vat=Decimal("100.00"),
    total_with_vat=Decimal("120.00"),
    seller_name="LE VENDEUR",
    seller_siren="100000009",
    buyer_name="L'ACHETEUR & FILS",
    buyer_siren="200000008",
    seller_electronic_address="100000009_STATUTS",
    buyer_electronic_address="200000008",
)
PLATFORM = StatusParty(role=PartyRole.PLATFORM, name="Comptoir", platform_id="0042")
SELLER = StatusParty(
    role=PartyRole.SELLER,
    name="LE VENDEUR",
    siren="100000009",
    electronic_address="100000009_STATUTS",
)
BUYER = StatusParty(
    role=PartyRole.BUYER,
    name="L'ACHETEUR & FILS",
    siren="200000008",
    electronic_address="200000008",
)
DEPOSITED_AT = datetime(2026, 12, 7, 14, 30, tzinfo=UTC)
DUPLICATE = StatusReason(
    "DOUBLON", "Facture en doublon", "Facture identique reçue sur une autre adresse"
)


@pytest.mark.parametrize("for_ppf", [False, True], ids=["parties", "ppf-copy"])
@pytest.mark.parametrize(
    ("status", "reasons"),
    [(LifecycleStatus.DEPOSEE, ()), (LifecycleStatus.REJETEE, (DUPLICATE,))],
    ids=["200", "213"],
)
def test_status_message_passes_the_cdar_schema_and_rules(
    validation_engine: Engine,
    status: LifecycleStatus,
    reasons: tuple[StatusReason, ...],
    for_ppf: bool,
) -> None:
    message = build_status_message(
        status=status,
        invoice=INVOICE,
        platform=PLATFORM,
        recipients=[SELLER, BUYER],
        status_at=DEPOSITED_AT,
        reasons=reasons,
        for_ppf=for_ppf,
    )
    report = validation_engine.validate(message, declared_syntax=Syntax.CDAR)
    assert report.findings == ()
    assert report.rule_sets == ("XSD-CDAR-D22B", "BR-FR-CDV")
    assert report.facts is not None
    assert report.facts.status_code == status.value
    assert (report.facts.number, report.facts.seller_siren) == ("F202600042", "100000009")
    assert report.facts.issue_date == date(2026, 12, 1)
    expected_profile = "einvoicingF2" if for_ppf else "CDV:invoice"
    assert report.profile is not None
    assert report.profile.endswith(expected_profile)
    # French local time, format 204: 14:30 UTC is 15:30 in Paris in December.
    assert b'<udt:DateTimeString format="204">20261207153000</udt:DateTimeString>' in message
    if for_ppf:
        assert b"<ram:RoleCode>DFH</ram:RoleCode>" in message
        assert b"LE VENDEUR</ram:Name>" not in message  # only the PPF receives its copy
    else:
        assert b"L'ACHETEUR &amp; FILS" in message


def test_rejection_for_broken_rules_lists_each_rule_and_passes(validation_engine: Engine) -> None:
    require_shared(EINVOICES)
    rejected = validation_engine.validate((EINVOICES / "ubl/ubl-tc434-example3.xml").read_bytes())
    assert rejected.facts is not None
    reasons = rejection_reasons(rejected)
    assert len(reasons) == len(rejected.fatal_findings)
    assert {reason.code for reason in reasons} == {"REJ_SEMAN"}
    message = build_status_message(
        status=LifecycleStatus.REJETEE,
        invoice=rejected.facts,
        platform=PLATFORM,
        recipients=[SELLER],
        status_at=DEPOSITED_AT,
        reasons=reasons,
    )
    report = validation_engine.validate(message)
    assert report.findings == ()
    assert b"BR-FR-08_BT-23" in message


def test_rejection_without_a_reason_is_not_built() -> None:
    with pytest.raises(ValueError, match="BR-FR-CDV-15"):
        build_status_message(
            status=LifecycleStatus.REJETEE,
            invoice=INVOICE,
            platform=PLATFORM,
            recipients=[SELLER],
            status_at=DEPOSITED_AT,
        )


def test_the_ppf_is_named_as_rule_br_fr_cdv_02_of_release_1_4_expects() -> None:
    assert (PPF.platform_id, PPF.role) == ("0000", PartyRole.PPF)
