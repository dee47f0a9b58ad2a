"""AFNOR XP Z12-013 annex A, Flow Service 1.3.0, at /afnor-flow/v1 (docs/flows.md).

Paths, operation ids, parameters, bodies and errors are the annex's (tests/flows/test_contract.py
compares them); its OpenAPI document is served at /afnor-flow/v1/openapi.json."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.datastructures import UploadFile

from api.adapters.blob_storage import BlobStorage, create_blob_storage
from api.auth.dependencies import require
from api.core.authz import Permission, Principal
from api.core.db import DbSession, ReadOnly
from api.core.errors import problem_responses
from api.core.input import MachineText
from api.core.pagination import DEFAULT_PAGE_SIZE, PageCursor, PageLimit
from api.core.responses import PlainJSONResponse, model_response
from api.core.standard_api import FLOW_SERVICE_PREFIX, served_openapi
from api.core.state import request_state
from api.flows import schemas, service
from api.flows.readable import readable_html
from api.flows.service import FileSizeExceeded, InvalidFlowRequest
from api.oauth2.dependencies import Acting, acting_for

router = APIRouter(prefix=FLOW_SERVICE_PREFIX + "/v1")

FlowsRead = Annotated[Acting, Depends(acting_for(Permission.FLOWS_READ))]
FlowsWrite = Annotated[Acting, Depends(acting_for(Permission.FLOWS_WRITE))]
RequestId = Annotated[
    MachineText | None,
    Header(
        alias="Request-Id",
        description="Header parameter used to correlate logs from several components",
        json_schema_extra={"format": "uuid"},
    ),
]
OrganizationId = Annotated[
    MachineText | None,
    Header(
        alias="Organization-Id",
        description="The organization that is aimed in a multi tenancy context",
    ),
]

ANNEX = FilePath(__file__).resolve().parent / "annex" / "flow-service-1.3.0.json"


def _annex_request_body(name: str) -> dict[str, Any]:
    annex = json.loads(ANNEX.read_text(encoding="utf-8"))
    body: dict[str, Any] = copy.deepcopy(annex["components"]["requestBodies"][name])
    return body


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": schemas.Error, "description": f"Error {code}"} for code in statuses}


def get_flow_storage(request: Request) -> BlobStorage:
    """The blob store of flows (the documents' store), built once per app."""
    state = request_state(request)

    def build() -> BlobStorage:
        storage = create_blob_storage(state.settings)
        state.close_at_shutdown(storage)
        return storage

    # Its own store, apart from the one registration keeps under `BlobStorage`.
    return state.once("flow_storage", build)


Storage = Annotated[BlobStorage, Depends(get_flow_storage)]


async def _deposit_parts(request: Request) -> tuple[str | None, bytes]:
    settings = request_state(request).settings
    declared = request.headers.get("content-length")
    # A multipart body carries a few hundred bytes besides the file.
    if declared and declared.isdigit() and int(declared) > settings.flow_max_bytes + 65536:
        raise FileSizeExceeded(
            f"La taille maximale d'un flux est de {settings.flow_max_bytes // (1024 * 1024)} Mo."
        )
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidFlowRequest("Corps multipart/form-data attendu (parties file et flowInfo).")
    form = await request.form(max_files=2, max_fields=5)
    info = form.get("flowInfo")
    if isinstance(info, UploadFile):
        # Clients generated from the annex send flowInfo as a part of type application/json.
        info_text: str | None = (await info.read(65536)).decode("utf-8", errors="replace")
    else:
        info_text = info
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise InvalidFlowRequest("La partie « file » (le fichier du flux) est obligatoire.")
    if file.size is not None and file.size > settings.flow_max_bytes:
        raise FileSizeExceeded(
            f"La taille maximale d'un flux est de {settings.flow_max_bytes // (1024 * 1024)} Mo."
        )
    content = await file.read(settings.flow_max_bytes + 1)
    if len(content) > settings.flow_max_bytes:
        raise FileSizeExceeded(
            f"La taille maximale d'un flux est de {settings.flow_max_bytes // (1024 * 1024)} Mo."
        )
    return info_text, content


@router.post(
    "/flows",
    operation_id="createFlow",
    tags=["Flow"],
    status_code=status.HTTP_202_ACCEPTED,
    response_model=schemas.FullFlowInfo,
    response_model_exclude_none=True,
    responses=_errors(400, 401, 403, 413, 422, 429, 500, 503),
    openapi_extra={"requestBody": _annex_request_body("FlowPostRequest")},
)
async def create_flow(
    request: Request,
    session: DbSession,
    storage: Storage,
    acting: FlowsWrite,
    request_id: RequestId = None,
    organization_id: OrganizationId = None,
) -> schemas.FullFlowInfo:
    """Submit a new flow"""
    info_text, content = await _deposit_parts(request)
    info = service.parse_flow_info(info_text)
    deposited = await service.deposit(
        session,
        storage,
        request_state(request).settings,
        acting.caller,
        acting.organization,
        info,
        content,
    )
    return model_response(  # type: ignore[return-value]
        service.as_full_info(deposited.flow), status.HTTP_202_ACCEPTED, exclude_none=True
    )


@router.post(
    "/flows/search",
    operation_id="searchFlows",
    dependencies=[ReadOnly],
    tags=["Flow"],
    response_model=schemas.SearchFlowContent,
    response_model_exclude_none=True,
    responses=_errors(400, 401, 403, 429, 500, 503),
)
async def search_flows(
    params: schemas.SearchFlowParams,
    session: DbSession,
    acting: FlowsRead,
    request_id: RequestId = None,
    organization_id: OrganizationId = None,
) -> schemas.SearchFlowContent:
    """Select flows upon criteria"""
    found = await service.search(session, acting.organization, params)
    # Plain data serialised once by orjson (returning the model would dump, validate and dump
    # it again); the contract still reads `response_model`.
    return PlainJSONResponse(found)  # type: ignore[return-value]


@router.get(
    "/flows/{flowId}",
    operation_id="getFlow",
    dependencies=[ReadOnly],
    tags=["Flow"],
    response_model=None,
    responses={
        200: {
            "description": "OK - Response message once the flow has been downloaded.",
            "content": {
                "application/octet-stream": {},
                "application/json": {"schema": {"$ref": "#/components/schemas/Flow"}},
            },
        },
        **_errors(400, 401, 403, 404, 429, 500, 503),
    },
)
async def get_flow(
    flowId: Annotated[MachineText, Path(max_length=64, description="Flow identifier")],
    session: DbSession,
    storage: Storage,
    acting: FlowsRead,
    docType: Annotated[
        schemas.DocType, Query(description="The type of file to be downloaded")
    ] = schemas.DocType.METADATA,
    request_id: RequestId = None,
    organization_id: OrganizationId = None,
) -> Response:
    """Download the file of a flow"""
    flow = await service.get_flow(session, acting.organization, flowId)
    if docType == schemas.DocType.METADATA:
        return JSONResponse(service.as_annex(flow).model_dump(mode="json", exclude_none=True))
    found = service.file_of(flow, docType)
    if found is None:
        stem = flow.name.rsplit(".", 1)[0]
        return Response(
            readable_html(flow),
            media_type="application/octet-stream",
            headers={"Content-Disposition": f'attachment;filename="{stem}.html"'},
        )

    async def chunks() -> AsyncIterator[bytes]:
        async for chunk in storage.read(found.blob_key):
            yield chunk

    return StreamingResponse(
        chunks(),
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment;filename="{found.filename}"'},
    )


@router.get(
    "/webhooks",
    operation_id="listWebhooks",
    dependencies=[ReadOnly],
    tags=["Webhook"],
    response_model=schemas.WebhookList,
    response_model_exclude_none=True,
    responses=_errors(400, 401, 403, 500, 503),
)
async def list_webhooks(
    session: DbSession,
    acting: FlowsRead,
    request_id: RequestId = None,
    organization_id: OrganizationId = None,
) -> schemas.WebhookList:
    """Retrieve the list of webhooks created by the owner of the token"""
    webhooks = await service.list_webhooks(session, acting.caller, acting.organization)
    return schemas.WebhookList(
        count=len(webhooks),
        webhookIds=[webhook.id for webhook in webhooks],
        webhooks=[service.as_webhook(webhook) for webhook in webhooks],
    )


@router.post(
    "/webhooks",
    operation_id="createWebhook",
    tags=["Webhook"],
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.WebhookIdParam,
    responses=_errors(400, 401, 403, 500, 503),
)
async def create_webhook(
    params: schemas.WebhookParams,
    request: Request,
    session: DbSession,
    acting: FlowsRead,
    request_id: RequestId = None,
    organization_id: OrganizationId = None,
) -> schemas.WebhookIdParam:
    """Subscribe to a webhook"""
    webhook = await service.create_webhook(
        session, request_state(request).settings, acting.caller, acting.organization, params
    )
    return schemas.WebhookIdParam(
        webhookId=webhook.id, signingKey=webhook.signing_key, createdAt=webhook.created_at
    )


@router.delete(
    "/webhooks/{webhookUid}",
    operation_id="deleteWebhook",
    tags=["Webhook"],
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=_errors(400, 401, 403, 404, 500, 503),
)
async def delete_webhook(
    webhookUid: Annotated[
        MachineText, Path(description="The webhook unique ID", json_schema_extra={"format": "uuid"})
    ],
    session: DbSession,
    acting: FlowsRead,
    request_id: RequestId = None,
    organization_id: OrganizationId = None,
) -> Response:
    """Unsubscribe to a webhook"""
    await service.delete_webhook(session, acting.caller, acting.organization, webhookUid)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/healthcheck",
    operation_id="getHealth",
    tags=["Supervisor"],
    response_class=Response,
    responses={200: {"description": "OK - Operation succeeded"}, **_errors(500, 503)},
)
async def get_health(
    request_id: RequestId = None, organization_id: OrganizationId = None
) -> Response:
    """Check whether the API service is up and running."""
    return Response(status_code=status.HTTP_200_OK)


@router.get("/openapi.json", include_in_schema=False)
async def openapi_document(request: Request) -> JSONResponse:
    """This service's own OpenAPI document (the annex's shapes, our base URL)."""
    document = served_openapi(
        request, router, ANNEX, FLOW_SERVICE_PREFIX, extra_schemas=[schemas.FlowInfo]
    )
    return JSONResponse(document)


# --- /api/v1/flows: the flows in the firm's and the company's screens ------------------------

people_router = APIRouter(prefix="/flows", tags=["flows"])

DocumentsReader = Annotated[Principal, Depends(require(Permission.DOCUMENTS_READ))]


@people_router.get(
    "",
    response_model=schemas.FlowPage,
    responses=problem_responses(401, 404, 422),
    dependencies=[ReadOnly],
)
async def list_flows(
    session: DbSession,
    principal: DocumentsReader,
    client_id: uuid.UUID | None = None,
    cursor: PageCursor = None,
    limit: PageLimit = DEFAULT_PAGE_SIZE,
) -> schemas.FlowPage:
    """The flows of the clients whose documents you see (one client's with `client_id`),
    newest first, with their acknowledgement and lifecycle status."""
    return await service.list_for_person(
        session, principal, client_id=client_id, cursor=cursor, limit=limit
    )


@people_router.get(
    "/{flow_id}",
    response_model=schemas.FlowDetail,
    responses=problem_responses(401, 404),
    dependencies=[ReadOnly],
)
async def get_flow_detail(
    flow_id: uuid.UUID, session: DbSession, principal: DocumentsReader
) -> schemas.FlowDetail:
    """A flow with its validation report (rule ids and messages) and its status messages."""
    return await service.detail_for_person(session, principal, flow_id)


_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}, "description": "The file."}
}


@people_router.get(
    "/{flow_id}/original",
    response_class=Response,
    responses={**_FILE, **problem_responses(401, 404)},
)
async def download_flow_original(
    flow_id: uuid.UUID, session: DbSession, storage: Storage, principal: DocumentsReader
) -> Response:
    """The file as deposited or received."""
    flow = await service.get_for_person(session, principal, flow_id)
    found = service.file_of(flow, schemas.DocType.ORIGINAL)
    assert found is not None
    return _stream(storage, found, disposition="attachment")


@people_router.get(
    "/{flow_id}/readable",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}, "text/html": {}}, "description": "The view."},
        **problem_responses(401, 404),
    },
)
async def view_flow_readable(
    flow_id: uuid.UUID, session: DbSession, storage: Storage, principal: DocumentsReader
) -> Response:
    """A readable view: the PDF of a Factur-X, else a page of the invoice's data and the
    validation report."""
    flow = await service.get_for_person(session, principal, flow_id)
    found = service.file_of(flow, schemas.DocType.READABLE_VIEW)
    if found is not None:
        return _stream(storage, found, disposition="inline")
    return Response(
        readable_html(flow),
        media_type="text/html; charset=utf-8",
        # The page shows the depositor's text (escaped): nothing of it may run or load.
        headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _stream(storage: BlobStorage, found: service.FlowFile, *, disposition: str) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        async for chunk in storage.read(found.blob_key):
            yield chunk

    return StreamingResponse(
        chunks(),
        media_type=found.media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{found.filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
