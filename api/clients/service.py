"""Clients of a firm: adding one from the registry, the firm itself, the list and its export,
assignments, subscriptions, and the Excel import (dry run, then confirmation).

Services flush, never commit: the request's unit of work commits. Every change is audited.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, BinaryIO

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.company_registry import Company, CompanyRegistry
from api.adapters.company_registry.base import search_name, search_words
from api.audit import service as audit
from api.clients import invitations, repository, spreadsheet
from api.clients.repository import ClientFilters
from api.clients.schemas import BulkItemResult, ClientCreate, ContactUpdate, SubscriptionIn
from api.companies.service import (
    CompanyClosed,
    compact_identifier,
    siren_of_vat_number,
    validate_siren,
    validate_siret,
)
from api.core.actor import Actor
from api.core.authz import Principal, Role
from api.core.errors import AppError, Conflict, FieldError, NotFound, UnprocessableEntity
from api.core.models import utcnow
from api.core.pagination import (
    InvalidCursor,
    decode_cursor,
    decode_sorted_cursor,
    encode_cursor,
    encode_sorted_cursor,
)
from api.core.settings import ClientPlan, Settings
from api.models.client import (
    Client,
    ClientAssignment,
    ClientImport,
    ClientImportOutcome,
    ClientImportRow,
    ClientImportStatus,
    ClientStatus,
    ClientSubscription,
    ClientSubscriptionChange,
    InvitationStatus,
    PaStatus,
    invitation_status,
)
from api.models.membership import Membership, MembershipStatus
from api.models.workspace import Workspace, WorkspaceKind
from api.webhooks import service as webhooks_service
from api.webhooks.events import WebhookEvent

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_EXPORT_ROWS = 50_000


class ClientNotFound(NotFound):
    code = "client-not-found"
    title = "Client introuvable"


class ClientAlreadyExists(Conflict):
    code = "client-already-exists"
    title = "Cette entreprise est déjà cliente du cabinet"


class CompanyNotInRegistry(UnprocessableEntity):
    code = "company-not-found"
    title = "Entreprise introuvable au registre"


class InvalidIdentifier(UnprocessableEntity):
    code = "invalid-identifier"
    title = "SIREN ou SIRET invalide"


class NotAnAccountant(UnprocessableEntity):
    code = "not-an-accountant"
    title = "Ce collaborateur n'est pas un Comptable actif du cabinet"


class UnknownPlan(UnprocessableEntity):
    code = "unknown-plan"
    title = "Formule d'abonnement inconnue"


class FirmWithoutSiren(UnprocessableEntity):
    code = "firm-without-siren"
    title = "Le cabinet n'a pas de SIREN"


class ImportNotFound(NotFound):
    code = "import-not-found"
    title = "Import introuvable"


class ImportAlreadyConfirmed(Conflict):
    code = "import-already-confirmed"
    title = "Cet import a déjà été confirmé"


class ImportExpired(AppError):
    status = 410
    code = "import-expired"
    title = "Ce rapport d'import a expiré : déposez de nouveau le fichier"


# ---------------------------------------------------------------- identity from the registry


@dataclass(frozen=True, slots=True)
class Identifier:
    siren: str
    siret: str | None

    @property
    def lookup_key(self) -> str:
        return self.siret or self.siren


def parse_identifier(value: str, *, pointer: str = "/body/identifier") -> Identifier:
    """A SIREN, a SIRET or a French VAT number (the SIREN it contains), checked (Luhn, La
    Poste's rule, the VAT key), or a French 422."""
    compact = compact_identifier(value)
    vat_siren = siren_of_vat_number(compact)
    if vat_siren is not None:
        return Identifier(vat_siren, None)
    if len(compact) == 14:
        siret = validate_siret(compact, pointer=pointer)
        return Identifier(siret[:9], siret)
    if len(compact) == 9:
        return Identifier(validate_siren(compact, pointer=pointer), None)
    detail = "Saisissez un SIREN (9 chiffres) ou un SIRET (14 chiffres)."
    raise InvalidIdentifier(
        detail, errors=[FieldError(pointer=pointer, detail=detail, code=InvalidIdentifier.code)]
    )


def _looks_like_formula(text: str) -> bool:
    return text.startswith(("=", "+", "-", "@"))


def client_values(
    company: Company, *, fallback_name: str | None, identifier: Identifier
) -> dict[str, Any]:
    """The client's identity columns, from the registry (its name wins over a typed one)."""
    name = company.legal_name
    if not name:
        typed = (fallback_name or "").strip()
        name = typed if typed and not _looks_like_formula(typed) else None
    legal_name = name or f"Entreprise non diffusible ({company.siren})"
    return {
        "siren": company.siren,
        "siret": identifier.siret or company.siret or company.head_office_siret,
        "legal_name": legal_name[:400],
        "search_name": search_name(legal_name) or "",
        "sort_name": " ".join(search_words(legal_name))[:400],
        "address_line": company.address,
        "postal_code": company.postal_code,
        "city": company.city,
        "vat_number": company.vat_number,
        "legal_form_code": company.nature_juridique,
        "legal_form_label": company.nature_juridique_label,
        "activity_code": company.activite_principale,
    }


def _is_closed(company: Company) -> bool:
    return company.is_closed or company.establishment_state == "closed"


async def add_client(
    session: AsyncSession,
    registry: CompanyRegistry,
    actor: Actor,
    data: ClientCreate,
) -> Client:
    """Add a company as a client (Invité), its identity filled from the registry."""
    firm_id = _firm_id(actor.principal)
    identifier = parse_identifier(data.identifier)
    existing = await repository.get_by_siren(session, firm_id, identifier.siren)
    if existing is not None:
        raise _already_client(existing)
    if identifier.siret:
        company = await registry.get_by_siret(identifier.siret)
    else:
        company = await registry.get_by_siren(identifier.siren)
    if company is None:
        raise CompanyNotInRegistry(
            f"Aucune entreprise avec le {'SIRET' if identifier.siret else 'SIREN'} "
            f"{identifier.lookup_key} au registre des entreprises."
        )
    if _is_closed(company):
        raise CompanyClosed(
            "Le registre indique que cette entreprise (ou cet établissement) a cessé son "
            "activité : elle ne peut pas devenir cliente."
        )
    client = Client(
        id=uuid.uuid4(),
        firm_id=firm_id,
        status=ClientStatus.INVITED,
        pa_status=PaStatus.NOT_REGISTERED,
        contact_first_name=data.contact_first_name,
        contact_last_name=data.contact_last_name,
        contact_email=str(data.contact_email) if data.contact_email else None,
        created_by_user_id=actor.principal.user_id,
        **client_values(company, fallback_name=data.legal_name, identifier=identifier),
    )
    await _insert_client(session, actor, client, {"siren": client.siren, "siret": client.siret})
    return client


async def _insert_client(
    session: AsyncSession,
    actor: Actor,
    client: Client,
    audit_data: dict[str, Any],
) -> None:
    """Add `client` (a clear 409 if another request added its SIREN meanwhile), audit it and
    announce it to the firm's webhooks."""
    try:
        async with session.begin_nested():
            await repository.add(session, client)
    except IntegrityError as error:
        existing = await repository.get_by_siren(session, client.firm_id, client.siren)
        if existing is None:
            raise
        raise _already_client(existing) from error
    await _audit(session, actor, "client.created", client, audit_data)
    await webhooks_service.publish(
        session, client.firm_id, WebhookEvent.CLIENT_CREATED, _event(client)
    )


def _already_client(existing: Client) -> ClientAlreadyExists:
    return ClientAlreadyExists(
        f"{existing.legal_name} (SIREN {existing.siren}) est déjà cliente du cabinet.",
        extra={"client_id": str(existing.id)},
    )


async def add_firm_itself(session: AsyncSession, registry: CompanyRegistry, actor: Actor) -> Client:
    """The firm becomes its own client: a company space in its name, active at once, with
    the caller as its first user."""
    firm_id = _firm_id(actor.principal)
    firm = await repository.get_workspace(session, firm_id)
    if firm is None or not firm.siren:
        raise FirmWithoutSiren("Renseignez le SIREN du cabinet avant de l'ajouter comme client.")
    existing = await repository.get_by_siren(session, firm_id, firm.siren)
    if existing is not None:
        raise _already_client(existing)
    identifier = Identifier(firm.siren, firm.siret)
    company = await registry.get_by_siren(firm.siren)
    if company is not None:
        values = client_values(company, fallback_name=firm.name, identifier=identifier)
    else:
        values = {
            "siren": firm.siren,
            "siret": firm.siret,
            "legal_name": firm.name,
            "search_name": search_name(firm.name) or "",
            "sort_name": " ".join(search_words(firm.name)),
            "address_line": firm.address_line,
            "postal_code": firm.postal_code,
            "city": firm.city,
            "vat_number": firm.vat_number,
        }
    space = Workspace(
        id=uuid.uuid4(),
        kind=WorkspaceKind.COMPANY,
        name=values["legal_name"][:200],
        siren=values["siren"],
        siret=values.get("siret"),
        vat_number=values.get("vat_number"),
        address_line=values.get("address_line"),
        postal_code=values.get("postal_code"),
        city=values.get("city"),
    )
    session.add(space)
    await session.flush()
    user = (
        await repository.get_user(session, actor.principal.user_id)
        if actor.principal.user_id
        else None
    )
    if user is not None:
        session.add(
            Membership(
                workspace_id=space.id,
                user_id=user.id,
                roles=frozenset({Role.COMPANY_USER}),
                status=MembershipStatus.ACTIVE,
            )
        )
    now = utcnow()
    client = Client(
        id=uuid.uuid4(),
        firm_id=firm_id,
        company_workspace_id=space.id,
        is_firm_itself=True,
        status=ClientStatus.ACTIVE,
        pa_status=PaStatus.NOT_REGISTERED,
        activated_at=now,
        contact_first_name=user.first_name if user else None,
        contact_last_name=user.last_name if user else None,
        contact_email=user.email if user else None,
        created_by_user_id=actor.principal.user_id,
        **values,
    )
    await _insert_client(
        session,
        actor,
        client,
        {"siren": client.siren, "firm_itself": True, "company_workspace_id": space.id},
    )
    return client


async def _audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    client: Client,
    data: dict[str, Any],
) -> None:
    """Record `action` by `principal` on `client`, in its firm's audit chain."""
    await audit.record(
        session,
        action,
        actor=actor,
        workspace_id=client.firm_id,
        target_type="client",
        target_id=client.id,
        data=data,
    )


def _event(client: Client) -> dict[str, object]:
    """What integrations receive about a client (webhooks)."""
    return {
        "client_id": str(client.id),
        "siren": client.siren,
        "siret": client.siret,
        "legal_name": client.legal_name,
        "status": client.status.value,
    }


# ---------------------------------------------------------------- read, update


async def get_client(session: AsyncSession, principal: Principal, client_id: uuid.UUID) -> Client:
    client = await repository.get_readable(session, principal, client_id)
    if client is None:
        raise ClientNotFound()
    return client


async def update_contact(
    session: AsyncSession,
    actor: Actor,
    client_id: uuid.UUID,
    data: ContactUpdate,
) -> Client:
    client = await get_client(session, actor.principal, client_id)
    changes = data.model_dump(exclude_unset=True)
    previous_email = (client.contact_email or "").lower()
    for field, value in changes.items():
        setattr(client, field, str(value) if value is not None else None)
    await session.flush()
    if "contact_email" in changes and (client.contact_email or "").lower() != previous_email:
        # The link sent to the previous contact must not open the company's space.
        await invitations.forget_invitation(session, client)
    await _audit(session, actor, "client.contact_updated", client, {"fields": sorted(changes)})
    return client


# ---------------------------------------------------------------- list, export


@dataclass(frozen=True, slots=True)
class ListQuery:
    q: str | None = None
    status: ClientStatus | None = None
    pa_status: PaStatus | None = None
    assignee_id: uuid.UUID | None = None
    plan: str | None = None
    sort: str = "name"
    invitation_status: InvitationStatus | None = None

    def filters(self) -> ClientFilters:
        q = (self.q or "").strip()
        compact = compact_identifier(q)
        digits = compact if compact.isdigit() else None
        return ClientFilters(
            q_words=() if digits else tuple(search_words(q))[:6],
            q_digits=digits,
            status=self.status,
            pa_status=self.pa_status,
            assignee_id=self.assignee_id,
            plan=self.plan,
            invitation_status=self.invitation_status,
            now=utcnow(),
        )


def _sort_key_reader(sort: str) -> Callable[[str], Any]:
    return datetime.fromisoformat if sort.endswith("created_at") else str


async def list_clients(
    session: AsyncSession,
    principal: Principal,
    query: ListQuery,
    *,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """One page as plain data (`ClientPage`'s shape): the hot path skips ORM objects."""
    after = (
        decode_sorted_cursor(cursor, query.sort, _sort_key_reader(query.sort)) if cursor else None
    )
    rows = await repository.list_page(
        session, principal, query.filters(), sort=query.sort, after=after, limit=limit
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_sorted_cursor(query.sort, last["_sort_key"], last["id"])
    now = utcnow()
    for row in rows:
        del row["_sort_key"]
        row["invitation_status"] = invitation_status(
            row["status"], row["invited_at"], row["invitation_expires_at"], now
        )
    return {"items": rows, "next_cursor": next_cursor}


EXPORT_HEADERS = (
    "SIREN",
    "SIRET",
    "Raison sociale",
    "Code postal",
    "Ville",
    "Statut",
    "Désignation PA",
    "Prénom du contact",
    "Nom du contact",
    "E-mail du contact",
    "Formule",
    "Payeur",
    "Créé le",
)
_STATUS_FR = {"invited": "Invité", "active": "Actif"}
_PA_STATUS_FR = {
    "not_registered": "Non inscrit",
    "pending": "En cours",
    "registered": "Inscrit",
    "error": "Erreur",
    "deregistered": "Désinscrit",
}
_PAYER_FR = {"firm": "Cabinet", "client": "Client"}


async def export_clients(session: AsyncSession, principal: Principal, query: ListQuery) -> bytes:
    """The clients of the current filter as an .xlsx (formula injection neutralised)."""
    rows: list[list[Any]] = []
    async for row in repository.stream_filtered(
        session, principal, query.filters(), sort=query.sort
    ):
        if len(rows) >= MAX_EXPORT_ROWS:
            break
        rows.append(
            [
                row["siren"],
                row["siret"],
                row["legal_name"],
                row["postal_code"],
                row["city"],
                _STATUS_FR.get(str(row["status"]), str(row["status"])),
                _PA_STATUS_FR.get(str(row["pa_status"]), str(row["pa_status"])),
                row["contact_first_name"],
                row["contact_last_name"],
                row["contact_email"],
                row["plan_code"],
                _PAYER_FR.get(str(row["payer"])) if row["payer"] else None,
                row["created_at"].date(),
            ]
        )
    return spreadsheet.write_workbook(
        "Clients",
        EXPORT_HEADERS,
        rows,
        formats={
            0: spreadsheet.TEXT_FORMAT,
            1: spreadsheet.TEXT_FORMAT,
            len(EXPORT_HEADERS) - 1: spreadsheet.DATE_FORMAT,
        },
    )


# ---------------------------------------------------------------- assignments


async def _accountants(
    session: AsyncSession, firm_id: uuid.UUID, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, repository.Collaborator]:
    found = await repository.active_accountants(session, firm_id, user_ids=user_ids)
    by_id = {collaborator.user_id: collaborator for collaborator in found}
    missing = [user_id for user_id in user_ids if user_id not in by_id]
    if missing:
        raise NotAnAccountant(
            "Seuls les membres actifs du cabinet ayant le rôle Comptable peuvent être affectés.",
            extra={"user_ids": [str(user_id) for user_id in missing]},
        )
    return by_id


async def assignees(
    session: AsyncSession, client_id: uuid.UUID
) -> list[tuple[ClientAssignment, Any]]:
    return await repository.assignments_of(session, client_id)


async def assign(
    session: AsyncSession,
    actor: Actor,
    client_id: uuid.UUID,
    user_id: uuid.UUID,
) -> None:
    """Assign a Comptable to a client (idempotent)."""
    client = await get_client(session, actor.principal, client_id)
    await _accountants(session, client.firm_id, [user_id])
    await _assign(session, actor, client, user_id)


async def _assign(
    session: AsyncSession,
    actor: Actor,
    client: Client,
    user_id: uuid.UUID,
) -> None:
    if await repository.get_assignment(session, client.id, user_id) is not None:
        return
    session.add(
        ClientAssignment(
            firm_id=client.firm_id,
            client_id=client.id,
            user_id=user_id,
            created_by_user_id=actor.principal.user_id,
        )
    )
    await session.flush()
    await _audit(session, actor, "client.assigned", client, {"user_id": user_id})


async def unassign(
    session: AsyncSession,
    actor: Actor,
    client_id: uuid.UUID,
    user_id: uuid.UUID,
) -> None:
    client = await get_client(session, actor.principal, client_id)
    if not await _unassign(session, actor, client, user_id):
        raise NotFound("Ce collaborateur n'est pas affecté à ce client.")


async def _unassign(
    session: AsyncSession,
    actor: Actor,
    client: Client,
    user_id: uuid.UUID,
) -> bool:
    """End one assignment (audited); False when there was none."""
    if not await repository.remove_assignment(session, client.id, user_id):
        return False
    await _audit(session, actor, "client.unassigned", client, {"user_id": user_id})
    return True


async def bulk_assign(
    session: AsyncSession,
    actor: Actor,
    client_ids: Sequence[uuid.UUID],
    user_ids: Sequence[uuid.UUID],
    action: str,
) -> list[BulkItemResult]:
    """Assign (or unassign) the same Comptables to many clients: one result per client."""
    firm_id = _firm_id(actor.principal)
    if action == "assign":
        await _accountants(session, firm_id, user_ids)

    async def one(client: Client) -> None:
        for user_id in user_ids:
            if action == "assign":
                await _assign(session, actor, client, user_id)
            else:
                await _unassign(session, actor, client, user_id)

    return await _for_each_client(session, actor.principal, client_ids, one)


async def _for_each_client(
    session: AsyncSession, principal: Principal, client_ids: Sequence[uuid.UUID], action: Any
) -> list[BulkItemResult]:
    """Run `action` per client in its own savepoint: one bad item never fails the others."""
    results: list[BulkItemResult] = []
    for client_id in dict.fromkeys(client_ids):
        client = await repository.get_readable(session, principal, client_id)
        if client is None:
            results.append(
                BulkItemResult(
                    id=client_id, ok=False, error=ClientNotFound.code, detail=ClientNotFound.title
                )
            )
            continue
        try:
            async with session.begin_nested():
                await action(client)
        except AppError as error:
            results.append(
                BulkItemResult(id=client_id, ok=False, error=error.code, detail=str(error))
            )
        except IntegrityError:
            results.append(
                BulkItemResult(
                    id=client_id,
                    ok=False,
                    error="conflict",
                    detail="Modifié en même temps par une autre action : réessayez.",
                )
            )
        else:
            results.append(BulkItemResult(id=client_id, ok=True))
    return results


# ---------------------------------------------------------------- subscriptions


def plans(settings: Settings) -> list[ClientPlan]:
    return list(settings.client_plans)


def _check_plan(settings: Settings, plan_code: str) -> None:
    if plan_code not in {plan.code for plan in settings.client_plans}:
        known = ", ".join(plan.code for plan in settings.client_plans)
        raise UnknownPlan(
            f"La formule « {plan_code} » n'existe pas (formules : {known}).",
            errors=[
                FieldError(
                    pointer="/body/plan_code", detail="Formule inconnue.", code=UnknownPlan.code
                )
            ],
        )


async def set_subscription(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    client_id: uuid.UUID,
    data: SubscriptionIn,
) -> ClientSubscription:
    client = await get_client(session, actor.principal, client_id)
    _check_plan(settings, data.plan_code)
    return await _set_subscription(session, actor, client, data)


async def _set_subscription(
    session: AsyncSession,
    actor: Actor,
    client: Client,
    data: SubscriptionIn,
) -> ClientSubscription:
    now = utcnow()
    subscription = await repository.get_subscription(session, client.id)
    previous = None
    if subscription is None:
        subscription = ClientSubscription(client_id=client.id, firm_id=client.firm_id)
        session.add(subscription)
    else:
        previous = {
            "plan_code": subscription.plan_code,
            "payer": subscription.payer,
            "status": subscription.status,
            "start_date": subscription.start_date,
        }
    subscription.plan_code = data.plan_code
    subscription.payer = data.payer
    subscription.status = data.status
    subscription.start_date = data.start_date
    subscription.updated_at = now
    subscription.updated_by_user_id = actor.principal.user_id
    session.add(
        ClientSubscriptionChange(
            client_id=client.id,
            plan_code=data.plan_code,
            payer=data.payer,
            status=data.status,
            start_date=data.start_date,
            changed_at=now,
            changed_by_user_id=actor.principal.user_id,
        )
    )
    await session.flush()
    await _audit(
        session,
        actor,
        "client.subscription_changed",
        client,
        {"from": previous, "to": data.model_dump()},
    )
    return subscription


async def bulk_set_subscription(
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    client_ids: Sequence[uuid.UUID],
    data: SubscriptionIn,
) -> list[BulkItemResult]:
    _check_plan(settings, data.plan_code)

    async def one(client: Client) -> None:
        await _set_subscription(session, actor, client, data)

    return await _for_each_client(session, actor.principal, client_ids, one)


async def subscription_of(
    session: AsyncSession, principal: Principal, client_id: uuid.UUID
) -> tuple[ClientSubscription | None, list[ClientSubscriptionChange]]:
    client = await get_client(session, principal, client_id)
    return (
        await repository.get_subscription(session, client.id),
        await repository.subscription_history(session, client.id),
    )


# ---------------------------------------------------------------- Excel import

# Rows analysed together: one registry lookup, one "already a client" query, one "earlier row
# of the file" query and one INSERT of report rows per batch. Memory holds one batch, never
# the file: a 20,000-row import costs what a 500-row one does, times the batches.
IMPORT_BATCH_SIZE = 500
IMPORT_PAGE_SIZE = 200
IMPORT_MAX_PAGE_SIZE = 200  # DESIGN: list pages stop at 200
# The file's unrecognised headers are shown back; a hostile header row can't grow the import.
_MAX_UNKNOWN_COLUMNS = 50
_MAX_HEADER_LENGTH = 100


def import_template() -> bytes:
    return spreadsheet.import_template()


_REASONS = {
    "missing-identifier": "SIREN ou SIRET manquant.",
    "invalid-identifier": "Un SIREN compte 9 chiffres et un SIRET 14.",
    "invalid-siren": "SIREN invalide : sa clé de contrôle est fausse.",
    "invalid-siret": "SIRET invalide : sa clé de contrôle est fausse.",
    "invalid-email": "Adresse e-mail du contact invalide.",
    "unknown-collaborator": "Collaborateur inconnu ou qui n'est pas Comptable actif du cabinet.",
    "company-not-found": "Entreprise introuvable au registre des entreprises.",
    "company-closed": "Entreprise fermée au registre : elle ne peut pas devenir cliente.",
    "already-client": "Déjà cliente du cabinet.",
    "duplicate-row": "Même entreprise qu'une ligne précédente du fichier.",
}
_CREATED = ClientImportOutcome.CREATED
_DUPLICATE = ClientImportOutcome.DUPLICATE
_INVALID = ClientImportOutcome.INVALID
_UNKNOWN = ClientImportOutcome.UNKNOWN


# Every report row carries every column: the batch is one multi-row INSERT.
_BLANK_ROW: dict[str, Any] = dict.fromkeys(repository.IMPORT_ROW_COLUMNS)


def _row(
    import_id: uuid.UUID,
    number: int,
    outcome: ClientImportOutcome,
    code: str | None = None,
    *,
    read: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """One report row; `read` is the cell's text the reason is about, shown back so the
    user sees what to correct without opening the file."""
    row = _BLANK_ROW | fields | {"import_id": import_id, "row": number, "outcome": outcome.value}
    if code:
        row["reason_code"] = code
        row["reason"] = _REASONS[code]
        if read and read.strip():
            row["reason"] = f"{_REASONS[code]} Lu : « {read.strip()[:60]} »."[:200]
    return row


def _check_identifier(text: str) -> Identifier | str:
    """The identifier, or the reason code why it is refused."""
    compact = compact_identifier(text)
    if not compact:
        return "missing-identifier"
    if siren_of_vat_number(compact) is None and (
        not compact.isdigit() or len(compact) not in (9, 14)
    ):
        return "invalid-identifier"
    try:
        return parse_identifier(compact)
    except AppError as error:
        return error.code


def _check_email(text: str) -> str | bool | None:
    """The normalised e-mail, None when absent, False when invalid."""
    if not text:
        return None
    try:
        return str(validate_email(text, check_deliverability=False).normalized)
    except EmailNotValidError:
        return False


async def analyse_import(
    session: AsyncSession,
    registry: CompanyRegistry,
    settings: Settings,
    actor: Actor,
    upload: BinaryIO,
    file_name: str | None,
) -> ClientImport:
    """Dry run: check the file, then say per row what confirming would do. Nothing is
    created; the analysed rows are kept until `expires_at` for the confirmation.

    `upload` is the spooled file: the sheet is read row by row and analysed by batches, each
    batch's report written at once, so memory does not grow with the file."""
    firm_id = _firm_id(actor.principal)
    spreadsheet.check_archive(
        upload,
        max_unzipped_bytes=settings.client_import_max_unzipped_bytes,
        max_ratio=settings.client_import_max_zip_ratio,
    )
    now = utcnow()
    with spreadsheet.open_import_sheet(upload, max_rows=settings.client_import_max_rows) as sheet:
        accountants = {
            collaborator.email.lower(): collaborator.user_id
            for collaborator in await repository.active_accountants(session, firm_id)
        }
        await repository.delete_expired_imports(session, now)
        client_import = ClientImport(
            id=uuid.uuid4(),
            firm_id=firm_id,
            created_by_user_id=actor.principal.user_id,
            file_name=(file_name or "")[:255] or None,
            status=ClientImportStatus.ANALYSED,
            created_at=now,
            expires_at=now + timedelta(minutes=settings.client_import_ttl_minutes),
            unknown_columns=[
                header[:_MAX_HEADER_LENGTH]
                for header in sheet.unknown_columns[:_MAX_UNKNOWN_COLUMNS]
            ],
        )
        session.add(client_import)
        await session.flush()
        counts = dict.fromkeys(ClientImportOutcome, 0)
        while batch := list(itertools.islice(sheet.rows, IMPORT_BATCH_SIZE)):
            report = await _analyse_batch(
                session, registry, firm_id, client_import.id, accountants, batch
            )
            await repository.insert_import_rows(session, report)
            for row in report:
                counts[ClientImportOutcome(row["outcome"])] += 1
    client_import.created_count = counts[ClientImportOutcome.CREATED]
    client_import.duplicate_count = counts[ClientImportOutcome.DUPLICATE]
    client_import.invalid_count = counts[ClientImportOutcome.INVALID]
    client_import.unknown_count = counts[ClientImportOutcome.UNKNOWN]
    await session.flush()
    await audit.record(
        session,
        "clients.import_analysed",
        actor=actor,
        workspace_id=firm_id,
        target_type="client_import",
        target_id=client_import.id,
        data={"file_name": client_import.file_name, "counts": import_counts(client_import)},
    )
    return client_import


async def _analyse_batch(
    session: AsyncSession,
    registry: CompanyRegistry,
    firm_id: uuid.UUID,
    import_id: uuid.UUID,
    accountants: dict[str, uuid.UUID],
    batch: Sequence[spreadsheet.SheetRow],
) -> list[dict[str, Any]]:
    """The report rows of one batch of sheet rows, in sheet order."""
    report: list[dict[str, Any]] = []
    # Rows whose own cells are fine: (their place in `report`, identifier, typed name, what
    # the sheet gives the client), reported once the registry answered.
    pending: list[tuple[int, Identifier, str | None, dict[str, Any]]] = []
    for sheet_row in batch:
        number, values = sheet_row.number, sheet_row.values
        identifier = _check_identifier(values.get("identifier", ""))
        if isinstance(identifier, str):
            read = values.get("identifier", "")
            report.append(_row(import_id, number, _INVALID, identifier, read=read))
            continue
        email = _check_email(values.get("contact_email", ""))
        collaborator_emails = [
            part.strip().lower()
            for part in re.split(r"[;,\s]+", values.get("collaborators", ""))
            if part.strip()
        ]
        if email is False:
            read = values.get("contact_email", "")
            report.append(
                _row(
                    import_id,
                    number,
                    _INVALID,
                    "invalid-email",
                    read=read,
                    siren=identifier.siren,
                )
            )
            continue
        unknown = [address for address in collaborator_emails if address not in accountants]
        if unknown:
            read = ", ".join(unknown)
            report.append(
                _row(
                    import_id,
                    number,
                    _INVALID,
                    "unknown-collaborator",
                    read=read,
                    siren=identifier.siren,
                )
            )
            continue
        sheet_values: dict[str, Any] = {
            "contact_first_name": values.get("contact_first_name", "")[:100] or None,
            "contact_last_name": values.get("contact_last_name", "")[:100] or None,
            "contact_email": email,
            "assignee_ids": list(
                dict.fromkeys(str(accountants[address]) for address in collaborator_emails)
            ),
        }
        report.append({"row": number})  # completed below
        typed_name = values.get("legal_name") or None
        pending.append((len(report) - 1, identifier, typed_name, sheet_values))
    if not pending:
        return report

    companies = await registry.lookup_many([pending_row[1].lookup_key for pending_row in pending])
    known_sirens = {company.siren for company in companies.values()}
    already = await repository.existing_sirens(session, firm_id, known_sirens)
    # SIREN → the row of this file that creates it (earlier batches, then this one).
    first_row_of = await repository.import_rows_creating(session, import_id, known_sirens - already)
    for index, identifier, typed_name, sheet_values in pending:
        number = report[index]["row"]
        company = companies.get(identifier.lookup_key)
        if company is None:
            row = _row(import_id, number, _UNKNOWN, "company-not-found", siren=identifier.siren)
        elif _is_closed(company):
            row = _row(import_id, number, _INVALID, "company-closed", siren=company.siren)
        elif company.siren in already:
            row = _row(import_id, number, _DUPLICATE, "already-client", siren=company.siren)
        elif company.siren in first_row_of:
            row = _row(import_id, number, _DUPLICATE, "duplicate-row", siren=company.siren)
            row["reason"] += f" (ligne {first_row_of[company.siren]})"
        else:
            first_row_of[company.siren] = number
            identity = client_values(company, fallback_name=typed_name, identifier=identifier)
            row = _row(import_id, number, _CREATED, **identity, **sheet_values)
        report[index] = row
    return report


def import_counts(client_import: ClientImport) -> dict[str, int]:
    return {
        "created": client_import.created_count,
        "duplicate": client_import.duplicate_count,
        "invalid": client_import.invalid_count,
        "unknown": client_import.unknown_count,
    }


async def get_import(
    session: AsyncSession, principal: Principal, import_id: uuid.UUID
) -> ClientImport:
    client_import = await repository.get_import(session, _firm_id(principal), import_id)
    if client_import is None:
        raise ImportNotFound()
    return client_import


@dataclass(frozen=True, slots=True)
class ImportRowsPage:
    rows: list[ClientImportRow]
    next_cursor: str | None


async def import_rows(
    session: AsyncSession,
    client_import: ClientImport,
    *,
    outcome: ClientImportOutcome | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> ImportRowsPage:
    """One page of an import's report, in sheet order (`limit` rows, by default
    `IMPORT_PAGE_SIZE`); the cursor is the last row served."""
    limit = limit or IMPORT_PAGE_SIZE
    after_row = 0
    if cursor is not None:
        (after_row,) = decode_cursor(cursor, 1)
        if type(after_row) is not int or not 0 <= after_row < 2**31:
            raise InvalidCursor("Curseur illisible : reprenez le rapport depuis la première page.")
    rows = await repository.import_rows_page(
        session, client_import.id, outcome=outcome, after_row=after_row, limit=limit + 1
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return ImportRowsPage(rows, encode_cursor([rows[-1].row]) if more else None)


@dataclass(frozen=True, slots=True)
class ImportConfirmed:
    client_import: ClientImport
    created: int
    skipped: int


async def confirm_import(
    session: AsyncSession,
    actor: Actor,
    import_id: uuid.UUID,
) -> ImportConfirmed:
    """Create the clients of the analysed rows, a batch of stored rows at a time. Each row
    is one INSERT that the database skips when the SIREN became a client meanwhile, so a row
    is created entirely or not at all, and confirming or re-importing never creates a client
    twice. A skipped row is reported from then on as `duplicate` (already a client)."""
    firm_id = _firm_id(actor.principal)
    client_import = await repository.get_import(session, firm_id, import_id, for_update=True)
    if client_import is None:
        raise ImportNotFound()
    if client_import.status == ClientImportStatus.CONFIRMED:
        raise ImportAlreadyConfirmed()
    now = utcnow()
    if client_import.expires_at < now:
        raise ImportExpired()
    created_count = skipped_count = 0
    after_row = 0
    while rows := await repository.import_rows_to_create(
        session, client_import.id, after_row=after_row, limit=IMPORT_BATCH_SIZE
    ):
        after_row = rows[-1]["row"]
        created = await repository.insert_new_clients(
            session,
            [
                {column: row[column] for column in repository.IMPORT_CLIENT_COLUMNS}
                | {
                    "id": uuid.uuid4(),
                    "firm_id": firm_id,
                    "status": ClientStatus.INVITED.value,
                    "pa_status": PaStatus.NOT_REGISTERED.value,
                    "is_firm_itself": False,
                    "created_at": now,
                    "created_by_user_id": actor.principal.user_id,
                }
                for row in rows
            ],
        )
        await repository.insert_assignments(
            session,
            [
                {
                    "id": uuid.uuid4(),
                    "firm_id": firm_id,
                    "client_id": created[row["siren"]],
                    "user_id": uuid.UUID(user_id),
                    "created_at": now,
                    "created_by_user_id": actor.principal.user_id,
                }
                for row in rows
                if row["siren"] in created
                for user_id in row["assignee_ids"] or []
            ],
        )
        skipped = [row["row"] for row in rows if row["siren"] not in created]
        await repository.mark_import_rows(
            session,
            client_import.id,
            skipped,
            outcome=_DUPLICATE,
            reason_code="already-client",
            reason=_REASONS["already-client"],
        )
        created_count += len(created)
        skipped_count += len(skipped)
    client_import.status = ClientImportStatus.CONFIRMED
    client_import.confirmed_at = now
    # The counts now say what the confirmation did.
    client_import.created_count -= skipped_count
    client_import.duplicate_count += skipped_count
    await session.flush()
    await audit.record(
        session,
        "clients.imported",
        actor=actor,
        workspace_id=firm_id,
        target_type="client_import",
        target_id=client_import.id,
        data={"created": created_count, "skipped": skipped_count},
    )
    return ImportConfirmed(client_import, created_count, skipped_count)


def _firm_id(principal: Principal) -> uuid.UUID:
    assert principal.workspace_id is not None  # `require(...)` guarantees it
    return principal.workspace_id


def today() -> date:
    return utcnow().date()


async def readable_clients(
    session: AsyncSession, principal: Principal, client_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Client]:
    """Many clients by id in a few queries (bulk actions of other domains); ids the caller
    may not read are simply absent."""
    wanted = list(dict.fromkeys(client_ids))
    found: dict[uuid.UUID, Client] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = await session.scalars(repository.readable(principal).where(Client.id.in_(chunk)))
        found.update((client.id, client) for client in rows)
    return found
