from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from api.auth.dependencies import AuthenticatedActor
from api.companies.dependencies import CompanyRegistryDep
from api.core.db import DbSession
from api.core.errors import AppError, problem_responses
from api.core.qr import png_data_uri, svg_data_uri
from api.core.request_context import Origin
from api.core.settings import app_settings
from api.registration import service
from api.registration.dependencies import (
    BlobStorageDep,
    IdentityProviderDep,
    IdentityVerifierDep,
)
from api.registration.schemas import (
    DocumentSummary,
    EnrollmentQr,
    IdentityDocumentIn,
    IdentityVerifiedOut,
    RegisteredFirm,
    RegistrationOut,
    RegistrationSecretIn,
    SirenIn,
)

router = APIRouter(prefix="/registration", tags=["registration"])


def _registration_out(view: service.RegistrationView) -> RegistrationOut:
    registration = view.registration
    enrollment = None
    if view.enrollment is not None:
        enrollment = EnrollmentQr(
            url=view.enrollment.url,
            qr_svg=svg_data_uri(view.enrollment.url),
            qr_png=png_data_uri(view.enrollment.url),
            expires_at=view.enrollment.expires_at,
        )
    return RegistrationOut(
        status=view.status,
        next_step=view.next_step,
        given_name=registration.given_name,
        family_name=registration.family_name,
        email=registration.email,
        siren=registration.siren,
        siren_from_sso=registration.siren_from_sso,
        firm_name=registration.firm_name,
        address_line=registration.address_line,
        postal_code=registration.postal_code,
        city=registration.city,
        device_enrolled=view.device_enrolled,
        enrollment=enrollment,
        firm_id=registration.firm_id,
        expires_at=registration.expires_at,
    )


@router.get(
    "/sso/start",
    response_class=RedirectResponse,
    status_code=status.HTTP_302_FOUND,
    responses=problem_responses(403, 429, 502, 503),
)
async def start_sso(
    request: Request, session: DbSession, origin: Origin, provider: IdentityProviderDep
) -> RedirectResponse:
    """Start firm registration: redirect the browser to the profession's SSO."""
    url = await service.start_sso(session, app_settings(request), provider, origin)
    return RedirectResponse(url, status_code=status.HTTP_302_FOUND)


class BrowserFacingRoute(APIRoute):
    """A route a person's browser lands on (the SSO sends it back here): a refusal takes a
    browser to the registration page, which says what happened in French, rather than to a
    JSON document. Other callers (`Accept` without `text/html`) keep the problem document.
    The unit of work has ended (committed or rolled back) before the redirect is built."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except AppError as error:
                if "text/html" not in request.headers.get("accept", ""):
                    raise
                query = urlencode({"erreur": error.title, "detail": error.detail or ""})
                page = f"{app_settings(request).token_audience}{service.SPA_REGISTRATION_PATH}"
                return RedirectResponse(f"{page}?{query}", status_code=status.HTTP_303_SEE_OTHER)

        return answer


# The SSO callback alone answers refusals to browsers with a redirect.
browser_router = APIRouter(route_class=BrowserFacingRoute)


@browser_router.get(
    "/sso/callback",
    response_class=RedirectResponse,
    status_code=status.HTTP_302_FOUND,
    responses=problem_responses(400, 401, 403, 409, 422, 502, 503)
    | {303: {"description": "Refused, for a browser: the registration page with `erreur`."}},
)
async def sso_callback(
    request: Request,
    session: DbSession,
    origin: Origin,
    provider: IdentityProviderDep,
    registry: CompanyRegistryDep,
) -> RedirectResponse:
    """Where the SSO sends the browser back (`code`, `state`, `iss` or `error`): opens the
    registration and redirects to its page, `/inscription#<registration secret>`."""
    callback = dict(request.query_params.items())
    url = await service.finish_sso(
        session, app_settings(request), provider, registry, origin, callback
    )
    return RedirectResponse(url, status_code=status.HTTP_302_FOUND)


router.include_router(browser_router)


@router.post(
    "/identity",
    status_code=status.HTTP_201_CREATED,
    response_model=IdentityVerifiedOut,
    responses=problem_responses(401, 404, 409, 410, 422, 429),
)
async def verify_identity(
    body: IdentityDocumentIn,
    request: Request,
    session: DbSession,
    actor: AuthenticatedActor,
    verifier: IdentityVerifierDep,
    blobs: BlobStorageDep,
) -> IdentityVerifiedOut:
    """Prove the owner's identity from the enrolled app (MRZ of an ID card or passport);
    on success the firm is created with its owner active."""
    verified = await service.verify_identity(
        session,
        app_settings(request),
        verifier,
        blobs,
        actor,
        mrz_lines=body.mrz_lines,
        document_image=body.document_image,
    )
    fields = verified.result.fields
    assert fields is not None
    firm = verified.firm
    assert firm.siren is not None
    return IdentityVerifiedOut(
        status="verified",
        message=verified.result.message,
        verification_id=verified.verification.id,
        document=DocumentSummary(
            document_format=fields.document_format.value,
            document_code=fields.document_code,
            issuing_state=fields.issuing_state,
            nationality=fields.nationality,
            surname=fields.surname,
            given_names=list(fields.given_names),
            expiry_date=fields.expiry_date,
        ),
        firm=RegisteredFirm(
            id=firm.id,
            name=firm.name,
            siren=firm.siren,
            siret=firm.siret,
            vat_number=firm.vat_number,
            address_line=firm.address_line,
            postal_code=firm.postal_code,
            city=firm.city,
        ),
        next_step="open_device_session",
    )


@router.post("/lookup", response_model=RegistrationOut, responses=problem_responses(404, 422))
async def get_registration(
    body: RegistrationSecretIn, request: Request, session: DbSession
) -> RegistrationOut:
    """Where a registration stands: names, SIREN, the enrollment QR and the next step. The
    secret travels in the body, never in a URL that access logs and proxies would keep."""
    return _registration_out(await service.view(session, app_settings(request), body.secret))


@router.put(
    "/siren",
    response_model=RegistrationOut,
    responses=problem_responses(404, 409, 410, 422, 503),
)
async def set_siren(
    body: SirenIn,
    request: Request,
    session: DbSession,
    origin: Origin,
    registry: CompanyRegistryDep,
) -> RegistrationOut:
    """Give the firm's SIREN when the SSO did not provide it."""
    view = await service.set_siren(
        session, app_settings(request), registry, origin, body.secret, body.siren
    )
    return _registration_out(view)
