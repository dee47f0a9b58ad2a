"""« Factures reçues » / « Factures émises »: the clients' invoices with their lifecycle status,
the timeline of each, and the actions of the buyer's and the seller's side (docs/flows.md,
« Cycle de vie »). Who reads a client's documents reads its invoices; who may write them acts
(the company's users, the firm's Comptables on their assigned clients, the owner); everyone
else gets 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from api.auth.dependencies import acting, require
from api.core.actor import Actor
from api.core.authz import Permission, Principal
from api.core.db import DbSession, ReadOnly
from api.core.errors import problem_responses
from api.core.pagination import PageParams
from api.core.state import request_state
from api.flows.router import Storage
from api.lifecycle import schemas, service

router = APIRouter(prefix="/invoices", tags=["invoices"])

InvoicesRead = Annotated[Principal, Depends(require(Permission.DOCUMENTS_READ))]
InvoicesAct = Annotated[Actor, Depends(acting(Permission.DOCUMENTS_WRITE))]


@router.get(
    "",
    response_model=schemas.InvoicePage,
    responses=problem_responses(401, 404, 422),
    dependencies=[ReadOnly],
)
async def list_invoices(
    session: DbSession,
    principal: InvoicesRead,
    params: Annotated[schemas.InvoiceListParams, Query()],
) -> schemas.InvoicePage:
    """The invoices received (or issued) by the clients whose documents you see, newest first,
    with their lifecycle status and what you may do now."""
    return await service.list_invoices(session, principal, params)


@router.get(
    "/catalogue",
    response_model=schemas.InvoiceCatalogue,
    responses=problem_responses(401, 404),
)
async def invoice_catalogue(_principal: InvoicesRead) -> schemas.InvoiceCatalogue:
    """Every lifecycle status (code, French label, who emits it) and every action with its
    reason codes."""
    return service.catalogue()


@router.post(
    "/actions",
    response_model=schemas.InvoiceBulkOutcome,
    responses=problem_responses(401, 404, 422),
)
async def act_on_invoices(
    request: Request,
    session: DbSession,
    storage: Storage,
    actor: InvoicesAct,
    body: schemas.InvoiceBulkActionRequest,
) -> schemas.InvoiceBulkOutcome:
    """One action on many invoices: one result each (`ok`, the new status, or the problem)."""
    settings = request_state(request).settings
    return await service.act_in_bulk(session, storage, settings, actor, body)


@router.get(
    "/{invoice_id}",
    response_model=schemas.InvoiceDetail,
    responses=problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def get_invoice(
    invoice_id: uuid.UUID, session: DbSession, principal: InvoicesRead
) -> schemas.InvoiceDetail:
    """An invoice with its status timeline and what you may do now."""
    return await service.invoice_detail(session, principal, invoice_id)


@router.get(
    "/{invoice_id}/timeline",
    response_model=schemas.InvoiceTimelinePage,
    responses=problem_responses(401, 404, 422),
    dependencies=[ReadOnly],
)
async def get_invoice_timeline(
    invoice_id: uuid.UUID,
    session: DbSession,
    principal: InvoicesRead,
    params: Annotated[PageParams, Query()],
) -> schemas.InvoiceTimelinePage:
    """The invoice's lifecycle statuses, oldest first: who, when, why, the message."""
    return await service.timeline(session, principal, invoice_id, params)


@router.post(
    "/{invoice_id}/actions",
    response_model=schemas.InvoiceDetail,
    responses=problem_responses(401, 404, 409, 422),
)
async def act_on_invoice(
    invoice_id: uuid.UUID,
    request: Request,
    session: DbSession,
    storage: Storage,
    actor: InvoicesAct,
    body: schemas.InvoiceActionRequest,
) -> schemas.InvoiceDetail:
    """Take charge, approve, dispute, refuse… (the buyer's side), mark cashed, complete, cancel
    (the seller's): the status is recorded, its message sent. 409 when the invoice's status
    does not allow it; the same action twice is one status."""
    settings = request_state(request).settings
    return await service.act(session, storage, settings, actor, invoice_id, body)
