"""The mandate template as a person prints it: one A4 page, in French, accents intact."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from api.adapters.directory import DirectoryAddress
from api.core.settings import Settings
from api.einvoicing.certification import (
    CERTIFICATIONS,
    CURRENT_CERTIFICATION,
    accepted_certification,
)
from api.einvoicing.mandate import blank_mandate, client_mandate, french_date, mandate_pdf
from api.models.workspace import Workspace, WorkspaceKind

A4_POINTS = (595.28, 841.89)


@pytest.fixture
def platform_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "platform_name": "Comptoir Démo",
            "platform_siren": "552100554",
            "platform_registration_number": "0042",
        }
    )


def client_company() -> Workspace:
    return Workspace(
        kind=WorkspaceKind.COMPANY,
        name="Électricité Perrin & Fils — Œuvre d'art",
        siren="948662838",
        address_line="147 quai de Saône",
        postal_code="67000",
        city="Strasbourg",
    )


def accounting_firm() -> Workspace:
    return Workspace(kind=WorkspaceKind.FIRM, name="Cabinet Martin & Associés", siren="356000000")


def read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def test_prefilled_mandate_names_the_client_the_firm_the_platform_and_the_address(
    platform_settings: Settings,
) -> None:
    mandate = client_mandate(
        client_company(), accounting_firm(), platform_settings, issued_on=date(2026, 12, 1)
    )

    reader, text = read(mandate_pdf(mandate))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A4_POINTS
    assert reader.metadata is not None
    assert reader.metadata.title == "Mandat de désignation d'une plateforme agréée"
    for expected in (
        "Mandat de désignation d'une plateforme agréée",
        "Électricité Perrin & Fils — Œuvre d'art",
        "948 662 838",
        "147 quai de Saône, 67000 Strasbourg",
        "Cabinet Martin & Associés",
        "356 000 000",
        "Comptoir Démo",
        "552 100 554",
        "N° d'immatriculation : 0042",
        "Entreprise (SIREN) 948662838",
        "le 1er décembre 2026",
        "Pour le mandant (l'entreprise)",
        "Pour le mandataire (le cabinet)",
        "« Bon pour mandat »",
    ):
        assert expected in text


def test_narrower_addresses_are_listed_with_their_identifier(platform_settings: Settings) -> None:
    siret = DirectoryAddress(
        siren="948662838", siret="94866283819895", routing_identifier="SERVICE-ACHATS"
    )
    mandate = client_mandate(
        client_company(),
        accounting_firm(),
        platform_settings,
        issued_on=date(2026, 11, 27),
        addresses=[siret],
    )

    _, text = read(mandate_pdf(mandate))

    assert "Code routage" in text
    assert "94866283819895" in text
    assert "SERVICE-ACHATS" in text
    assert "Entreprise (SIREN)" not in text


def test_blank_mandate_has_every_label_and_no_client(platform_settings: Settings) -> None:
    reader, text = read(mandate_pdf(blank_mandate(platform_settings)))

    assert len(reader.pages) == 1
    for label in (
        "1. Le mandant : l'entreprise",
        "2. Le mandataire : le cabinet d'expertise comptable",
        "Dénomination :",
        "SIREN :",
        "Adresse :",
        "Représentée par :",
        "Représenté par :",
        "Adresses à inscrire dans l'annuaire",
        "Maille",
        "Identifiant d'adressage",
        "Fait à",
        "Pour le mandant (l'entreprise)",
        "Nom, qualité :",
    ):
        assert label in text
    assert "Comptoir Démo" in text  # the platform never changes, so it is printed
    assert "Perrin" not in text
    assert "Entreprise (SIREN)" not in text


def test_the_same_mandate_renders_to_the_same_bytes(platform_settings: Settings) -> None:
    mandate = client_mandate(
        client_company(), accounting_firm(), platform_settings, issued_on=date(2026, 12, 1)
    )

    assert mandate_pdf(mandate) == mandate_pdf(mandate)


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2026, 12, 1), "1er décembre 2026"), (date(2027, 2, 14), "14 février 2027")],
)
def test_dates_are_written_the_french_way(day: date, expected: str) -> None:
    assert french_date(day) == expected


def test_the_certification_is_accepted_only_word_for_word() -> None:
    current = CURRENT_CERTIFICATION

    assert current.text.startswith("Je certifie avoir obtenu un mandat signé")
    assert CERTIFICATIONS[current.version] == current
    assert accepted_certification(current.version, current.text) == current
    assert accepted_certification(current.version, current.text + " ") is None
    assert accepted_certification("1999-01-01", current.text) is None
