"""Clients of a firm, their identity and creation: adding one from the registry, the firm
itself, and `create_clients`, the one path by which clients come to be (the Excel import
too). The list, assignments, subscriptions and the import live in their own folders.

Services flush, never commit: the request's unit of work commits. Every change is audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.company_registry import Company, CompanyRegistry
from api.adapters.company_registry.base import search_name, search_words
from api.audit import service as audit
from api.clients import invitations, repository
from api.clients.schemas import BulkItemResult, ClientCreate, ContactUpdate
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
from api.models.client import (
    Client,
    ClientStatus,
    PaStatus,
)
from api.models.membership import Membership, MembershipStatus
from api.models.workspace import Workspace, WorkspaceKind
from api.webhooks import service as webhooks_service
from api.webhooks.events import WebhookEvent

DEFAULT_PAGE_SIZE = 50


MAX_PAGE_SIZE = 200


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


class FirmWithoutSiren(UnprocessableEntity):
    code = "firm-without-siren"
    title = "Le cabinet n'a pas de SIREN"


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


def looks_like_formula(text: str) -> bool:
    return text.startswith(("=", "+", "-", "@"))


def client_values(
    company: Company, *, fallback_name: str | None, identifier: Identifier
) -> dict[str, Any]:
    """The client's identity columns, from the registry (its name wins over a typed one)."""
    name = company.legal_name
    if not name:
        typed = (fallback_name or "").strip()
        name = typed if typed and not looks_like_formula(typed) else None
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


def is_closed(company: Company) -> bool:
    return company.is_closed or company.establishment_state == "closed"


async def add_client(
    session: AsyncSession,
    registry: CompanyRegistry,
    actor: Actor,
    data: ClientCreate,
) -> Client:
    """Add a company as a client (Invité), its identity filled from the registry."""
    firm_id = firm_id_of(actor.principal)
    identifier = parse_identifier(data.identifier)
    existing = await repository.get_by_siren(session, firm_id, identifier.siren)
    if existing is not None:
        raise already_client(existing)
    if identifier.siret:
        company = await registry.get_by_siret(identifier.siret)
    else:
        company = await registry.get_by_siren(identifier.siren)
    if company is None:
        raise CompanyNotInRegistry(
            f"Aucune entreprise avec le {'SIRET' if identifier.siret else 'SIREN'} "
            f"{identifier.lookup_key} au registre des entreprises."
        )
    if is_closed(company):
        raise CompanyClosed(
            "Le registre indique que cette entreprise (ou cet établissement) a cessé son "
            "activité : elle ne peut pas devenir cliente."
        )
    values = client_values(company, fallback_name=data.legal_name, identifier=identifier) | {
        "firm_id": firm_id,
        "status": ClientStatus.INVITED.value,
        "pa_status": PaStatus.NOT_REGISTERED.value,
        "contact_first_name": data.contact_first_name,
        "contact_last_name": data.contact_last_name,
        "contact_email": str(data.contact_email) if data.contact_email else None,
        "created_by_user_id": actor.principal.user_id,
    }
    return await _create_one(
        session, actor, values, lambda client: {"siren": client.siren, "siret": client.siret}
    )


async def create_clients(
    session: AsyncSession, firm_id: uuid.UUID, rows: Sequence[dict[str, Any]]
) -> dict[str, uuid.UUID]:
    """The one path by which clients of `firm_id` come to be, added by hand, the firm itself
    or imported: each row (the `clients` columns) is inserted unless its SIREN already is a
    client of the firm, which the database itself skips (concurrent requests never create a
    client twice), and each client created is announced to the firm's webhooks
    (`client.created`, docs/integrations.md). Returns SIREN → id of the clients created."""
    now = utcnow()
    rows = [{"id": uuid.uuid4(), "created_at": now} | row for row in rows]
    created = await repository.insert_new_clients(session, rows)
    await webhooks_service.publish_many(
        session,
        firm_id,
        WebhookEvent.CLIENT_CREATED,
        [_created_event(row, created[row["siren"]]) for row in rows if row["siren"] in created],
    )
    return created


async def _create_one(
    session: AsyncSession,
    actor: Actor,
    values: dict[str, Any],
    audit_data: Callable[[Client], dict[str, Any]],
) -> Client:
    """One client by `create_clients` (a clear 409 if another request added its SIREN
    meanwhile), audited as created by the actor."""
    created = await create_clients(session, values["firm_id"], [values])
    client_id = created.get(values["siren"])
    if client_id is None:
        existing = await repository.get_by_siren(session, values["firm_id"], values["siren"])
        raise already_client(existing) if existing is not None else ClientAlreadyExists()
    client = await repository.get(session, client_id)
    await audit_change(session, actor, "client.created", client, audit_data(client))
    return client


def already_client(existing: Client) -> ClientAlreadyExists:
    return ClientAlreadyExists(
        f"{existing.legal_name} (SIREN {existing.siren}) est déjà cliente du cabinet.",
        extra={"client_id": str(existing.id)},
    )


async def add_firm_itself(session: AsyncSession, registry: CompanyRegistry, actor: Actor) -> Client:
    """The firm becomes its own client: a company space in its name, active at once, with
    the caller as its first user."""
    firm_id = firm_id_of(actor.principal)
    firm = await repository.get_workspace(session, firm_id)
    if firm is None or not firm.siren:
        raise FirmWithoutSiren("Renseignez le SIREN du cabinet avant de l'ajouter comme client.")
    existing = await repository.get_by_siren(session, firm_id, firm.siren)
    if existing is not None:
        raise already_client(existing)
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
    client_row = values | {
        "firm_id": firm_id,
        "company_workspace_id": space.id,
        "is_firm_itself": True,
        "status": ClientStatus.ACTIVE.value,
        "pa_status": PaStatus.NOT_REGISTERED.value,
        "activated_at": now,
        "contact_first_name": user.first_name if user else None,
        "contact_last_name": user.last_name if user else None,
        "contact_email": user.email if user else None,
        "created_by_user_id": actor.principal.user_id,
    }
    return await _create_one(
        session,
        actor,
        client_row,
        lambda client: {
            "siren": client.siren,
            "firm_itself": True,
            "company_workspace_id": space.id,
        },
    )


async def audit_change(
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


def _created_event(row: dict[str, Any], client_id: uuid.UUID) -> dict[str, object]:
    """What integrations receive about a client created (`client.created`)."""
    return {
        "client_id": str(client_id),
        "siren": row["siren"],
        "siret": row["siret"],
        "legal_name": row["legal_name"],
        "status": str(row["status"]),
    }


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
    await audit_change(
        session, actor, "client.contact_updated", client, {"fields": sorted(changes)}
    )
    return client


async def for_each_client(
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


def firm_id_of(principal: Principal) -> uuid.UUID:
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
