"""The "Facturation électronique" service: a firm certifies it holds a client's signed
mandate, and Comptoir registers the client in the national directory (*annuaire*) as
reachable through this platform; later it may end that registration (docs/einvoicing.md).

    activate / activate_many     certification checked (422), evidence stored, clients moved
                                 to `pending`, one outbox job per designation
    deregister                   an end date for the client's line, through the outbox too
    directory_delivery(...)      the outbox handler: calls the directory, settles the outcome

Requests never wait for the directory: an outage only delays the `pending` → `registered`
move, the outbox retrying with backoff up to `outbox_max_attempts`. Every state change is
an audit event on the client; registrations and failures are also webhooks.

Services flush, never commit: the request's unit of work commits (the worker's settlement
commits its own short transaction).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from api.adapters.company_registry import CompanyRegistry
from api.adapters.directory import (
    AlreadyEnded,
    AlreadyRegistered,
    Conflict,
    Directory,
    DirectoryAddress,
    DirectoryOutcome,
    Ended,
    EndLine,
    OverlapRefused,
    PermanentFailure,
    Registered,
    RegisterLine,
    TransientFailure,
    directory_request_from_json,
)
from api.audit import service as audit
from api.audit.service import SYSTEM, AuditFilters, Author
from api.clients import service as clients_service
from api.clients.listing import service as clients_listing
from api.companies.service import CompanyClosed
from api.core.actor import Actor
from api.core.authz import Principal
from api.core.errors import AppError, FieldError, NotFound, UnprocessableEntity
from api.core.errors import Conflict as ConflictError
from api.core.models import utcnow
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.einvoicing import repository
from api.einvoicing.certification import (
    CURRENT_CERTIFICATION,
    Certification,
    accepted_certification,
)
from api.einvoicing.mandate import (
    Mandate,
    MandateParty,
    PlatformIdentity,
    blank_mandate,
    mandate_gaps,
    mandate_pdf,
)
from api.einvoicing.schemas import (
    ActivationIn,
    ActivationItemResult,
    BulkActivationIn,
    CertificationIn,
    MandateGap,
)
from api.models.client import Client, PaStatus
from api.models.pa_designation import EinvoicingBulkJob, MandateCertification, PaDesignation
from api.models.user import User
from api.models.workspace import Workspace
from api.outbox import service as outbox
from api.outbox.service import DeliveryAttempt, OutboxHandler, Payload, RetryLater
from api.webhooks import service as webhooks_service
from api.webhooks.events import WebhookEvent

logger = logging.getLogger("comptoir.einvoicing")

DIRECTORY_KIND = "einvoicing.directory"
BULK_ERRORS_SHOWN = 200


class CertificationRequired(UnprocessableEntity):
    code = "certification-required"
    title = "Certification du mandat requise"


class EinvoicingAlreadyActive(ConflictError):
    code = "einvoicing-already-active"
    title = "Facturation électronique déjà activée ou en cours"


class EinvoicingNotRegistered(ConflictError):
    code = "einvoicing-not-registered"
    title = "Ce client n'est pas inscrit à l'annuaire par cette plateforme"


class InvalidEndDate(UnprocessableEntity):
    code = "invalid-end-date"
    title = "Date de fin invalide"


class TooManyClients(UnprocessableEntity):
    code = "too-many-clients"
    title = "Trop de clients sélectionnés"


class BulkJobNotFound(NotFound):
    code = "bulk-activation-not-found"
    title = "Activation groupée introuvable"


class DirectoryUnavailable(RetryLater):
    """Raised to the outbox so it retries the same request later (same idempotency key), not
    before the directory's `Retry-After` when it gave one."""


def today() -> date:
    return utcnow().date()


def current_certification() -> Certification:
    return CURRENT_CERTIFICATION


def check_certification(data: CertificationIn) -> Certification:
    """The certification the user accepted, or a 422: the box must be ticked and the sentence
    must be, word for word, a published version's."""
    certification = accepted_certification(data.certification_version, data.certification_text)
    if data.certified and certification is not None:
        return certification
    if not data.certified:
        pointer, detail = "/body/certified", "Cochez la certification du mandat signé."
    else:
        pointer = "/body/certification_text"
        detail = "Le texte certifié ne correspond pas à la version indiquée : rechargez la page."
    raise CertificationRequired(
        "Certifiez avoir obtenu le mandat signé du client avant d'activer la facturation "
        "électronique.",
        errors=[FieldError(pointer=pointer, detail=detail, code=CertificationRequired.code)],
    )


# ---------------------------------------------------------------- mandate templates


async def mandate_template(
    session: AsyncSession, settings: Settings, principal: Principal, client_id: uuid.UUID
) -> bytes:
    """The client's mandate, prefilled (client, firm as representative, platform, address)."""
    client = await clients_service.get_client(session, principal, client_id)
    firm = await repository.get_workspace(session, client.firm_id)
    return prefilled_mandate_pdf(settings, client, firm)


def prefilled_mandate_pdf(settings: Settings, client: Client, firm: Workspace | None) -> bytes:
    """The mandate of `client` as the template prints it today (also what the online
    signature freezes when its link first opens)."""
    mandate = Mandate(
        platform=PlatformIdentity.of(settings),
        client=MandateParty(
            name=client.legal_name,
            siren=client.siren,
            address_line=client.address_line,
            postal_code=client.postal_code,
            city=client.city,
        ),
        firm=MandateParty.of(firm) if firm is not None else MandateParty(),
        addresses=(DirectoryAddress(siren=client.siren),),
        issued_on=today(),
    )
    return mandate_pdf(mandate)


async def mandate_readiness(
    session: AsyncSession, settings: Settings, principal: Principal
) -> list[MandateGap]:
    """What the firm's prefilled mandates would print blank (not configured)."""
    assert principal.workspace_id is not None
    firm = await repository.get_workspace(session, principal.workspace_id)
    return mandate_gaps(
        PlatformIdentity.of(settings), MandateParty.of(firm) if firm else MandateParty()
    )


def blank_mandate_template(settings: Settings) -> bytes:
    return mandate_pdf(blank_mandate(settings))


# ---------------------------------------------------------------- activation


@dataclass(frozen=True, slots=True)
class Activation:
    """What one activation request asks for, once its certification is accepted."""

    certification: MandateCertification
    date_from: date
    signed_mandate_sha256: str | None = None
    bulk_job_id: uuid.UUID | None = None


async def _certify(
    session: AsyncSession,
    actor: Actor,
    certification: Certification,
    client_count: int,
) -> MandateCertification:
    assert actor.principal.workspace_id is not None  # `require(...)` guarantees it
    evidence = MandateCertification(
        id=uuid.uuid4(),
        firm_id=actor.principal.workspace_id,
        text_version=certification.version,
        text=certification.text,
        actor_kind=actor.principal.kind.value,
        user_id=actor.principal.user_id,
        roles=sorted(role.value for role in actor.principal.roles),
        device_id=actor.principal.device_id,
        api_key_id=actor.principal.api_key_id,
        ip=actor.origin.ip,
        user_agent=actor.origin.user_agent,
        certified_at=utcnow(),
        client_count=client_count,
    )
    session.add(evidence)
    await session.flush()
    await audit.record(
        session,
        "einvoicing.mandate_certified",
        actor=actor,
        workspace_id=actor.principal.workspace_id,
        target_type="mandate_certification",
        target_id=evidence.id,
        data={"text_version": certification.version, "client_count": client_count},
    )
    return evidence


async def _closed_sirens(registry: CompanyRegistry, clients: Sequence[Client]) -> set[str]:
    """Clients whose company the registry says has ceased trading. A registry outage must
    not block activations: the directory refuses what it must."""
    try:
        companies = await registry.lookup_many([client.siren for client in clients])
    except AppError as error:
        logger.warning("company registry unavailable, closure not checked: %s", error)
        return set()
    return {siren for siren, company in companies.items() if company.is_closed}


async def _activate_clients(
    session: AsyncSession,
    registry: CompanyRegistry,
    author: Author,
    origin: RequestOrigin | None,
    clients: Sequence[Client],
    activation: Activation,
) -> dict[uuid.UUID, ActivationItemResult]:
    """Designate each client that may be: one result per client, never an exception."""
    results: dict[uuid.UUID, ActivationItemResult] = {}
    closed = await _closed_sirens(registry, clients)
    candidates = []
    for client in clients:
        if client.siren in closed:
            results[client.id] = _refusal(client.id, "company_closed")
        elif client.pa_status in (PaStatus.PENDING, PaStatus.REGISTERED):
            results[client.id] = _refusal(client.id, _ALREADY[client.pa_status])
        else:
            candidates.append(client)
    now = utcnow()
    claimed = await repository.claim_for_activation(session, [c.id for c in candidates], now)
    activated = [client for client in candidates if client.id in claimed]
    for client in candidates:
        if client.id not in claimed:  # activated by a concurrent request meanwhile
            results[client.id] = _refusal(client.id, "already_pending")
    last_ends = await repository.last_ends(
        session, [c.id for c in activated if c.pa_status == PaStatus.DEREGISTERED]
    )
    designations: list[dict[str, Any]] = []
    for client in activated:
        set_committed_value(client, "pa_status", PaStatus.PENDING)
        date_from = activation.date_from
        if client.id in last_ends:  # our previous line must end before the new one starts
            date_from = max(date_from, last_ends[client.id] + timedelta(days=1))
        designations.append(
            {
                "id": uuid.uuid4(),
                "firm_id": client.firm_id,
                "client_id": client.id,
                "certification_id": activation.certification.id,
                "bulk_job_id": activation.bulk_job_id,
                "status": PaStatus.PENDING,
                "siren": client.siren,
                "date_from": date_from,
                "signed_mandate_sha256": activation.signed_mandate_sha256,
                "attempts": 0,
                "created_at": now,
                "updated_at": now,
            }
        )
    await repository.insert_designations(session, designations)
    await outbox.enqueue_many(
        session,
        DIRECTORY_KIND,
        [(_register_payload(values), f"pa-designation:{values['id']}") for values in designations],
    )
    if designations:
        await audit.record_many(
            session,
            "einvoicing.activation_requested",
            author=author,
            origin=origin,
            workspace_id=designations[0]["firm_id"],
            target_type="client",
            targets=[
                (
                    values["client_id"],
                    {
                        "designation_id": values["id"],
                        "certification_id": activation.certification.id,
                        "text_version": activation.certification.text_version,
                        "date_from": values["date_from"],
                        "bulk_job_id": activation.bulk_job_id,
                        "signed_mandate_sha256": activation.signed_mandate_sha256,
                        "status": {"from": None, "to": PaStatus.PENDING.value},
                    },
                )
                for values in designations
            ],
        )
    for values in designations:
        results[values["client_id"]] = ActivationItemResult(
            id=values["client_id"], ok=True, outcome="activated", designation_id=values["id"]
        )
    return results


_ALREADY = {PaStatus.PENDING: "already_pending", PaStatus.REGISTERED: "already_registered"}
_REFUSALS = {
    "already_registered": "Déjà inscrit à l'annuaire par cette plateforme.",
    "already_pending": "Inscription déjà en cours.",
    "company_closed": "Entreprise fermée au registre : elle ne peut pas être inscrite.",
    "client_not_found": "Client introuvable.",
}


def _refusal(client_id: uuid.UUID, outcome: Any) -> ActivationItemResult:
    return ActivationItemResult(
        id=client_id, ok=False, outcome=outcome, error=outcome, detail=_REFUSALS[outcome]
    )


def _register_payload(designation: dict[str, Any]) -> Payload:
    """The outbox job of a new designation; its key names the same line on every retry."""
    request = RegisterLine(
        address=DirectoryAddress(siren=designation["siren"]),
        date_from=designation["date_from"],
        idempotency_key=f"pa-designation:{designation['id']}",
    )
    return {"designation_id": str(designation["id"]), "request": request.model_dump(mode="json")}


async def _enqueue(
    session: AsyncSession,
    designation_id: uuid.UUID,
    request: EndLine,
    *,
    dedupe: str,
) -> None:
    await outbox.enqueue(
        session,
        DIRECTORY_KIND,
        {"designation_id": str(designation_id), "request": request.model_dump(mode="json")},
        dedupe_key=dedupe,
    )


async def activate(
    session: AsyncSession,
    registry: CompanyRegistry,
    actor: Actor,
    client_id: uuid.UUID,
    data: ActivationIn,
) -> tuple[Client, PaDesignation]:
    """Activate e-invoicing for one client: 202-style, the worker registers it."""
    certification = check_certification(data)
    client = await clients_service.get_client(session, actor.principal, client_id)
    if client.pa_status in (PaStatus.PENDING, PaStatus.REGISTERED):
        raise _already_active(client)
    evidence = await _certify(session, actor, certification, 1)
    activation = Activation(evidence, data.date_from or today(), data.signed_mandate_sha256)
    result = (
        await _activate_clients(
            session, registry, Author.of(actor.principal), actor.origin, [client], activation
        )
    )[client.id]
    if result.outcome == "company_closed":
        raise CompanyClosed(_REFUSALS["company_closed"])
    if result.designation_id is None:
        raise _already_active(client)
    designation = await repository.get_designation(session, result.designation_id)
    assert designation is not None
    return client, designation


@dataclass(frozen=True, slots=True)
class SignedMandate:
    """A mandate the client's representative signed online (api/mandates): the evidence
    that stands in for the firm's certification."""

    consent_version: str
    consent_text: str
    signer_ip: str | None
    signer_user_agent: str | None
    signed_at: datetime
    sealed_sha256: str


SIGNATURE_ACTOR = Author(kind="signature")


async def activate_signed(
    session: AsyncSession, registry: CompanyRegistry, client: Client, signed: SignedMandate
) -> ActivationItemResult:
    """Designate the platform for a client whose mandate was just signed online: the same
    flow as `activate`, its evidence the signature (who consented to which words, from where,
    and the sealed PDF's SHA-256) instead of a user's certification. Never raises for the
    client's state: the result says what happened."""
    evidence = MandateCertification(
        id=uuid.uuid4(),
        firm_id=client.firm_id,
        text_version=signed.consent_version,
        text=signed.consent_text,
        actor_kind=SIGNATURE_ACTOR.kind,
        user_id=None,
        roles=[],
        ip=signed.signer_ip,
        user_agent=signed.signer_user_agent,
        certified_at=signed.signed_at,
        client_count=1,
    )
    session.add(evidence)
    await session.flush()
    activation = Activation(evidence, today(), signed.sealed_sha256)
    origin = RequestOrigin(ip=signed.signer_ip, user_agent=signed.signer_user_agent)
    results = await _activate_clients(
        session, registry, SIGNATURE_ACTOR, origin, [client], activation
    )
    return results[client.id]


def _already_active(client: Client) -> EinvoicingAlreadyActive:
    state = "inscrit à l'annuaire" if client.pa_status == PaStatus.REGISTERED else "en cours"
    return EinvoicingAlreadyActive(
        f"La facturation électronique de {client.legal_name} est déjà {state}.",
        extra={"pa_status": client.pa_status.value},
    )


async def activate_many(
    session: AsyncSession,
    registry: CompanyRegistry,
    actor: Actor,
    data: BulkActivationIn,
) -> tuple[EinvoicingBulkJob, list[ActivationItemResult]]:
    """Activate many clients (ids, or the list's filter) in one request: one result per
    client; the registrations continue in the worker, the job shows their progress."""
    certification = check_certification(data)
    assert actor.principal.workspace_id is not None
    client_ids = data.client_ids or await _selected_ids(session, actor.principal, data)
    wanted = list(dict.fromkeys(client_ids))
    clients = await clients_service.readable_clients(session, actor.principal, wanted)
    evidence = await _certify(session, actor, certification, len(clients))
    job = EinvoicingBulkJob(
        id=uuid.uuid4(),
        firm_id=actor.principal.workspace_id,
        certification_id=evidence.id,
        created_by_user_id=actor.principal.user_id,
        created_at=utcnow(),
        requested=len(wanted),
        refused={},
    )
    session.add(job)
    await session.flush()
    activation = Activation(evidence, data.date_from or today(), bulk_job_id=job.id)
    by_client = await _activate_clients(
        session,
        registry,
        Author.of(actor.principal),
        actor.origin,
        list(clients.values()),
        activation,
    )
    results = [
        by_client.get(client_id) or _refusal(client_id, "client_not_found") for client_id in wanted
    ]
    refused: dict[str, int] = {}
    for result in results:
        if not result.ok:
            refused[result.outcome] = refused.get(result.outcome, 0) + 1
    job.refused = refused
    await session.flush()
    return job, results


async def _selected_ids(
    session: AsyncSession, principal: Principal, data: BulkActivationIn
) -> list[uuid.UUID]:
    assert data.filter is not None
    query = clients_listing.ListQuery(
        q=data.filter.q,
        status=data.filter.status,
        pa_status=data.filter.pa_status,
        assignee_id=data.filter.assignee,
        plan=data.filter.plan,
        sort="created_at",
    )
    ids: list[uuid.UUID] = []
    cursor = None
    while True:
        page = await clients_listing.list_clients(
            session, principal, query, cursor=cursor, limit=1000
        )
        ids.extend(row["id"] for row in page["items"])
        if len(ids) > MAX_SELECTED:
            raise TooManyClients(
                f"Le filtre sélectionne plus de {MAX_SELECTED} clients : affinez-le."
            )
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


MAX_SELECTED = 5000


async def bulk_job(
    session: AsyncSession, principal: Principal, job_id: uuid.UUID
) -> tuple[EinvoicingBulkJob, dict[str, int], Sequence[PaDesignation]]:
    assert principal.workspace_id is not None
    job = await repository.get_bulk_job(session, principal.workspace_id, job_id)
    if job is None:
        raise BulkJobNotFound()
    progress = await repository.bulk_progress(session, job.id)
    errors = await repository.bulk_errors(session, job.id, BULK_ERRORS_SHOWN)
    return job, progress, errors


# ---------------------------------------------------------------- state, history, end


async def state_of(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID
) -> tuple[Client, PaDesignation | None]:
    client = await clients_service.get_client(session, principal, client_id)
    return client, await repository.latest_designation(session, client.id)


async def history(
    session: AsyncSession,
    principal: Principal,
    client_id: uuid.UUID,
    *,
    cursor: str | None,
    limit: int,
) -> tuple[list[tuple[Any, User | None]], str | None]:
    """The client's e-invoicing events, newest first, from the audit trail itself."""
    client = await clients_service.get_client(session, principal, client_id)
    filters = AuditFilters(action="einvoicing.", target_type="client", target_id=str(client.id))
    return await audit.list_events(session, principal, filters, cursor=cursor, limit=limit)


async def deregister(
    session: AsyncSession,
    actor: Actor,
    client_id: uuid.UUID,
    date_to: date | None,
) -> tuple[Client, PaDesignation]:
    """End the client's directory line on `date_to` (today by default), through the worker.
    The client stays `registered` until the directory confirms, then `deregistered`."""
    client = await clients_service.get_client(session, actor.principal, client_id)
    designation = await repository.latest_designation(session, client.id)
    if (
        client.pa_status != PaStatus.REGISTERED
        or designation is None
        or designation.status != PaStatus.REGISTERED
        or designation.directory_line_id is None
    ):
        raise EinvoicingNotRegistered()
    if designation.end_requested_on is not None:
        raise EinvoicingNotRegistered(
            f"Désinscription déjà demandée (fin au {designation.end_requested_on:%d/%m/%Y})."
        )
    end = date_to or today()
    if end < max(today(), designation.date_from):
        detail = "La date de fin ne peut précéder ni aujourd'hui ni le début de l'inscription."
        raise InvalidEndDate(
            detail,
            errors=[FieldError(pointer="/body/date_to", detail=detail, code=InvalidEndDate.code)],
        )
    designation.end_requested_on = end
    designation.error_code = designation.error_detail = None
    designation.updated_at = utcnow()
    await session.flush()
    request = EndLine(line_id=designation.directory_line_id, date_to=end)
    await _enqueue(
        session, designation.id, request, dedupe=f"pa-designation:{designation.id}:end:{end}"
    )
    await audit.record(
        session,
        "einvoicing.deregistration_requested",
        actor=actor,
        workspace_id=client.firm_id,
        target_type="client",
        target_id=client.id,
        data={
            "designation_id": designation.id,
            "line_id": designation.directory_line_id,
            "date_to": end,
        },
    )
    return client, designation


# ---------------------------------------------------------------- the worker


def directory_delivery(
    directory: Directory, sessionmaker: async_sessionmaker[AsyncSession]
) -> OutboxHandler:
    """The outbox handler of directory calls. A transient failure is retried by the outbox
    with the same request (same idempotency key: never a second line) until its last
    attempt, which settles the designation in `error`."""

    async def deliver(payload: Payload, attempt: DeliveryAttempt) -> None:
        designation_id = uuid.UUID(payload["designation_id"])
        request = directory_request_from_json(orjson.dumps(payload["request"]))
        assert isinstance(request, RegisterLine | EndLine)
        outcome = await directory.attempt(request)
        async with sessionmaker() as session:
            await settle(session, designation_id, request, outcome, attempt)
            await session.commit()
        if isinstance(outcome, TransientFailure) and not attempt.final:
            seconds = outcome.retry_after_seconds
            after = timedelta(seconds=seconds) if seconds is not None else None
            raise DirectoryUnavailable(outcome.detail, after=after)

    return OutboxHandler(deliver=deliver, ordered=True)


async def settle(
    session: AsyncSession,
    designation_id: uuid.UUID,
    request: RegisterLine | EndLine,
    outcome: DirectoryOutcome,
    attempt: DeliveryAttempt,
) -> None:
    """Record what the directory answered for a designation (the worker's transaction)."""
    designation = await repository.get_designation(session, designation_id, for_update=True)
    if designation is None:
        return
    now = utcnow()
    designation.attempts = attempt.number
    designation.updated_at = now
    client = await repository.get_client(session, designation.client_id)
    if client is None:
        return
    if isinstance(outcome, TransientFailure) and not attempt.final:
        status = f" (HTTP {outcome.status})" if outcome.status else ""
        designation.error_detail = f"Tentative {attempt.number} : {outcome.detail}{status}"[:1000]
        await session.flush()
        return
    if isinstance(request, RegisterLine):
        await _settle_registration(session, designation, client, outcome, attempt, now)
    else:
        await _settle_end(session, designation, client, request, outcome, attempt, now)


async def _settle_registration(
    session: AsyncSession,
    designation: PaDesignation,
    client: Client,
    outcome: DirectoryOutcome,
    attempt: DeliveryAttempt,
    now: datetime,
) -> None:
    if designation.status != PaStatus.PENDING:
        return  # a replayed delivery (at least once): already settled
    if isinstance(outcome, Registered | AlreadyRegistered):
        designation.status = PaStatus.REGISTERED
        designation.directory_line_id = outcome.line.line_id
        designation.platform_id = outcome.line.platform_id
        designation.date_from = outcome.line.date_from
        designation.registered_at = now
        designation.error_code = designation.error_detail = None
        action, event = "einvoicing.registered", WebhookEvent.EINVOICING_REGISTERED
    else:
        code, detail = _failure(outcome, attempt)
        designation.status = PaStatus.ERROR
        designation.error_code, designation.error_detail = code, detail
        if isinstance(outcome, Conflict):
            designation.conflict_platform_id = outcome.line.platform_id
        action, event = "einvoicing.failed", WebhookEvent.EINVOICING_FAILED
    await repository.set_pa_status(session, client.id, designation.status, now)
    await session.flush()
    await _announce(session, designation, client, action, event, PaStatus.PENDING)


async def _settle_end(
    session: AsyncSession,
    designation: PaDesignation,
    client: Client,
    request: EndLine,
    outcome: DirectoryOutcome,
    attempt: DeliveryAttempt,
    now: datetime,
) -> None:
    if designation.status != PaStatus.REGISTERED or designation.end_requested_on is None:
        return
    if isinstance(outcome, Ended | AlreadyEnded):
        designation.status = PaStatus.DEREGISTERED
        designation.date_to = outcome.line.date_to or request.date_to
        designation.ended_at = now
        designation.end_requested_on = None
        await repository.set_pa_status(session, client.id, PaStatus.DEREGISTERED, now)
        await session.flush()
        await _announce(
            session, designation, client, "einvoicing.deregistered", None, PaStatus.REGISTERED
        )
        return
    # The line is still ours: the client stays registered, the failure is shown.
    code, detail = _failure(outcome, attempt)
    designation.end_requested_on = None
    designation.error_code, designation.error_detail = "deregistration_failed", detail
    await session.flush()
    await audit.record_as(
        session,
        "einvoicing.deregistration_failed",
        author=SYSTEM,
        workspace_id=client.firm_id,
        target_type="client",
        target_id=client.id,
        data={"designation_id": designation.id, "error_code": code, "detail": detail},
    )


def _failure(outcome: DirectoryOutcome, attempt: DeliveryAttempt) -> tuple[str, str]:
    """A stable code and the reason a user reads, in French."""
    if isinstance(outcome, Conflict):
        line = outcome.line
        return "conflict", (
            f"L'adresse {line.address.addressing_identifier} est déjà tenue dans l'annuaire par "
            f"une autre plateforme agréée (identifiant {line.platform_id}) depuis le "
            f"{line.date_from:%d/%m/%Y}. L'entreprise doit demander à cette plateforme de "
            "clore sa ligne, puis relancer l'activation."
        )
    if isinstance(outcome, OverlapRefused):
        line = outcome.line
        end = f"au {line.date_to:%d/%m/%Y}" if line.date_to else "sans date de fin"
        return "overlap_refused", (
            f"Une ligne d'annuaire de cette plateforme (du {line.date_from:%d/%m/%Y} {end}) "
            "chevauche la période demandée : choisissez une date de début postérieure."
        )
    if isinstance(outcome, TransientFailure):
        return "directory_unavailable", (
            f"L'annuaire n'a pas répondu après {attempt.number} tentatives ({outcome.detail}). "
            "Relancez l'activation plus tard."
        )
    if isinstance(outcome, PermanentFailure):
        return "directory_refused", f"L'annuaire a refusé la demande : {outcome.detail}"
    return "unexpected_answer", f"Réponse inattendue de l'annuaire ({type(outcome).__name__})."


async def _announce(
    session: AsyncSession,
    designation: PaDesignation,
    client: Client,
    action: str,
    webhook_event: WebhookEvent | None,
    previous: PaStatus,
) -> None:
    data = {
        "client_id": str(client.id),
        "siren": client.siren,
        "legal_name": client.legal_name,
        "designation_id": str(designation.id),
        "status": designation.status.value,
        "directory_line_id": designation.directory_line_id,
        "date_from": designation.date_from.isoformat(),
        "date_to": designation.date_to.isoformat() if designation.date_to else None,
        "error_code": designation.error_code,
        "error_detail": designation.error_detail,
    }
    await audit.record_as(
        session,
        action,
        author=SYSTEM,
        workspace_id=client.firm_id,
        target_type="client",
        target_id=client.id,
        data=data
        | {
            "attempts": designation.attempts,
            "status": {"from": previous.value, "to": designation.status.value},
        },
    )
    if webhook_event is not None:
        await webhooks_service.publish(session, client.firm_id, webhook_event, data)
