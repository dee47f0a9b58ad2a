"""HTTP routes of the "Facturation électronique" service (Gestionnaire de clients and owner;
a Comptable gets 404 on every one of them)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from api.clients.http import PDF_RESPONSE, EinvoicingManage, pdf_response
from api.companies.dependencies import CompanyRegistryDep
from api.core.db import DbSession, ReadOnly
from api.core.errors import problem_responses
from api.core.pagination import DEFAULT_PAGE_SIZE, PageCursor, PageLimit
from api.core.settings import app_settings
from api.einvoicing import service
from api.einvoicing.schemas import (
    ActivationIn,
    BulkActivationIn,
    BulkActivationOut,
    BulkError,
    BulkJobOut,
    BulkProgress,
    CertificationOut,
    DeregistrationIn,
    DesignationOut,
    EinvoicingState,
    HistoryEntry,
    HistoryPage,
    MandateReadinessOut,
)
from api.models.client import Client, PaStatus
from api.models.pa_designation import EinvoicingBulkJob, PaDesignation

router = APIRouter(tags=["einvoicing"])


def _state(client: Client, designation: PaDesignation | None) -> EinvoicingState:
    return EinvoicingState(
        client_id=client.id,
        pa_status=client.pa_status,
        designation=DesignationOut.model_validate(designation) if designation else None,
    )


@router.get(
    "/einvoicing/certification",
    response_model=CertificationOut,
    responses=problem_responses(401, 404),
)
async def get_certification(_actor: EinvoicingManage) -> CertificationOut:
    """The certification sentence to show before activation, and its version."""
    certification = service.current_certification()
    return CertificationOut(version=certification.version, text=certification.text)


@router.get(
    "/einvoicing/mandate-template.pdf",
    response_class=Response,
    responses=PDF_RESPONSE | problem_responses(401, 404),
)
async def blank_mandate_template(request: Request, _actor: EinvoicingManage) -> Response:
    """The blank mandate template (PDF, French), to fill by hand."""
    return pdf_response(service.blank_mandate_template(app_settings(request)), "mandat-vierge.pdf")


@router.get(
    "/einvoicing/mandate-readiness",
    response_model=MandateReadinessOut,
    responses=problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def mandate_readiness(
    request: Request, session: DbSession, actor: EinvoicingManage
) -> MandateReadinessOut:
    """What the firm's prefilled mandates would print blank, so the screen warns first."""
    missing = await service.mandate_readiness(session, app_settings(request), actor.principal)
    return MandateReadinessOut(missing=missing)


@router.get(
    "/clients/{client_id}/mandate-template.pdf",
    response_class=Response,
    responses=PDF_RESPONSE | problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def client_mandate_template(
    client_id: uuid.UUID, request: Request, session: DbSession, actor: EinvoicingManage
) -> Response:
    """The client's mandate template, prefilled (PDF, French, signature blocks)."""
    content = await service.mandate_template(
        session, app_settings(request), actor.principal, client_id
    )
    return pdf_response(content, f"mandat-{client_id}.pdf")


@router.get(
    "/clients/{client_id}/einvoicing",
    response_model=EinvoicingState,
    responses=problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def get_einvoicing(
    client_id: uuid.UUID, session: DbSession, actor: EinvoicingManage
) -> EinvoicingState:
    """The client's PA designation status and its latest designation."""
    client, designation = await service.state_of(session, actor.principal, client_id)
    return _state(client, designation)


@router.post(
    "/clients/{client_id}/einvoicing/activation",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=EinvoicingState,
    responses=problem_responses(401, 404, 409, 422),
)
async def activate(
    client_id: uuid.UUID,
    body: ActivationIn,
    session: DbSession,
    actor: EinvoicingManage,
    registry: CompanyRegistryDep,
) -> EinvoicingState:
    """Activate e-invoicing: certify the signed mandate; the directory registration follows."""
    client, designation = await service.activate(session, registry, actor, client_id, body)
    return _state(client, designation)


@router.post(
    "/clients/{client_id}/einvoicing/deregistration",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=EinvoicingState,
    responses=problem_responses(401, 404, 409, 422),
)
async def deregister(
    client_id: uuid.UUID,
    body: DeregistrationIn,
    session: DbSession,
    actor: EinvoicingManage,
) -> EinvoicingState:
    """End the client's directory registration on `date_to` (today by default)."""
    client, designation = await service.deregister(session, actor, client_id, body.date_to)
    return _state(client, designation)


@router.get(
    "/clients/{client_id}/einvoicing/history",
    response_model=HistoryPage,
    responses=problem_responses(401, 404, 422),
    dependencies=[ReadOnly],
)
async def einvoicing_history(
    client_id: uuid.UUID,
    session: DbSession,
    actor: EinvoicingManage,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
) -> HistoryPage:
    """The client's e-invoicing history (every state change), newest first."""
    rows, next_cursor = await service.history(
        session, actor.principal, client_id, cursor=cursor, limit=limit
    )
    items = [
        HistoryEntry(
            occurred_at=event.occurred_at,
            action=event.action,
            actor_kind=event.actor_kind,
            actor_user_id=event.actor_user_id,
            actor_name=f"{user.first_name} {user.last_name}".strip() if user else None,
            data=event.data,
        )
        for event, user in rows
    ]
    return HistoryPage(items=items, next_cursor=next_cursor)


def _job(
    job: EinvoicingBulkJob, progress: dict[str, int], errors: list[PaDesignation]
) -> BulkJobOut:
    counts = BulkProgress(
        pending=progress.get(PaStatus.PENDING.value, 0),
        registered=progress.get(PaStatus.REGISTERED.value, 0),
        error=progress.get(PaStatus.ERROR.value, 0),
        deregistered=progress.get(PaStatus.DEREGISTERED.value, 0),
    )
    return BulkJobOut(
        id=job.id,
        created_at=job.created_at,
        requested=job.requested,
        refused=job.refused,
        progress=counts,
        done=counts.pending == 0,
        errors=[
            BulkError(
                client_id=designation.client_id,
                siren=designation.siren,
                error_code=designation.error_code,
                error_detail=designation.error_detail,
            )
            for designation in errors
        ],
    )


@router.post(
    "/einvoicing/bulk-activations",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=BulkActivationOut,
    responses=problem_responses(401, 404, 422),
)
async def bulk_activate(
    body: BulkActivationIn,
    session: DbSession,
    actor: EinvoicingManage,
    registry: CompanyRegistryDep,
) -> BulkActivationOut:
    """Activate many clients (ids or the list's filter); one result per client."""
    job, results = await service.activate_many(session, registry, actor, body)
    activated = sum(1 for result in results if result.ok)
    progress = {PaStatus.PENDING.value: activated}
    return BulkActivationOut(job=_job(job, progress, []), results=results)


@router.get(
    "/einvoicing/bulk-activations/{job_id}",
    response_model=BulkJobOut,
    responses=problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def get_bulk_activation(
    job_id: uuid.UUID, session: DbSession, actor: EinvoicingManage
) -> BulkJobOut:
    """A bulk activation's progress: counts by status while the worker registers."""
    job, progress, errors = await service.bulk_job(session, actor.principal, job_id)
    return _job(job, progress, list(errors))
