"""The Excel import of clients: a dry run stored row by row, then the confirmation that
creates the clients through the one creation path (`api.clients.service.create_clients`)."""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, BinaryIO

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.company_registry import CompanyRegistry
from api.audit import service as audit
from api.clients import repository as clients_repository
from api.clients import service as clients_service
from api.clients import spreadsheet
from api.clients.assignments import repository as assignments_repository
from api.clients.imports import repository
from api.clients.service import (
    Identifier,
    client_values,
    firm_id_of,
    is_closed,
    parse_identifier,
)
from api.companies.service import compact_identifier, siren_of_vat_number
from api.core.actor import Actor
from api.core.authz import Principal
from api.core.errors import AppError, Conflict, NotFound
from api.core.models import utcnow
from api.core.pagination import (
    InvalidCursor,
    decode_cursor,
    encode_cursor,
)
from api.core.settings import Settings
from api.models.client import (
    ClientImport,
    ClientImportOutcome,
    ClientImportRow,
    ClientImportStatus,
    ClientStatus,
    PaStatus,
)


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
    firm_id = firm_id_of(actor.principal)
    spreadsheet.check_archive(
        upload,
        max_unzipped_bytes=settings.client_import_max_unzipped_bytes,
        max_ratio=settings.client_import_max_zip_ratio,
    )
    now = utcnow()
    with spreadsheet.open_import_sheet(upload, max_rows=settings.client_import_max_rows) as sheet:
        accountants = {
            collaborator.email.lower(): collaborator.user_id
            for collaborator in await assignments_repository.active_accountants(session, firm_id)
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
        elif is_closed(company):
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
    client_import = await repository.get_import(session, firm_id_of(principal), import_id)
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
    firm_id = firm_id_of(actor.principal)
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
        created = await clients_service.create_clients(
            session,
            firm_id,
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
        await clients_repository.insert_assignments(
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
