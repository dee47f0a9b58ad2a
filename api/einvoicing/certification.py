"""The sentence a user accepts before Comptoir designates the platform for a client.

The certification is evidence: the API stores the version the user accepted, and that
version must always give back the exact words shown. A wording change is therefore a new
version added below; a published version is never edited.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Certification:
    version: str
    text: str


CERTIFICATIONS: dict[str, Certification] = {
    certification.version: certification
    for certification in (
        Certification(
            version="2026-11-27",
            text=(
                "Je certifie avoir obtenu un mandat signé par le représentant légal de "
                "l'entreprise cliente, autorisant le cabinet à désigner la présente plateforme "
                "comme sa plateforme agréée pour la réception de ses factures électroniques et à "
                "l'inscrire à ce titre dans l'annuaire national. Le cabinet conserve ce mandat "
                "et le produira à toute demande."
            ),
        ),
    )
}
CURRENT_CERTIFICATION = CERTIFICATIONS["2026-11-27"]


def accepted_certification(version: str, text: str) -> Certification | None:
    """The certification the user accepted, if `text` is exactly that version's words."""
    certification = CERTIFICATIONS.get(version)
    if certification is None or certification.text != text:
        return None
    return certification
