"""What a signature proves, and the page that says it inside the sealed PDF.

The consent sentence is evidence, like the firm's certification (api/einvoicing/
certification.py): a version always gives back the exact words shown, so a wording change is
a new version added below; a published version is never edited.

The evidence page is appended to the mandate exactly as mailed, then the whole file is sealed
(seal.py): the page's words, the stored `MandateRequest.evidence` and the seal agree, and a
changed byte anywhere breaks the seal.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from pypdf import PdfReader, PdfWriter

from api.einvoicing.mandate import FONT, FONTS, french_date

SIGNATURE_METHOD = "email_otp"  # typed name, consent and a one-time code mailed
PHONE_METHOD = "device"  # typed name, consent and the approval of the enrolled phone
METHOD_LABELS = {
    SIGNATURE_METHOD: "Nom saisi, consentement coché et code à usage unique envoyé par e-mail",
    PHONE_METHOD: (
        "Nom saisi, consentement coché et approbation signée par la clé du téléphone enrôlé"
    ),
}


@dataclass(frozen=True, slots=True)
class Consent:
    version: str
    text: str
    method: str = SIGNATURE_METHOD  # the way of confirming the sentence speaks of


CONSENTS: dict[str, Consent] = {
    consent.version: consent
    for consent in (
        Consent(
            version="2026-12-07",
            text=(
                "J'ai lu l'intégralité du mandat. En saisissant mon nom et le code reçu à mon "
                "adresse e-mail, je le signe au nom de l'entreprise mandante, que je représente "
                "légalement ou que je suis habilité(e) à engager, et j'accepte que cette "
                "signature électronique ait la même valeur qu'une signature manuscrite."
            ),
        ),
        Consent(
            version="2026-12-07-telephone",
            text=(
                "J'ai lu l'intégralité du mandat. En saisissant mon nom et en approuvant sur "
                "mon téléphone enrôlé, je le signe au nom de l'entreprise mandante, que je "
                "représente légalement ou que je suis habilité(e) à engager, et j'accepte que "
                "cette signature électronique ait la même valeur qu'une signature manuscrite."
            ),
            method=PHONE_METHOD,
        ),
    )
}
CURRENT_CONSENT = CONSENTS["2026-12-07"]
CURRENT_PHONE_CONSENT = CONSENTS["2026-12-07-telephone"]


@dataclass(frozen=True, slots=True)
class SignatureEvidence:
    request_id: str
    client_name: str
    client_siren: str
    firm_name: str
    signer_name: str  # as typed by the signer
    signer_email: str
    signed_at: datetime
    ip: str | None
    user_agent: str | None
    document_sha256: str  # of the mandate as mailed and read
    method: str
    consent_version: str
    consent_text: str
    # With the phone: the enrolled device whose key signed the approval.
    device_id: str | None = None
    device_name: str | None = None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["signed_at"] = self.signed_at.astimezone(UTC).isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignatureEvidence:
        return cls(**(data | {"signed_at": datetime.fromisoformat(data["signed_at"])}))


def evidence_rows(evidence: SignatureEvidence) -> list[tuple[str, str]]:
    """The page's lines, label → value (the test reads them back from the sealed PDF)."""
    moment = evidence.signed_at.astimezone(UTC)
    return [
        ("Mandant", f"{evidence.client_name} (SIREN {evidence.client_siren})"),
        ("Mandataire", evidence.firm_name),
        ("Signataire (nom saisi)", evidence.signer_name),
        ("Adresse e-mail vérifiée", evidence.signer_email),
        ("Date et heure (UTC)", f"{french_date(moment.date())}, {moment:%H:%M:%S}"),
        ("Adresse IP", evidence.ip or "inconnue"),
        ("Navigateur", (evidence.user_agent or "inconnu")[:200]),
        ("Méthode", METHOD_LABELS.get(evidence.method, evidence.method)),
        *(
            [("Téléphone enrôlé", f"{evidence.device_name} ({evidence.device_id})")]
            if evidence.device_id
            else []
        ),
        ("Empreinte SHA-256 du mandat lu", evidence.document_sha256),
        ("Référence de la demande", evidence.request_id),
        ("Version du consentement", evidence.consent_version),
    ]


# The page's own words (title, preamble, consent heading).
_FIXED = (
    "Attestation de signature électronique",
    "Cette page, ajoutée par la plateforme au mandat signé, en consigne les preuves. Le "
    "document entier, cette page comprise, est scellé : toute modification invalide le sceau.",
    "Consentement accepté par le signataire :",
)
# PDF's standard Helvetica, in WinAnsi (cp1252): every French letter, « », œ, €, and no font
# to parse nor subset. Embedding DejaVu took ~500 ms of the ~600 ms a seal cost (parsing the
# TTF, then subsetting it): it stays for the rare page with a letter outside cp1252 (a
# signer's name in another script, a browser's user agent).
_CORE_FONT = "Helvetica"
_CORE_ENCODING = "windows-1252"


def _core_font_suffices(evidence: SignatureEvidence) -> bool:
    rows = evidence_rows(evidence)
    texts = [text for row in rows for text in row] + [evidence.consent_text, *_FIXED]
    try:
        for text in texts:
            text.encode(_CORE_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _evidence_page(evidence: SignatureEvidence) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    font = FONT
    if _core_font_suffices(evidence):
        font = _CORE_FONT
        pdf.core_fonts_encoding = _CORE_ENCODING
    else:
        pdf.add_font(FONT, style="", fname=FONTS / "DejaVuSans.ttf")
        pdf.add_font(FONT, style="B", fname=FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_margins(left=20, top=18, right=20)
    pdf.set_auto_page_break(auto=False)
    created = evidence.signed_at.astimezone(UTC)
    pdf.set_creation_date(created)
    pdf.add_page()
    pdf.set_font(font, style="B", size=14)
    pdf.multi_cell(0, 7, _FIXED[0], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(font, size=9)
    pdf.multi_cell(0, 4.6, _FIXED[1], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    for label, value in evidence_rows(evidence):
        pdf.set_font(font, style="B", size=9)
        pdf.cell(58, 5.2, f"{label} :")
        pdf.set_font(font, size=9)
        pdf.multi_cell(0, 5.2, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(font, style="B", size=9)
    pdf.multi_cell(0, 5, _FIXED[2], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(font, size=9)
    pdf.multi_cell(0, 4.6, f"« {evidence.consent_text} »", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def with_evidence_page(document: bytes, evidence: SignatureEvidence) -> bytes:
    """The mandate as mailed, its pages untouched, followed by the evidence page."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    writer.append(PdfReader(io.BytesIO(_evidence_page(evidence))))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
