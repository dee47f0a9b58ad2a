"""Whom we believe: the CA certificates an SMP's signing certificate must chain to.

Path validation is pyhanko-certvalidator's (RFC 5280: signatures, validity dates at the given
moment, CA constraints, key usage), already a dependency for the mandate seal (decision 0005).
cryptography's own verifier insists on a subjectAltName, which Peppol certificates do not carry.
Revocation is not checked (no OCSP or CRL is fetched): docs/peppol-smp.md says so.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization

with warnings.catch_warnings():  # pyHanko's DSA imports, flagged deprecated by cryptography
    warnings.simplefilter("ignore")
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import (
        InvalidCertificateError,
        PathBuildingError,
        PathValidationError,
        ValidationError,
    )


class UntrustedCertificate(Exception):
    """The certificate does not chain to a trust anchor at that moment (the reason in French)."""


@dataclass(frozen=True, slots=True)
class TrustAnchors:
    """Self-signed certificates are anchors; the others are intermediates offered for paths."""

    anchors: tuple[x509.Certificate, ...] = ()
    intermediates: tuple[x509.Certificate, ...] = ()

    @classmethod
    def from_pem(cls, pem: bytes) -> TrustAnchors:
        certificates = x509.load_pem_x509_certificates(pem) if pem.strip() else []
        return cls(
            anchors=tuple(c for c in certificates if c.issuer == c.subject),
            intermediates=tuple(c for c in certificates if c.issuer != c.subject),
        )

    @classmethod
    def from_file(cls, path: Path | None) -> TrustAnchors:
        return cls.from_pem(path.read_bytes()) if path else cls()


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


async def verify_chain(
    leaf: x509.Certificate,
    others: Sequence[x509.Certificate],
    trust: TrustAnchors,
    moment: dt.datetime,
) -> None:
    """Raises `UntrustedCertificate` unless `leaf` chains to one of `trust.anchors` at `moment`
    (through `others` or `trust.intermediates`) and may sign (digitalSignature)."""
    if not trust.anchors:
        raise UntrustedCertificate("aucune autorité de confiance n'est configurée")
    context = ValidationContext(
        trust_roots=[_asn1(c) for c in trust.anchors],
        other_certs=[_asn1(c) for c in (*others, *trust.intermediates)],
        moment=moment,
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(_asn1(leaf), validation_context=context)
    try:
        await validator.async_validate_usage({"digital_signature"})  # type: ignore[no-untyped-call]
    except PathBuildingError:
        raise UntrustedCertificate("il n'est émis par aucune autorité de confiance") from None
    except (PathValidationError, InvalidCertificateError, ValidationError) as error:
        raise UntrustedCertificate(str(error)) from None
