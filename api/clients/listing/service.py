"""The list of a firm's clients (the busiest read: plain rows, sorted, by cursor) and its
.xlsx export of the current filter."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.company_registry.base import search_words
from api.clients import spreadsheet
from api.clients.listing import repository
from api.clients.listing.repository import ClientFilters
from api.companies.service import compact_identifier
from api.core.authz import Principal
from api.core.models import utcnow
from api.core.pagination import (
    decode_sorted_cursor,
    encode_sorted_cursor,
)
from api.models.client import (
    ClientStatus,
    InvitationStatus,
    PaStatus,
    invitation_status,
)
from api.models.mandate_request import MandateStage

MAX_EXPORT_ROWS = 50_000


@dataclass(frozen=True, slots=True)
class ListQuery:
    q: str | None = None
    status: ClientStatus | None = None
    pa_status: PaStatus | None = None
    assignee_id: uuid.UUID | None = None
    plan: str | None = None
    sort: str = "name"
    invitation_status: InvitationStatus | None = None
    mandate_stage: MandateStage | None = None

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
            mandate_stage=self.mandate_stage,
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
