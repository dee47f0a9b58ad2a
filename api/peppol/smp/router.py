"""Our SMP at the Peppol SMP 1.x REST paths, under /smp (docs/peppol-smp.md). Public by
design (any access point may look up any participant), read-only, XML; errors are RFC 9457
problems. Not in our OpenAPI contract: the protocol is Peppol's, not Comptoir's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.core.db import DbSession, ReadOnly
from api.core.input import MachineText
from api.core.settings import AppSettings
from api.peppol.smp import service
from api.peppol.smp.service import CACHE_CONTROL, SMP_PATH

router = APIRouter(prefix=SMP_PATH, include_in_schema=False)
XML = "text/xml"
# Identifiers, not prose: no control character; lengths bound what a lookup may ask about.
Participant = Annotated[MachineText, Path(max_length=300)]
DocumentType = Annotated[MachineText, Path(max_length=500)]


@router.get("/{participant}", dependencies=[ReadOnly])
async def service_group(
    participant: Participant, session: DbSession, settings: AppSettings
) -> Response:
    """The participant's ServiceGroup."""
    content = await service.service_group(session, settings, participant, service.today())
    return Response(content, media_type=XML, headers={"Cache-Control": CACHE_CONTROL})


@router.get("/{participant}/services/{document_type}", dependencies=[ReadOnly])
async def signed_service_metadata(
    participant: Participant,
    document_type: DocumentType,
    session: DbSession,
    settings: AppSettings,
) -> Response:
    """The participant's signed ServiceMetadata for one document type."""
    content = await service.signed_service_metadata(
        session, settings, participant, document_type, service.today()
    )
    return Response(content, media_type=XML, headers={"Cache-Control": CACHE_CONTROL})
