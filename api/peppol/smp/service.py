"""Our own SMP: the participants this platform receives for, published at the Peppol SMP 1.x
REST paths (docs/peppol-smp.md).

A participant is ours when its SIREN is registered in the directory through this platform
today (a registered designation in effect, `api/einvoicing`). Designations are made at the
SIREN level, so every 0225 form of that SIREN (SIRET, routing code, suffix) is published too.
Anything else — not registered, withdrawn, another platform's, another ICD — is a 404, the
answer an SMP gives for a participant it does not hold.

Each ServiceMetadata names our AS4 endpoint and our access point's certificate and is signed
with the SMP's own key (settings `peppol_smp_*`), read from its files once per process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.errors import AppError, NotFound
from api.core.models import utcnow
from api.core.settings import Settings
from api.peppol.identifiers import ForeignParticipant, FrenchParticipant, InvalidParticipant
from api.peppol.smp import repository
from api.peppol.smp.catalogue import (
    AS4_TRANSPORT_PROFILE,
    BILLING_PROCESS,
    DOCUMENT_SCHEME,
    DOCUMENT_TYPES,
    served_document_type,
)
from api.peppol.smp.service_metadata import (
    Endpoint,
    ServiceMetadata,
    service_group_xml,
    signed_service_metadata_xml,
)

AS4_PATH = "/peppol/as4"
SMP_PATH = "/smp"
# Answers may be reused for five minutes: a withdrawn client stops being published that soon.
CACHE_CONTROL = "public, max-age=300"


def today() -> date:
    return utcnow().date()


class ParticipantNotServed(NotFound):
    code = "peppol-participant-not-found"
    title = "Participant Peppol inconnu de cette plateforme"


class DocumentTypeNotServed(NotFound):
    code = "peppol-document-type-not-found"
    title = "Type de document non reçu par ce participant"


class InvalidParticipantIdentifier(AppError):
    status = 400
    code = "peppol-participant-invalid"
    title = "Identifiant de participant Peppol invalide"


@dataclass(frozen=True, slots=True)
class Publisher:
    """What signs and what is published: the SMP's key and certificates, our access point."""

    key: RSAPrivateKey
    certificates: tuple[x509.Certificate, ...]
    access_point: x509.Certificate
    endpoint_url: str
    smp_url: str
    technical_contact: str
    description: str


@functools.lru_cache(maxsize=4)
def _read_keys(
    certificate_file: Path, key_file: Path, access_point_file: Path
) -> tuple[RSAPrivateKey, tuple[x509.Certificate, ...], x509.Certificate]:
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    if not isinstance(key, RSAPrivateKey):
        raise ValueError("la clé de l'SMP doit être une clé RSA (profil Peppol)")
    certificates = tuple(x509.load_pem_x509_certificates(certificate_file.read_bytes()))
    access_point = x509.load_pem_x509_certificates(access_point_file.read_bytes())[0]
    return key, certificates, access_point


def publisher(settings: Settings) -> Publisher:
    """The publisher of this platform's SMP; `ParticipantNotServed` when the SMP is off."""
    if not settings.peppol_smp_enabled:
        raise ParticipantNotServed("Cette plateforme ne publie pas de SMP.")
    files = (
        settings.peppol_smp_certificate_file,
        settings.peppol_smp_key_file,
        settings.peppol_certificate_file,
    )
    certificate_file, key_file, access_point_file = files
    # The settings validator refuses to start with the SMP on and a file missing.
    if certificate_file is None or key_file is None or access_point_file is None:
        raise ParticipantNotServed("Le SMP de cette plateforme n'est pas configuré.")
    key, certificates, access_point = _read_keys(certificate_file, key_file, access_point_file)
    public = settings.public_url.rstrip("/")
    return Publisher(
        key=key,
        certificates=certificates,
        access_point=access_point,
        endpoint_url=settings.peppol_smp_endpoint_url or public + AS4_PATH,
        smp_url=(settings.peppol_smp_public_url or public + SMP_PATH).rstrip("/"),
        technical_contact=f"mailto:{settings.support_email}",
        description=f"{settings.platform_name} — plateforme agréée",
    )


def _participant(text: str) -> FrenchParticipant:
    """The participant named in the path; 404 for another ICD or scheme (a valid Peppol
    identifier, just not one we could hold), 400 for a malformed French one."""
    try:
        return FrenchParticipant.parse(text)
    except ForeignParticipant as error:
        raise ParticipantNotServed(
            f"« {text} » n'est pas un participant de cette plateforme ({error})."
        ) from None
    except InvalidParticipant as error:
        raise InvalidParticipantIdentifier(str(error)) from None


async def _ours(session: AsyncSession, text: str, today: date) -> FrenchParticipant:
    participant = _participant(text)
    if not await repository.registered_on(session, participant.siren, today):
        raise ParticipantNotServed(
            f"{participant.identifier} ne reçoit pas ses factures par cette plateforme."
        )
    return participant


def metadata_url(smp_url: str, participant: FrenchParticipant, document_type: str) -> str:
    document = quote(f"{DOCUMENT_SCHEME}::{document_type}", safe="")
    return f"{smp_url}/{quote(participant.uri, safe='')}/services/{document}"


async def service_group(
    session: AsyncSession, settings: Settings, participant_text: str, today: date
) -> bytes:
    """The ServiceGroup of one of our participants: a reference per document type we take."""
    published = publisher(settings)
    participant = await _ours(session, participant_text, today)
    references = [metadata_url(published.smp_url, participant, d) for d in DOCUMENT_TYPES]
    return service_group_xml(participant.identifier, references)


async def signed_service_metadata(
    session: AsyncSession,
    settings: Settings,
    participant_text: str,
    document_type_text: str,
    today: date,
) -> bytes:
    """The signed ServiceMetadata of one of our participants for one document type we take."""
    published = publisher(settings)
    participant = await _ours(session, participant_text, today)
    document_type = served_document_type(document_type_text)
    if document_type is None:
        raise DocumentTypeNotServed(
            f"Cette plateforme ne reçoit pas le type de document « {document_type_text} »."
        )
    endpoint = Endpoint(
        process=BILLING_PROCESS,
        transport_profile=AS4_TRANSPORT_PROFILE,
        url=published.endpoint_url,
        certificate=published.access_point,
        expiration=published.access_point.not_valid_after_utc,
        description=published.description,
        technical_contact=published.technical_contact,
    )
    metadata = ServiceMetadata(
        participant=participant.identifier, document_type=document_type, endpoints=(endpoint,)
    )
    return signed_service_metadata_xml(metadata, published.key, published.certificates)
