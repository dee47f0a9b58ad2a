"""`POST /peppol/as4`: the AS4 endpoint of our Peppol access point (api.peppol.service). Its
body is an AS4 MIME message, its answer a signed ebMS signal (not JSON): it is not in the
JSON API's contract. Problems (RFC 9457) only for what is not an AS4 exchange: Peppol off
here (404), a body over the size cap (413)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from api.adapters.directory import build_directory
from api.core.db import DbSession
from api.core.errors import AppError, NotFound
from api.core.state import request_state
from api.flows.router import Storage
from api.peppol.certificates import PeppolConfigurationError, access_point
from api.peppol.service import Inbound
from api.peppol.smp.lookup import SmpLookup

logger = logging.getLogger("comptoir.peppol")

AS4_PATH = "/peppol/as4"
router = APIRouter(tags=["peppol"])


class PeppolOff(NotFound):
    code = "peppol-off"
    title = "Point d'accès Peppol inactif"
    default_detail = "Cette plateforme ne reçoit pas de messages Peppol."


class PeppolMisconfigured(AppError):
    status = 503
    code = "peppol-misconfigured"
    title = "Point d'accès Peppol indisponible"
    default_detail = "La configuration Peppol de cette plateforme est incomplète."


class MessageTooLarge(AppError):
    status = 413
    code = "peppol-message-too-large"
    title = "Message trop volumineux"


def get_inbound(request: Request) -> Inbound:
    state = request_state(request)
    settings = state.settings
    if not settings.peppol_access_point:
        raise PeppolOff()

    def build() -> Inbound:
        lookup = SmpLookup.from_settings(settings) if settings.peppol_verify_sender else None
        if lookup is not None:
            state.close_at_shutdown(lookup)
        return Inbound(
            settings,
            access_point(settings),
            build_directory(settings, state.db.side_reader_sessions),
            lookup.find_endpoint if lookup is not None else None,
        )

    try:
        return state.once(Inbound, build)
    except PeppolConfigurationError as error:
        logger.error("Peppol access point not configured: %s", error)
        raise PeppolMisconfigured(headers={"Retry-After": "300"}) from None


InboundDep = Annotated[Inbound, Depends(get_inbound)]


async def _capped_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise MessageTooLarge(f"Un message Peppol ne dépasse pas {limit // (1024 * 1024)} Mo.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise MessageTooLarge(f"Un message Peppol ne dépasse pas {limit // (1024 * 1024)} Mo.")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(AS4_PATH, include_in_schema=False)
async def receive_as4(
    request: Request, inbound: InboundDep, session: DbSession, storage: Storage
) -> Response:
    """Receive one AS4 user message; answer its signed receipt or ebMS error."""
    # The encrypted, base64-free MIME part is about the document's size, plus the headers.
    limit = 2 * request_state(request).settings.flow_max_bytes + 64 * 1024
    body = await _capped_body(request, limit)
    signal = await inbound.receive(session, storage, request.headers.get("content-type", ""), body)
    return Response(content=signal.body, media_type=signal.media_type, status_code=200)
