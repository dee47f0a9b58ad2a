"""Our SMP publishes exactly the participants this platform receives for: a SIREN registered
through us today, in every 0225 form; nothing for a client not registered, pending, in error,
withdrawn or not yet started, nor for anyone when the SMP is off. Its ServiceMetadata is signed
with the SMP key and names our AS4 endpoint and our access point's certificate."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta
from urllib.parse import quote

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.settings import Settings
from api.models.client import PaStatus
from api.peppol.smp.catalogue import AS4_TRANSPORT_PROFILE, DOCUMENT_TYPES, UBL_INVOICE
from api.peppol.smp.service import today
from api.peppol.smp.service_metadata import read_service_group, read_signed_service_metadata
from api.peppol.smp.trust import TrustAnchors
from tests.helpers import random_siren
from tests.peppol.pki import Pki
from tests.peppol.smp_peer import designated_client

SERVED = "610869075"


def group_path(participant: str) -> str:
    return "/smp/" + quote(participant, safe="")


def metadata_path(participant: str, document_type: str = UBL_INVOICE) -> str:
    return (
        f"{group_path(participant)}/services/{quote('busdox-docid-qns::' + document_type, safe='')}"
    )


async def test_a_registered_client_is_published_with_every_document_type_we_take(
    smp_client: httpx.AsyncClient, session: AsyncSession, firm_id: uuid.UUID
) -> None:
    await designated_client(session, firm_id, SERVED)

    answer = await smp_client.get(group_path(f"iso6523-actorid-upis::0225:{SERVED}"))

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/xml")
    group = read_service_group(answer.content)
    assert group.participant == f"0225:{SERVED}"
    assert len(group.references) == len(DOCUMENT_TYPES)
    for reference in group.references:  # each link leads to a signed answer of ours
        linked = await smp_client.get(reference.removeprefix("https://testserver"))
        assert linked.status_code == 200, reference


async def test_the_signed_metadata_names_our_as4_endpoint_and_access_point_certificate(
    smp_client: httpx.AsyncClient, session: AsyncSession, firm_id: uuid.UUID, pki: Pki
) -> None:
    await designated_client(session, firm_id, SERVED)

    answer = await smp_client.get(metadata_path(f"iso6523-actorid-upis::0225:{SERVED}"))

    assert answer.status_code == 200
    metadata = await read_signed_service_metadata(
        answer.content, TrustAnchors.from_pem(pki.trust_anchors_pem)
    )
    assert metadata.participant == f"0225:{SERVED}"
    assert metadata.document_type == UBL_INVOICE
    (endpoint,) = metadata.endpoints
    assert endpoint.url == "https://testserver/peppol/as4"
    assert endpoint.transport_profile == AS4_TRANSPORT_PROFILE
    assert endpoint.certificate == pki.ap_a.certificate
    assert endpoint.expiration == pki.ap_a.certificate.not_valid_after_utc
    # signed by the SMP's certificate, which travels in the signature with its CA
    for signer in (pki.smp_a.certificate, pki.smp_ca.certificate):
        der = signer.public_bytes(serialization.Encoding.DER)
        assert base64.b64encode(der) in answer.content.replace(b"\n", b"")


@pytest.mark.parametrize(
    "form",
    [
        f"0225:{SERVED}",
        f"0225:{SERVED}_61086907500016",
        f"0225:{SERVED}_61086907500016_ACHATS",
        f"0225:{SERVED}_FACTURES",
        f"ISO6523-ACTORID-UPIS::0225:{SERVED}",
    ],
)
async def test_every_0225_form_of_a_registered_siren_is_published(
    smp_client: httpx.AsyncClient, session: AsyncSession, firm_id: uuid.UUID, form: str
) -> None:
    await designated_client(session, firm_id, SERVED)

    assert (await smp_client.get(group_path(form))).status_code == 200
    assert (await smp_client.get(metadata_path(form))).status_code == 200


YESTERDAY, TOMORROW = today() - timedelta(days=1), today() + timedelta(days=1)

# the client's designation through this platform → what the SMP answers
STATES: list[tuple[str, dict[str, object], int]] = [
    ("registered", {}, 200),
    ("registered, ending tomorrow", {"date_to": TOMORROW}, 200),
    ("registered, ended yesterday", {"date_to": YESTERDAY}, 404),
    ("registered from tomorrow", {"date_from": TOMORROW}, 404),
    ("withdrawn", {"status": PaStatus.DEREGISTERED, "date_to": YESTERDAY}, 404),
    ("pending", {"status": PaStatus.PENDING}, 404),
    ("in error", {"status": PaStatus.ERROR}, 404),
    ("not registered", {"status": PaStatus.NOT_REGISTERED}, 404),
]


@pytest.mark.parametrize(("state", "designation", "expected"), STATES, ids=[s[0] for s in STATES])
@pytest.mark.parametrize("route", ["service group", "service metadata"])
async def test_only_clients_registered_through_us_today_are_published(
    smp_client: httpx.AsyncClient,
    session: AsyncSession,
    firm_id: uuid.UUID,
    state: str,
    designation: dict[str, object],
    expected: int,
    route: str,
) -> None:
    siren = random_siren()
    await designated_client(session, firm_id, siren, **designation)  # type: ignore[arg-type]
    participant = f"iso6523-actorid-upis::0225:{siren}"
    path = group_path(participant) if route == "service group" else metadata_path(participant)

    answer = await smp_client.get(path)

    assert answer.status_code == expected, state
    if expected == 404:
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "peppol-participant-not-found"


async def test_another_siren_than_the_registered_one_is_not_published(
    smp_client: httpx.AsyncClient, session: AsyncSession, firm_id: uuid.UUID
) -> None:
    await designated_client(session, firm_id, SERVED)

    answer = await smp_client.get(group_path("0225:414617811"))

    assert answer.status_code == 404


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        (group_path("0225:61086907"), 400, "peppol-participant-invalid"),
        (group_path("0225:610869076"), 400, "peppol-participant-invalid"),
        (group_path(f"0225:{SERVED}_A_B_C"), 400, "peppol-participant-invalid"),
        (group_path("0088:5798000000001"), 404, "peppol-participant-not-found"),
        (group_path(f"other-scheme::0225:{SERVED}"), 404, "peppol-participant-not-found"),
        (metadata_path(f"0225:{SERVED}", "urn:inconnu::Facture##x::1"), 404, None),
        (f"{group_path(f'0225:{SERVED}')}/services/", 404, None),
    ],
)
async def test_bad_or_foreign_identifiers_get_a_clear_problem(
    smp_client: httpx.AsyncClient,
    session: AsyncSession,
    firm_id: uuid.UUID,
    path: str,
    status: int,
    code: str | None,
) -> None:
    await designated_client(session, firm_id, SERVED)

    answer = await smp_client.get(path)

    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    if code:
        assert answer.json()["code"] == code
        assert answer.json()["detail"]


async def test_an_unknown_document_type_of_a_registered_client_is_a_404(
    smp_client: httpx.AsyncClient, session: AsyncSession, firm_id: uuid.UUID
) -> None:
    await designated_client(session, firm_id, SERVED)

    answer = await smp_client.get(metadata_path(f"0225:{SERVED}", "urn:inconnu::Facture##x::1"))

    assert answer.status_code == 404
    assert answer.json()["code"] == "peppol-document-type-not-found"


async def test_with_the_smp_off_nobody_is_published(
    client: httpx.AsyncClient, session: AsyncSession, firm_id: uuid.UUID
) -> None:
    await designated_client(session, firm_id, SERVED)

    assert (await client.get(group_path(f"0225:{SERVED}"))).status_code == 404
    assert (await client.get(metadata_path(f"0225:{SERVED}"))).status_code == 404


async def test_the_smp_answers_the_same_to_anyone_signed_in_or_not(
    smp_client: httpx.AsyncClient, session: AsyncSession, firm_id: uuid.UUID
) -> None:
    """Public by design (any access point looks up any participant): a session or a key
    changes nothing, and no route of ours other than these two is reachable under /smp."""
    await designated_client(session, firm_id, SERVED)
    path = metadata_path(f"0225:{SERVED}")

    anonymous = await smp_client.get(path)
    with_bearer = await smp_client.get(path, headers={"Authorization": "Bearer nimporte-quoi"})

    assert anonymous.status_code == with_bearer.status_code == 200
    assert (await smp_client.post(path)).status_code in (404, 405)
    assert (await smp_client.delete(group_path(f"0225:{SERVED}"))).status_code in (404, 405)


def test_the_smp_cannot_be_switched_on_without_its_keys(settings: Settings) -> None:
    with pytest.raises(ValueError, match="peppol_smp_certificate_file"):
        Settings(**(settings.model_dump() | {"peppol_smp_enabled": True}))
