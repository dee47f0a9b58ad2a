"""The evidence page says what the signature proves, whatever the letters of the signer's
name: French text is set in PDF's standard Helvetica, anything beyond it in DejaVu."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pypdf import PdfReader

from api.core.settings import Settings
from api.einvoicing.mandate import blank_mandate, mandate_pdf
from api.mandates.evidence import (
    CURRENT_CONSENT,
    SignatureEvidence,
    evidence_rows,
    with_evidence_page,
)


def _evidence(signer_name: str) -> SignatureEvidence:
    return SignatureEvidence(
        request_id=str(uuid.uuid4()),
        client_name="BOULANGERIE DE L'ŒUVRE",
        client_siren="356000000",
        firm_name="Cabinet Mérieux",
        signer_name=signer_name,
        signer_email="representant@example.fr",
        signed_at=datetime(2026, 12, 7, 14, 5, tzinfo=UTC),
        ip="203.0.113.7",
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile",
        document_sha256="ab" * 32,
        method="email_otp",
        consent_version=CURRENT_CONSENT.version,
        consent_text=CURRENT_CONSENT.text,
    )


@pytest.mark.parametrize(
    ("signer_name", "embedded_font"),
    [("Élodie Chevalier-Lefèvre", False), ("Łukasz Żółkiewski", True)],
)
def test_the_evidence_page_reads_back_every_proof(
    settings: Settings, signer_name: str, embedded_font: bool
) -> None:
    mandate = mandate_pdf(blank_mandate(settings))
    evidence = _evidence(signer_name)
    pages = PdfReader(io.BytesIO(with_evidence_page(mandate, evidence))).pages
    text = " ".join(pages[-1].extract_text().split())
    for label, value in evidence_rows(evidence):
        assert label in text
        assert value[:40] in text, (label, value)
    assert " ".join(CURRENT_CONSENT.text.split())[:60] in text
    resources: Any = pages[-1]["/Resources"]
    fonts: Any = resources.get_object()["/Font"].get_object()
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert any("DejaVu" in name for name in names) is embedded_font, names
