"""Flow rules: the deposit of a flow, its search and download, and the Flow Service webhooks,
for the organisation a call acts for (`api.oauth2`). What happens to a flow after its deposit
(validation, status messages, the document, the webhooks) is the worker's (`pipeline`).

A deposit answers at once: the file is checked only for what makes it no flow at all (empty,
oversize, not XML/PDF, a DTD, malformed, another syntax than declared, a wrong SHA-256), which
is refused with nothing stored; everything else is stored `Pending` and queued.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.blob_storage import BlobStorage
from api.core.authz import Principal
from api.core.errors import AppError, FieldError, NotFound
from api.core.models import utcnow
from api.core.pagination import InvalidCursor, decode_cursor, encode_cursor
from api.core.settings import Settings
from api.core.ssrf import UnsafeUrl, check_public_url
from api.documents import service as documents_service
from api.flows import repository, schemas
from api.flows.repository import FlowCriteria
from api.models.flow import AckStatus, Flow, FlowDirection, FlowWebhook
from api.oauth2.service import Organization, SoftwareCaller
from api.outbox import service as outbox
from api.ppf import service as ppf_service
from api.validation import InvoiceFacts, Refused, Syntax
from api.validation.facts import extract
from api.validation.intake import read as screen

VALIDATE_KIND = "flows.validate"
# Invoice type codes of self-billing (UNTDID 1001): the buyer issues the invoice.
SELF_BILLED = frozenset({"389", "501", "500", "471", "473", "261", "502"})
WEBHOOK_KIND = "flows.webhook"

# --- errors (the annex's error codes: api.core.standard_api renders them) -----------------


class FlowRefused(AppError):
    status = 422
    code = "UNPROCESSABLE_ENTITY"
    title = "Flux refusé"


class ChecksumMismatch(FlowRefused):
    code = "CHECKSUM_MISMATCH"
    title = "Empreinte SHA-256 différente de celle du fichier reçu"


class InvalidSchema(FlowRefused):
    code = "INVALID_SCHEMA"
    title = "Fichier XML invalide"


class FlowTypeError(FlowRefused):
    code = "FLOW_TYPE_ERROR"
    title = "Type de flux non conforme"


class EmptyFlow(FlowRefused):
    code = "EMPTY_FLOW"
    title = "Flux vide"


class DepositorNotIssuer(AppError):
    status = 403
    code = "FORBIDDEN_ACCESS"
    title = "Le déposant n'est pas l'émetteur de cette facture"


class FileSizeExceeded(AppError):
    status = 413
    code = "FILE_SIZE_EXCEEDED"
    title = "Fichier trop volumineux"


class InvalidFlowRequest(AppError):
    status = 400
    code = "INVALID_REQUEST"
    title = "Requête de dépôt invalide"


class FlowNotFound(NotFound):
    code = "MISSING_RESOURCE"
    title = "Flux introuvable"


class FileNotAvailable(NotFound):
    code = "MISSING_RESOURCE"
    title = "Fichier non disponible pour ce flux"


class WebhookNotFound(NotFound):
    code = "MISSING_RESOURCE"
    title = "Webhook introuvable"


class CallbackRefused(AppError):
    status = 400
    code = "INVALID_CALLBACK_URL"
    title = "Adresse de rappel refusée"


class InvalidSearchCursor(AppError):
    status = 400
    code = "INVALID_CURSOR"
    title = "Curseur de pagination invalide"


_REFUSALS: dict[str, type[AppError]] = {
    "EmptyFlow": EmptyFlow,
    "FileSizeExceeded": FileSizeExceeded,
    "InvalidSchema": InvalidSchema,
    "FlowTypeError": FlowTypeError,
}


def _refusal_error(refused: Refused) -> AppError:
    error = _REFUSALS.get(refused.reason_code, FlowTypeError)
    return error(refused.message, extra={"reasonCode": refused.reason_code})


# --- deposit ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Deposited:
    flow: Flow
    created: bool  # False: the same file was already deposited by this sender


def parse_flow_info(raw: str | None) -> schemas.FlowInfo:
    if raw is None:
        raise InvalidFlowRequest(
            "La partie « flowInfo » est obligatoire.",
            errors=[
                FieldError(pointer="/body/flowInfo", detail="Champ obligatoire.", code="missing")
            ],
        )
    try:
        return schemas.FlowInfo.model_validate_json(raw)
    except ValidationError as error:
        raise InvalidFlowRequest(
            "flowInfo ne respecte pas le schéma FlowInfo.",
            errors=[
                FieldError(
                    pointer="/body/flowInfo/" + "/".join(str(part) for part in issue["loc"]),
                    detail=issue["msg"],
                    code=issue["type"],
                )
                for issue in error.errors()
            ],
        ) from None


async def _one_chunk(content: bytes) -> AsyncIterator[bytes]:
    yield content


def _screened(content: bytes, syntax: Syntax, max_bytes: int) -> tuple[Syntax, InvoiceFacts]:
    parsed = screen(content, declared_syntax=syntax, max_bytes=max_bytes)
    return parsed.syntax, extract(parsed.syntax, parsed.tree)


def check_issuer(organization: Organization, syntax: Syntax, facts: InvoiceFacts) -> None:
    """An invoice is deposited by whoever issues it: the seller (its own software, or its
    firm acting for it with a certified mandate, `Organization-Id`), or the buyer of a
    self-billed invoice. Anyone else is refused before anything is stored. An invoice that
    names no issuer SIREN is left to the French rules, which reject it with their rule id; a
    status message (CDAR) is not an invoice."""
    if syntax is Syntax.CDAR:
        return
    self_billed = facts.type_code in SELF_BILLED
    issuer = facts.buyer_siren if self_billed else facts.seller_siren
    if issuer is None or issuer == organization.siren:
        return
    role = "l'acheteur de cette facture d'autofacturation" if self_billed else "le vendeur"
    raise DepositorNotIssuer(
        f"La facture est émise par le SIREN {issuer} ({role}) ; ce dépôt agit pour "
        f"{organization.siren}. Déposez-la pour son émetteur (en-tête Organization-Id).",
        extra={"reasonCode": "InvoiceLCAccessDenied"},
    )


async def deposit(
    session: AsyncSession,
    storage: BlobStorage,
    settings: Settings,
    caller: SoftwareCaller,
    organization: Organization,
    info: schemas.FlowInfo,
    content: bytes,
) -> Deposited:
    """Check, store and queue a deposited file (module docstring); the same file deposited
    again by the same organisation answers its first flow."""
    digest = hashlib.sha256(content).hexdigest()
    if info.sha256 is not None and info.sha256 != digest:
        raise ChecksumMismatch(
            f"Le sha256 déclaré ({info.sha256}) n'est pas celui du fichier reçu ({digest}).",
            extra={"reasonCode": "ChecksumMismatch"},
        )
    if info.flowSyntax == schemas.FlowSyntax.FRR:
        raise FlowTypeError("Les flux d'e-reporting (FRR) ne sont pas encore acceptés.")
    try:
        # Parsing a Factur-X PDF takes a few milliseconds of CPU: off the event loop.
        syntax, facts = await asyncio.to_thread(
            _screened, content, Syntax(info.flowSyntax), settings.flow_max_bytes
        )
    except Refused as refused:
        raise _refusal_error(refused) from None
    # A flow another platform deposits comes *in* to the organisation (an invoice for our
    # buyer, a status about an invoice we sent it); software deposits go *out*, and only
    # their issuer deposits them.
    peer = caller.peer_platform_id
    direction = FlowDirection.IN if peer is not None else FlowDirection.OUT
    if peer is None:
        check_issuer(organization, syntax, facts)
    # Blobs are named by their content: the same file deposited again is stored once.
    blob = await storage.put(_one_chunk(content), max_size=settings.flow_max_bytes)
    now = utcnow()
    flow = Flow(
        id=uuid.uuid4(),
        firm_id=organization.firm_id,
        client_id=organization.client_id,
        direction=direction,
        flow_type=schemas.FlowType.UNDEFINED.value,
        syntax=syntax.value,
        profile=(info.flowProfile or schemas.FlowProfile.UNDEFINED),
        processing_rule=(info.processingRule or schemas.ProcessingRule.UNDEFINED),
        processing_rule_source="Input" if info.processingRule else "Computed",
        name=info.name,
        tracking_id=info.trackingId,
        sha256=digest,
        size=blob.size,
        media_type="application/pdf" if syntax == Syntax.FACTURX else "application/xml",
        blob_key=blob.key,
        submitted_at=now,
        updated_at=now,
        ack_status=AckStatus.PENDING,
        api_key_id=caller.principal.api_key_id,
        deposited_by=caller.principal.user_id,
        peer_platform_id=peer,
    )
    # One statement whether or not the same file came before (the unique constraint says which),
    # rather than a lookup, then a savepoint around the insert for a deposit at the same instant.
    if not await repository.insert_unless_deposited(session, flow):
        first = await repository.same_file(session, organization.client_id, direction, digest)
        assert first is not None
        return Deposited(first, created=False)
    await outbox.enqueue(
        session, VALIDATE_KIND, {"flow_id": str(flow.id)}, dedupe_key=f"{VALIDATE_KIND}:{flow.id}"
    )
    await announce(session, flow)
    return Deposited(flow, created=True)


# --- the annex's view of a flow --------------------------------------------------------------


def ack_details(flow: Flow) -> list[schemas.AcknowledgementDetail] | None:
    if not flow.ack_details:
        return None
    return [schemas.AcknowledgementDetail.model_validate(detail) for detail in flow.ack_details]


def as_annex(flow: Flow) -> schemas.Flow:
    return schemas.Flow(
        trackingId=flow.tracking_id,
        name=flow.name,
        processingRule=schemas.ProcessingRule(flow.processing_rule),
        flowSyntax=schemas.FlowSyntax(flow.syntax),
        flowProfile=schemas.FlowProfile(flow.profile),
        flowId=str(flow.id),
        submittedAt=flow.submitted_at,
        updatedAt=flow.updated_at,
        flowType=schemas.FlowType(flow.flow_type),
        processingRuleSource=flow.processing_rule_source,
        flowDirection=schemas.FlowDirection(flow.direction.value),
        acknowledgement=schemas.Acknowledgement(
            status=schemas.FlowAckStatus(flow.ack_status.value), details=ack_details(flow)
        ),
    )


def annex_view(flow: Mapping[str, Any]) -> dict[str, Any]:
    """The annex's Flow as plain data for orjson (`PlainJSONResponse`), from a row of
    `repository.ANNEX_COLUMNS`: the JSON of `as_annex` for the same flow, member for member
    (tests/flows/test_annex_view.py), without a model per flow. A search answers 25 of them:
    validating and serialising 25 models was a fifth of its CPU."""
    tracking_id = flow["tracking_id"]
    view: dict[str, Any] = {} if tracking_id is None else {"trackingId": tracking_id}
    view["name"] = flow["name"]
    view["processingRule"] = flow["processing_rule"]
    view["flowSyntax"] = flow["syntax"]
    view["flowProfile"] = flow["profile"]
    view["flowId"] = str(flow["id"])
    view["submittedAt"] = flow["submitted_at"]
    view["updatedAt"] = flow["updated_at"]
    view["flowType"] = flow["flow_type"]
    view["processingRuleSource"] = flow["processing_rule_source"]
    view["flowDirection"] = flow["direction"].value
    acknowledgement: dict[str, Any] = {"status": flow["ack_status"].value}
    if flow["ack_details"]:
        acknowledgement["details"] = [
            schemas.AcknowledgementDetail.model_validate(detail).model_dump(
                mode="json", exclude_none=True
            )
            for detail in flow["ack_details"]
        ]
    view["acknowledgement"] = acknowledgement
    return view


def as_full_info(flow: Flow) -> schemas.FullFlowInfo:
    return schemas.FullFlowInfo(
        flowId=str(flow.id),
        submittedAt=flow.submitted_at,
        trackingId=flow.tracking_id,
        name=flow.name,
        processingRule=schemas.ProcessingRule(flow.processing_rule),
        flowSyntax=schemas.FlowSyntax(flow.syntax),
        flowProfile=schemas.FlowProfile(flow.profile),
        sha256=flow.sha256,
    )


def annex_body(flow: Flow) -> str:
    """The JSON a webhook posts: the Flow object, as the annex's callback says."""
    return as_annex(flow).model_dump_json(exclude_none=True)


# --- search and download ---------------------------------------------------------------------


def _flow_uuid(flow_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(flow_id)
    except ValueError:
        raise FlowNotFound() from None


async def get_flow(session: AsyncSession, organization: Organization, flow_id: str) -> Flow:
    flow = await repository.get_of_client(session, organization.client_id, _flow_uuid(flow_id))
    if flow is None:
        raise FlowNotFound("Aucun flux de cette organisation ne porte cet identifiant.")
    return flow


async def search(
    session: AsyncSession, organization: Organization, params: schemas.SearchFlowParams
) -> dict[str, Any]:
    """The annex's SearchFlowContent as plain data for orjson (members as its model dumps
    them, `None` left out)."""
    where = params.where
    after = None
    if params.cursor:
        try:
            stamp, last_id = decode_cursor(params.cursor, 2)
            after = (datetime.fromisoformat(stamp), uuid.UUID(last_id))
        except (AppError, ValueError, TypeError):
            raise InvalidSearchCursor("Reprenez la recherche sans curseur.") from None
    criteria = FlowCriteria(
        updated_after=where.updatedAfter,
        updated_before=where.updatedBefore,
        processing_rules=[str(rule) for rule in where.processingRule or []],
        flow_types=[str(kind) for kind in where.flowType or []],
        directions=[str(direction) for direction in where.flowDirection or []],
        tracking_id=where.trackingId,
        ack_status=str(where.ackStatus) if where.ackStatus else None,
    )
    found = await repository.search(
        session, organization.client_id, criteria, after=after, limit=params.limit + 1
    )
    page = found[: params.limit]
    next_cursor = None
    if len(found) > params.limit:
        last = page[-1]
        next_cursor = encode_cursor([last["updated_at"].isoformat(), str(last["id"])])
    content: dict[str, Any] = {"limit": params.limit}
    if next_cursor is not None:
        content["nextCursor"] = next_cursor
    content["filters"] = where.model_dump(mode="json", exclude_none=True)
    content["results"] = [annex_view(row) for row in page]
    return content


@dataclass(frozen=True, slots=True)
class FlowFile:
    blob_key: str
    media_type: str
    filename: str


def file_of(flow: Flow, doc_type: schemas.DocType) -> FlowFile | None:
    """The stored file `docType` names: the original; the invoice XML of a Factur-X
    (Converted); the PDF of a Factur-X as its readable view. None: the readable view of an XML
    flow, rendered by `api.flows.readable`."""
    stem = flow.name.rsplit(".", 1)[0] if "." in flow.name else flow.name
    if doc_type == schemas.DocType.ORIGINAL:
        return FlowFile(flow.blob_key, flow.media_type, flow.name)
    if doc_type == schemas.DocType.CONVERTED:
        if flow.converted_blob_key is None:
            raise FileNotAvailable("Ce flux n'a pas de version convertie.")
        return FlowFile(flow.converted_blob_key, "application/xml", f"{stem}.xml")
    if flow.syntax == Syntax.FACTURX.value:
        return FlowFile(flow.blob_key, "application/pdf", flow.name)
    return None


# --- webhooks --------------------------------------------------------------------------------


async def _check_callback(settings: Settings, url: str) -> None:
    if not url.startswith(("https://", "http://")):
        raise CallbackRefused("callbackUrl doit être une URL http(s).")
    try:
        await check_public_url(url, allow_private=settings.webhook_allow_private_targets)
    except UnsafeUrl as exc:
        raise CallbackRefused(str(exc)) from exc


def as_webhook(webhook: FlowWebhook) -> schemas.Webhook:
    return schemas.Webhook(
        webhookId=webhook.id,
        signingKey=webhook.signing_key,
        createdAt=webhook.created_at,
        callbackUrl=webhook.callback_url,
        flowTypes=[schemas.FlowType(kind) for kind in webhook.flow_types]
        if webhook.flow_types
        else None,
        flowDirection=schemas.FlowDirection(webhook.flow_direction)
        if webhook.flow_direction
        else None,
        ackStatus=schemas.FlowAckStatus(webhook.ack_status) if webhook.ack_status else None,
    )


async def create_webhook(
    session: AsyncSession,
    settings: Settings,
    caller: SoftwareCaller,
    organization: Organization,
    params: schemas.WebhookParams,
) -> FlowWebhook:
    await _check_callback(settings, params.callbackUrl)
    assert caller.principal.workspace_id is not None
    webhook = FlowWebhook(
        id=uuid.uuid4(),
        workspace_id=caller.principal.workspace_id,
        client_id=organization.client_id,
        api_key_id=caller.principal.api_key_id,
        callback_url=params.callbackUrl,
        flow_types=[str(kind) for kind in params.flowTypes] if params.flowTypes else None,
        flow_direction=str(params.flowDirection) if params.flowDirection else None,
        ack_status=str(params.ackStatus) if params.ackStatus else None,
        # 256 bits from the system's CSPRNG: enough, as the annex says.
        signing_key=base64.b64encode(secrets.token_bytes(32)).decode("ascii"),
        created_at=utcnow(),
    )
    session.add(webhook)
    await session.flush()
    return webhook


async def list_webhooks(
    session: AsyncSession, caller: SoftwareCaller, organization: Organization
) -> Sequence[FlowWebhook]:
    assert caller.principal.workspace_id is not None
    return await repository.webhooks_of(
        session, caller.principal.workspace_id, organization.client_id
    )


async def delete_webhook(
    session: AsyncSession, caller: SoftwareCaller, organization: Organization, webhook_id: str
) -> None:
    assert caller.principal.workspace_id is not None
    try:
        wanted = uuid.UUID(webhook_id)
    except ValueError:
        raise WebhookNotFound() from None
    webhook = await repository.webhook_of(
        session, caller.principal.workspace_id, organization.client_id, wanted
    )
    if webhook is None:
        raise WebhookNotFound()
    await session.delete(webhook)
    await session.flush()


async def announce(session: AsyncSession, flow: Flow) -> None:
    """Queue the flow's current state for every webhook whose filters it matches, in the
    caller's transaction. The body is frozen now: a later change sends its own event."""
    body = None
    for webhook_id in await repository.subscribers(session, flow):
        body = body or annex_body(flow)
        await _announce_to(session, webhook_id, flow, body)


async def announce_all(session: AsyncSession, flows: Sequence[Flow]) -> None:
    """`announce` of several flows (an invoice's status moving its copies and messages): the
    webhooks of their clients read in one query."""
    webhooks = await repository.webhooks_of_clients(session, {flow.client_id for flow in flows})
    for flow in flows:
        body = None
        for webhook in webhooks.get(flow.client_id, ()):
            if repository.matches(webhook, flow):
                body = body or annex_body(flow)
                await _announce_to(session, webhook["id"], flow, body)


async def _announce_to(session: AsyncSession, webhook_id: uuid.UUID, flow: Flow, body: str) -> None:
    await outbox.enqueue(
        session,
        WEBHOOK_KIND,
        {"webhook_id": str(webhook_id), "body": body},
        dedupe_key=f"{WEBHOOK_KIND}:{webhook_id}:{flow.id}:{flow.ack_status.value}:"
        f"{flow.updated_at.isoformat()}",
    )


# --- the firm's and the company's view (/api/v1/flows) ---------------------------------------


class PersonFlowNotFound(NotFound):
    code = "flow-not-found"
    title = "Flux introuvable"


def summary(flow: Flow) -> schemas.FlowSummary:
    return schemas.FlowSummary(
        id=flow.id,
        client_id=flow.client_id,
        direction=schemas.FlowDirection(flow.direction.value),
        name=flow.name,
        syntax=schemas.FlowSyntax(flow.syntax),
        flow_type=schemas.FlowType(flow.flow_type),
        ack_status=schemas.FlowAckStatus(flow.ack_status.value),
        lifecycle_status=flow.lifecycle_status,
        invoice_number=flow.invoice_number,
        issue_date=flow.issue_date,
        tracking_id=flow.tracking_id,
        submitted_at=flow.submitted_at,
        updated_at=flow.updated_at,
        document_id=flow.document_id,
        related_flow_id=flow.related_flow_id,
    )


async def list_for_person(
    session: AsyncSession,
    principal: Principal,
    *,
    client_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> schemas.FlowPage:
    """The flows of the clients whose documents `principal` sees, newest first."""
    if client_id is not None:
        await documents_service.readable_client(session, principal, client_id)
    before = None
    if cursor:
        try:
            stamp, last_id = decode_cursor(cursor, 2)
            before = (datetime.fromisoformat(stamp), uuid.UUID(last_id))
        except (ValueError, TypeError):
            raise InvalidCursor("Reprenez la liste depuis la première page.") from None
    found = await repository.for_people(
        session,
        documents_service.readable_client_ids(principal),
        client_id=client_id,
        before=before,
        limit=limit + 1,
    )
    page = list(found[:limit])
    next_cursor = None
    if len(found) > limit:
        next_cursor = encode_cursor([page[-1].submitted_at.isoformat(), str(page[-1].id)])
    return schemas.FlowPage(items=[summary(flow) for flow in page], next_cursor=next_cursor)


async def get_for_person(session: AsyncSession, principal: Principal, flow_id: uuid.UUID) -> Flow:
    flow = await repository.get_for_people(
        session, documents_service.readable_client_ids(principal), flow_id
    )
    if flow is None:
        raise PersonFlowNotFound()
    return flow


async def detail_for_person(
    session: AsyncSession, principal: Principal, flow_id: uuid.UUID
) -> schemas.FlowDetail:
    flow = await get_for_person(session, principal, flow_id)
    messages = await repository.status_flows_of(session, flow.id)
    copies = await ppf_service.transmissions(session, [message.id for message in messages])
    return schemas.FlowDetail(
        **summary(flow).model_dump(),
        rules_release=flow.rules_release,
        findings=[
            schemas.FlowFinding(
                rule_id=str(finding["rule_id"]),
                fatal=bool(finding["fatal"]),
                location=str(finding["location"]),
                message=str(finding["message"]),
            )
            for finding in flow.findings or []
        ],
        acknowledgement=as_annex(flow).acknowledgement,
        status_messages=[
            schemas.StatusMessage(**summary(message).model_dump(), ppf=copies.get(message.id))
            for message in messages
        ],
    )


async def already_received(
    session: AsyncSession, flow: Flow, client_id: uuid.UUID, copy_id: uuid.UUID
) -> bool:
    """Whether `client_id` already accepted the invoice of `flow` as an incoming invoice (the
    pipeline's duplicate rule: the same seller, number and year), for the incoming copy
    `copy_id` it would receive (routing's local delivery)."""
    if not (flow.sender_siren and flow.invoice_number and flow.issue_date):
        return False
    probe = Flow(
        id=copy_id,
        client_id=client_id,
        direction=FlowDirection.IN,
        sender_siren=flow.sender_siren,
        invoice_number=flow.invoice_number,
        issue_date=flow.issue_date,
    )
    return await repository.same_invoice(session, probe) is not None
