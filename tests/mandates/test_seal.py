"""The seal: PAdES over the whole file with the configured certificate, checked by pyHanko's
validator; one changed byte, appended bytes or another certificate are told apart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import SecretStr

from api.core.settings import Settings
from api.einvoicing.mandate import blank_mandate, mandate_pdf
from api.mandates.evidence import CURRENT_CONSENT, SignatureEvidence, with_evidence_page
from api.mandates.seal import seal_identity, seal_pdf, verify_pdf
from tests.clients.conftest import Firm


def _configured_seal(folder: Path) -> tuple[Path, Path]:
    """A CA and a seal certificate it issued, made by the test (no key is checked in)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "AC de test")])
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Sceau Plateforme Test"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Plateforme Test"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(seal_name)
        .issuer_name(ca_name)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(ca_key, hashes.SHA256())
    )
    cert_path, key_path = folder / "seal.pem", folder / "seal-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        seal_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret de test"),
        )
    )
    return cert_path, key_path


def _evidence() -> SignatureEvidence:
    return SignatureEvidence(
        request_id="00000000-0000-4000-8000-000000000001",
        client_name="GARAGE CHEVALIER ET FRÈRES",
        client_siren="610869075",
        firm_name="Cabinet Durand",
        signer_name="Élodie Chevalier",
        signer_email="elodie@example.fr",
        signed_at=dt.datetime(2026, 12, 7, 10, 30, tzinfo=dt.UTC),
        ip="203.0.113.7",
        user_agent="Mozilla/5.0 (iPhone)",
        document_sha256="ab" * 32,
        method="email_otp",
        consent_version=CURRENT_CONSENT.version,
        consent_text=CURRENT_CONSENT.text,
    )


@pytest.fixture
def configured(settings: Settings, tmp_path: Path) -> Settings:
    cert_path, key_path = _configured_seal(tmp_path)
    return settings.model_copy(
        update={
            "mandate_seal_certificate_file": cert_path,
            "mandate_seal_key_file": key_path,
            "mandate_seal_key_password": SecretStr("secret de test"),
        }
    )


async def _sealed(settings: Settings) -> bytes:
    document = with_evidence_page(mandate_pdf(blank_mandate(settings)), _evidence())
    return await seal_pdf(document, seal_identity(settings), reason="Mandat signé")


async def test_the_configured_certificate_seals_the_whole_document(configured: Settings) -> None:
    identity = seal_identity(configured)
    assert not identity.self_signed
    assert not identity.generated
    sealed = await _sealed(configured)
    check = await verify_pdf(sealed, identity)
    assert check.ok
    assert check.intact
    assert check.valid
    assert check.whole_document
    assert check.platform_seal
    assert check.certificate_subject is not None
    assert "Sceau Plateforme Test" in check.certificate_subject
    assert check.self_signed is False


async def test_one_changed_byte_breaks_the_seal(configured: Settings) -> None:
    sealed = bytearray(await _sealed(configured))
    # A byte of the first page's content, inside the signed range.
    sealed[len(sealed) // 4] ^= 0x01
    check = await verify_pdf(bytes(sealed), seal_identity(configured))
    assert not check.ok
    assert not check.intact


async def test_bytes_appended_after_the_seal_are_seen(configured: Settings) -> None:
    sealed = await _sealed(configured)
    check = await verify_pdf(sealed + b"\n% ajout\n", seal_identity(configured))
    assert check.intact
    assert not check.whole_document
    assert not check.ok


async def test_another_platforms_seal_is_not_ours(configured: Settings, settings: Settings) -> None:
    self_sealed = await _sealed(settings)  # the installation's self-signed seal
    check = await verify_pdf(self_sealed, seal_identity(configured))
    assert check.intact
    assert not check.platform_seal
    assert check.self_signed is True
    assert not check.ok


def test_a_fresh_installation_generates_a_self_signed_seal_once(
    settings: Settings, tmp_path: Path
) -> None:
    fresh = settings.model_copy(update={"data_dir": tmp_path})
    first = seal_identity(fresh)
    assert first.self_signed
    assert first.generated
    assert (tmp_path / "seal" / "seal-key.pem").stat().st_mode & 0o077 == 0
    assert seal_identity(fresh).sha256_fingerprint == first.sha256_fingerprint


async def test_the_check_endpoint_reports_in_french(
    client: httpx.AsyncClient, firm: Firm, settings: Settings
) -> None:
    sealed = await _sealed(settings)
    good = await client.post(
        "/api/v1/mandates/seal-checks",
        content=sealed,
        headers=firm.owner.headers | {"Content-Type": "application/pdf"},
    )
    assert good.status_code == 200, good.text
    assert good.json()["ok"] is True
    assert good.json()["self_signed"] is True
    assert good.json()["summary"].startswith("Sceau valide")
    tampered = bytearray(sealed)
    tampered[len(tampered) // 4] ^= 0x01
    bad = await client.post(
        "/api/v1/mandates/seal-checks", content=bytes(tampered), headers=firm.owner.headers
    )
    assert bad.json()["ok"] is False
    assert bad.json()["intact"] is False
    not_pdf = await client.post(
        "/api/v1/mandates/seal-checks", content=b"hello", headers=firm.owner.headers
    )
    assert not_pdf.status_code == 422
    seal = await client.get("/api/v1/mandates/seal", headers=firm.owner.headers)
    assert seal.json()["self_signed"] is True
    assert "BEGIN CERTIFICATE" in seal.json()["certificate_pem"]
