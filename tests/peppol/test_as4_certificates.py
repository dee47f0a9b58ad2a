"""The access point's credentials from the settings: a working set gives the seat id of the
certificate; each way a configuration cannot work is refused with a message naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.core.settings import Settings
from api.peppol.certificates import PeppolConfigurationError, access_point
from tests.peppol.pki import Pki


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, pki: Pki) -> Path:
    folder = tmp_path_factory.mktemp("peppol-credentials")
    pki.write(folder)
    (folder / "trust.pem").write_bytes(pki.root.certificate_pem + pki.ap_ca.certificate_pem)
    (folder / "root-only.pem").write_bytes(pki.root.certificate_pem)
    (folder / "no-root.pem").write_bytes(pki.ap_ca.certificate_pem)
    return folder


def configured(settings: Settings, folder: Path, **files: str) -> Settings:
    chosen = {"certificate": "ap-a.crt", "key": "ap-a.key", "trust": "trust.pem"} | files
    return settings.model_copy(
        update={
            "peppol_access_point": True,
            "peppol_certificate_file": folder / chosen["certificate"],
            "peppol_key_file": folder / chosen["key"],
            "peppol_trust_file": folder / chosen["trust"],
        }
    )


def test_the_access_point_is_named_by_its_certificate(
    settings: Settings, folder: Path, pki: Pki
) -> None:
    point = access_point(configured(settings, folder))
    assert point.party_id == "PFR000001"
    assert point.anchors == (pki.root.certificate,)
    # The AP CA from the trust file and from the certificate file's chain.
    assert pki.ap_ca.certificate in point.intermediates


def test_a_certificate_file_with_its_chain_needs_only_the_root_as_trust(
    settings: Settings, folder: Path
) -> None:
    # `ap-a.crt` holds the AP CA after the leaf (Credential.write writes the chain).
    point = access_point(configured(settings, folder, trust="root-only.pem"))
    assert point.party_id == "PFR000001"


MISCONFIGURED = {
    "key of another certificate": ({"key": "ap-b.key"}, "n'est pas la clé du certificat"),
    "expired certificate": (
        {"certificate": "expired-ap.crt", "key": "expired-ap.key"},
        "période de validité",
    ),
    "certificate of another CA": (
        {"certificate": "unrelated.crt", "key": "unrelated.key"},
        "n'est pas émis sous les autorités",
    ),
    "trust file without a root": ({"trust": "no-root.pem"}, "aucune autorité racine"),
    "missing key file": ({"key": "absent.key"}, "COMPTOIR_PEPPOL_KEY_FILE"),
}


@pytest.mark.parametrize("case", list(MISCONFIGURED))
def test_a_configuration_that_cannot_work_is_refused_with_its_reason(
    case: str, settings: Settings, folder: Path
) -> None:
    files, reason = MISCONFIGURED[case]
    with pytest.raises(PeppolConfigurationError, match=reason):
        access_point(configured(settings, folder, **files))
