"""The platform's electronic seal on signed mandates (PAdES, with pyHanko), and its check.

    seal_identity(settings)        the seal's certificate and key: the configured files, or a
                                   self-signed pair generated in data_dir on first use
    seal_pdf(document, identity)   one PAdES B-B signature covering the whole file, with a
                                   visible block on the last page (the evidence page)
    verify_pdf(pdf, identity)      pyHanko's validator: intact, whole document, which
                                   certificate, whether it is the platform's, self-signed or not

The seal says "this platform recorded this signature and nothing changed since": it is the
platform's, not the signer's (the signer is identified by the evidence page: typed name, code
sent to their e-mail address). Without a time-stamping authority (no network here) the
signing time is the platform's clock, stated as such (PAdES B-B, docs/decisions/0004).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
import os
import time
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

# pyHanko imports DSA types (never used here) that `cryptography` flags as deprecated.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from pyhanko.keys.pemder import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigFieldSpec
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko.stamp import TextStampStyle
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore

from api.core.settings import Settings

logger = logging.getLogger("comptoir.mandates.seal")

SEAL_FIELD = "SceauComptoir"
# The visible block, in PDF points from the bottom-left of the evidence page (A4: 595 × 842):
# the evidence page leaves this rectangle empty for it.
SEAL_BOX = (57, 60, 538, 150)
SELF_SIGNED_FOLDER = "seal"


@dataclass(frozen=True, slots=True)
class SealIdentity:
    certificate: asn1_x509.Certificate
    key: asn1_keys.PrivateKeyInfo
    self_signed: bool
    generated: bool  # created by this platform on first start (self-hosters' default)

    @property
    def subject(self) -> str:
        return str(self.certificate.subject.human_friendly)

    @property
    def sha256_fingerprint(self) -> str:
        return hashlib.sha256(self.certificate.dump()).hexdigest()

    @property
    def not_after(self) -> dt.datetime:
        value: dt.datetime = self.certificate.not_valid_after
        return value


def _is_self_signed(certificate: asn1_x509.Certificate) -> bool:
    return bool(certificate.self_signed in ("yes", "maybe"))


def _generate_self_signed(folder: Path, common_name: str) -> None:
    """A P-256 key and a 10-year self-signed certificate, written once. Several processes may
    start together: the key file is created exclusively, the loser waits for the winner."""
    folder.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = folder / "seal-key.pem", folder / "seal-certificate.pem"
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{common_name} — sceau autosigné"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    try:
        descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process generated it
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    temporary = cert_path.with_suffix(".tmp")
    temporary.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    temporary.replace(cert_path)
    logger.warning(
        "seal: generated a self-signed certificate in %s; configure "
        "COMPTOIR_MANDATE_SEAL_CERTIFICATE_FILE and _KEY_FILE for a qualified one",
        folder,
    )


def _read_pair(cert_path: Path, key_path: Path) -> tuple[bytes, bytes]:
    for _ in range(50):  # a concurrent first start may still be writing the certificate
        if cert_path.exists() and key_path.exists():
            return cert_path.read_bytes(), key_path.read_bytes()
        time.sleep(0.1)
    raise FileNotFoundError(cert_path)


@lru_cache(maxsize=8)
def _load(cert_path: Path, key_path: Path, password: str | None, generated: bool) -> SealIdentity:
    cert_pem, key_pem = _read_pair(cert_path, key_path)
    certificates = list(load_certs_from_pemder_data(cert_pem))
    key = load_private_key_from_pemder_data(key_pem, password.encode() if password else None)
    certificate = certificates[0]
    return SealIdentity(certificate, key, _is_self_signed(certificate), generated)


def seal_identity(settings: Settings) -> SealIdentity:
    """The configured seal, or the self-signed one of this installation (made on first use)."""
    password = settings.mandate_seal_key_password.get_secret_value() or None
    if settings.mandate_seal_certificate_file and settings.mandate_seal_key_file:
        return _load(
            settings.mandate_seal_certificate_file, settings.mandate_seal_key_file, password, False
        )
    folder = settings.data_dir / SELF_SIGNED_FOLDER
    key_path, cert_path = folder / "seal-key.pem", folder / "seal-certificate.pem"
    if not key_path.exists():
        _generate_self_signed(folder, settings.platform_name)
    return _load(cert_path, key_path, None, True)


def certificate_pem(identity: SealIdentity) -> str:
    der = identity.certificate.dump()
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM).decode()


# ---------------------------------------------------------------- sealing


def _stamp_style() -> TextStampStyle:
    return TextStampStyle(
        stamp_text=(
            "Scellé électroniquement par %(signer)s\n"
            "le %(ts)s (heure de la plateforme)\n"
            "Toute modification du document invalide ce sceau."
        ),
        timestamp_format="%d/%m/%Y %H:%M:%S UTC",
        border_width=1,
    )


def seal_pdf_sync(document: bytes, identity: SealIdentity, *, reason: str) -> bytes:
    """Seal `document`: one signature whose byte range covers the whole file (nothing may be
    appended after it without showing), its visible block on the last page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(document))
    fields.append_signature_field(
        writer, SigFieldSpec(sig_field_name=SEAL_FIELD, on_page=-1, box=SEAL_BOX)
    )
    signer = signers.SimpleSigner(
        signing_cert=identity.certificate,
        signing_key=identity.key,
        cert_registry=SimpleCertificateStore(),  # type: ignore[no-untyped-call]
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location="France",
    )
    output = io.BytesIO()
    signers.PdfSigner(metadata, signer=signer, stamp_style=_stamp_style()).sign_pdf(
        writer, output=output
    )
    return output.getvalue()


async def seal_pdf(document: bytes, identity: SealIdentity, *, reason: str) -> bytes:
    # CPU-bound (hashing, ECDSA, PDF writing): off the event loop.
    return await asyncio.to_thread(seal_pdf_sync, document, identity, reason=reason)


# ---------------------------------------------------------------- verification


@dataclass(frozen=True, slots=True)
class SealCheck:
    """What pyHanko's validator says of one PDF's seal, in terms a user reads."""

    signed: bool  # the PDF carries a signature at all
    intact: bool = False  # the signed bytes are unchanged
    valid: bool = False  # the signature matches the certificate's key
    whole_document: bool = False  # it covers the entire file (nothing appended after)
    platform_seal: bool = False  # made with this platform's configured seal certificate
    certificate_subject: str | None = None
    certificate_sha256: str | None = None
    self_signed: bool | None = None
    signed_at: dt.datetime | None = None
    signatures: int = 0

    @property
    def ok(self) -> bool:
        return (
            self.signed
            and self.intact
            and self.valid
            and self.whole_document
            and self.platform_seal
        )


class UnreadablePdf(ValueError):
    pass


async def verify_pdf(pdf: bytes, identity: SealIdentity) -> SealCheck:
    """Check the last signature of `pdf` against this platform's seal certificate (the only
    trust root: another certificate, however valid elsewhere, is not this platform's seal)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError) as error:
        raise UnreadablePdf(str(error)) from error
    if not embedded:
        return SealCheck(signed=False)
    signature = embedded[-1]
    context = ValidationContext(trust_roots=[identity.certificate], allow_fetching=False)
    try:
        status = await async_validate_pdf_signature(signature, context)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        logger.info("seal check: signature unreadable: %s", error)
        return SealCheck(signed=True, signatures=len(embedded))
    certificate = status.signing_cert
    return SealCheck(
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        platform_seal=certificate.dump() == identity.certificate.dump() and bool(status.trusted),
        certificate_subject=str(certificate.subject.human_friendly),
        certificate_sha256=hashlib.sha256(certificate.dump()).hexdigest(),
        self_signed=_is_self_signed(certificate),
        signed_at=status.signer_reported_dt,
        signatures=len(embedded),
    )
