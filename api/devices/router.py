from __future__ import annotations

from fastapi import APIRouter, Request, status

from api.core.db import DbSession
from api.core.errors import problem_responses
from api.core.qr import png_data_uri, svg_data_uri
from api.core.request_context import Origin
from api.core.settings import Settings
from api.core.state import request_state
from api.devices import service
from api.devices.schemas import DeviceEnroll, DeviceOut, EnrollmentInspect, EnrollmentPreviewOut
from api.enrollments import service as enrollments
from api.enrollments.dependencies import Acceptances

router = APIRouter(prefix="/devices", tags=["devices"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=DeviceOut,
    responses=problem_responses(404, 409, 410, 422),
)
async def enroll_device(
    body: DeviceEnroll, session: DbSession, origin: Origin, acceptance: Acceptances
) -> DeviceOut:
    """Enroll a device's public key with a single-use enrollment token."""
    device = await service.enroll(
        session,
        origin,
        acceptance,
        token=body.enrollment_token,
        public_key=body.public_key.as_dict(),
        name=body.name,
        platform=body.platform,
    )
    return DeviceOut.model_validate(device)


@router.post(
    "/enrollments/inspect",
    response_model=EnrollmentPreviewOut,
    responses=problem_responses(404),
)
async def inspect_enrollment(
    body: EnrollmentInspect, request: Request, session: DbSession
) -> EnrollmentPreviewOut:
    """What an enrollment link is for (who, which workspace, still valid?) and its QR code."""
    settings: Settings = request_state(request).settings
    preview = await enrollments.inspect(session, body.enrollment_token)
    url = enrollments.enrollment_url(settings, enrollments.token_from_link(body.enrollment_token))
    return EnrollmentPreviewOut(
        status=preview.status,
        purpose=preview.token.purpose.value,
        first_name=preview.user.first_name,
        last_name=preview.user.last_name,
        email=preview.user.email,
        workspace_name=preview.workspace.name if preview.workspace else None,
        expires_at=preview.token.expires_at,
        enrollment_url=url,
        qr_svg=svg_data_uri(url),
        qr_png=png_data_uri(url),
    )
