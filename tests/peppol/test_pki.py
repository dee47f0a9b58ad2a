"""The test PKI is what the Peppol tests rely on it to be: AP and SMP certificates chain to the
test root, the expired one is expired, the unrelated one chains to nothing we trust."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from cryptography import x509

from tests.peppol.pki import Credential, Pki


class NotTrusted(Exception):
    pass


def _verify(pki: Pki, credential: Credential, when: dt.datetime | None = None) -> None:
    """The chain's signatures up to the test root, and every certificate's dates at `when`.
    (cryptography's client verifier insists on a subjectAltName, which Peppol certificates
    do not carry: the walk is spelt out, with cryptography checking each signature.)"""
    when = when or dt.datetime.now(dt.UTC)
    chain = [credential.certificate, *credential.issuers]
    for certificate in chain:
        if not certificate.not_valid_before_utc <= when <= certificate.not_valid_after_utc:
            raise NotTrusted(f"{certificate.subject.rfc4514_string()} not valid at {when}")
    for certificate, issuer in itertools.pairwise(chain):
        certificate.verify_directly_issued_by(issuer)
    if chain[-1] != pki.root.certificate:
        raise NotTrusted("does not end at the test root")


@pytest.mark.parametrize("name", ["ap_a", "ap_b", "smp_a", "smp_b"])
def test_access_point_and_smp_certificates_chain_to_the_test_root(pki: Pki, name: str) -> None:
    _verify(pki, getattr(pki, name))


def test_the_expired_access_point_certificate_fails_only_for_its_dates(pki: Pki) -> None:
    with pytest.raises(NotTrusted):
        _verify(pki, pki.expired_ap)
    last_week = pki.expired_ap.certificate.not_valid_after_utc - dt.timedelta(days=7)
    _verify(pki, pki.expired_ap, when=last_week)


def test_the_unrelated_certificate_chains_to_no_trusted_root(pki: Pki) -> None:
    with pytest.raises(NotTrusted):
        _verify(pki, pki.unrelated)


def test_access_points_are_issued_by_the_ap_ca_and_smps_by_the_smp_ca(pki: Pki) -> None:
    assert pki.ap_a.certificate.issuer == pki.ap_ca.certificate.subject
    assert pki.ap_b.certificate.issuer == pki.ap_ca.certificate.subject
    assert pki.smp_a.certificate.issuer == pki.smp_ca.certificate.subject
    assert pki.ap_a.certificate.public_key() != pki.ap_b.certificate.public_key()


def test_written_files_are_the_chain_and_a_private_key(pki: Pki, tmp_path: Path) -> None:
    written = pki.write(tmp_path)

    certificate, key = written["ap-a"]
    chain = x509.load_pem_x509_certificates(certificate.read_bytes())
    assert chain == [pki.ap_a.certificate, pki.ap_ca.certificate]
    assert key.read_bytes() == pki.ap_a.private_key_pem
    assert key.stat().st_mode & 0o077 == 0
    assert (tmp_path / "trust-anchors.pem").read_bytes() == pki.root.certificate_pem
