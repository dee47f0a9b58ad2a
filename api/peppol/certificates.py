"""The platform's Peppol credentials, read from the settings (docs/peppol.md « Certificats »):
the access point certificate and its RSA key, and the trust file of the Peppol CAs (the
self-signed ones are anchors, the others intermediates such as the AP CA).

Read once when the app or the worker starts; a configuration that cannot work (a file missing,
a key that is not the certificate's, a certificate outside its dates or not issued under the
trust file) stops the start with a message saying which, rather than failing every exchange.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from api.adapters.transport.peppol import AccessPoint, common_name
from api.core.settings import Settings


class PeppolConfigurationError(RuntimeError):
    """The Peppol settings cannot work; the message names the setting."""


def _read(path: Path | None, setting: str) -> bytes:
    if path is None:
        raise PeppolConfigurationError(f"COMPTOIR_{setting} est requis pour Peppol.")
    try:
        return path.read_bytes()
    except OSError as error:
        raise PeppolConfigurationError(
            f"COMPTOIR_{setting} : {path} illisible ({error.strerror})."
        ) from None


def _signed_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _self_signed(certificate: x509.Certificate) -> bool:
    return certificate.issuer == certificate.subject and _signed_by(certificate, certificate)


def _issued_under(
    certificate: x509.Certificate, cas: tuple[x509.Certificate, ...], depth: int = 4
) -> bool:
    for ca in cas:
        if not _signed_by(certificate, ca):
            continue
        if _self_signed(ca) or (depth > 0 and _issued_under(ca, cas, depth - 1)):
            return True
    return False


def access_point(settings: Settings) -> AccessPoint:
    """Our access point from the settings, checked (module docstring)."""
    chain = x509.load_pem_x509_certificates(
        _read(settings.peppol_certificate_file, "PEPPOL_CERTIFICATE_FILE")
    )
    certificate = chain[0]
    password = settings.peppol_key_password.get_secret_value().encode() or None
    try:
        key = serialization.load_pem_private_key(
            _read(settings.peppol_key_file, "PEPPOL_KEY_FILE"), password
        )
    except (ValueError, TypeError) as error:
        raise PeppolConfigurationError(
            f"COMPTOIR_PEPPOL_KEY_FILE : clé illisible ou mot de passe erroné ({error})."
        ) from None
    if not isinstance(key, RSAPrivateKey):
        raise PeppolConfigurationError("La clé Peppol doit être une clé RSA (profil AS4 Peppol).")
    if key.public_key() != certificate.public_key():
        raise PeppolConfigurationError(
            "COMPTOIR_PEPPOL_KEY_FILE n'est pas la clé du certificat "
            "COMPTOIR_PEPPOL_CERTIFICATE_FILE."
        )
    now = datetime.now(UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise PeppolConfigurationError(
            "Le certificat Peppol n'est pas dans sa période de validité "
            f"({certificate.not_valid_before_utc:%Y-%m-%d} – "
            f"{certificate.not_valid_after_utc:%Y-%m-%d})."
        )
    trusted = tuple(
        x509.load_pem_x509_certificates(_read(settings.peppol_trust_file, "PEPPOL_TRUST_FILE"))
    )
    anchors = tuple(ca for ca in trusted if _self_signed(ca))
    if not anchors:
        raise PeppolConfigurationError(
            "COMPTOIR_PEPPOL_TRUST_FILE ne contient aucune autorité racine (auto-signée)."
        )
    if not _issued_under(certificate, trusted + tuple(chain[1:])):
        raise PeppolConfigurationError(
            "Le certificat Peppol n'est pas émis sous les autorités de COMPTOIR_PEPPOL_TRUST_FILE."
        )
    party_id = common_name(certificate)
    if not party_id:
        raise PeppolConfigurationError("Le certificat Peppol n'a pas de nom commun (CN).")
    intermediates = tuple(ca for ca in trusted if ca not in anchors) + tuple(chain[1:])
    return AccessPoint(
        party_id=party_id,
        certificate=certificate,
        private_key=key,
        anchors=anchors,
        intermediates=intermediates,
    )
