"""Streams the official INSEE SIRENE stock files into the local tables.

`StockUniteLegale_utf8.csv` and `StockEtablissement_utf8.csv` are recognised by their
header (real INSEE column names; columns Comptoir does not use, and any added by newer
files, are ignored). Rows are read one by one and written in batches, each batch replacing
the rows with the same key, so memory stays constant and a re-import is idempotent. On
PostgreSQL a batch is written with COPY through the raw asyncpg connection, in the session's
transaction.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.adapters.company_registry.base import search_name
from api.core.models import Base
from api.models.sirene import SireneEstablishment, SireneUnit

NOT_DIFFUSED = "[ND]"
DEFAULT_BATCH_SIZE = 20_000
# SQLite binds at most 32,766 parameters per statement (the DELETE … IN of a batch).
SQLITE_BATCH_SIZE = 5_000

# INSEE `typeVoie` codes, spelled out as on a letter.
_STREET_TYPES = {
    "ALL": "ALLÉE",
    "AV": "AVENUE",
    "BD": "BOULEVARD",
    "CAR": "CARREFOUR",
    "CHE": "CHEMIN",
    "CHS": "CHAUSSÉE",
    "CRS": "COURS",
    "ESP": "ESPLANADE",
    "FG": "FAUBOURG",
    "HAM": "HAMEAU",
    "IMP": "IMPASSE",
    "LD": "LIEU-DIT",
    "LOT": "LOTISSEMENT",
    "MTE": "MONTÉE",
    "PAS": "PASSAGE",
    "PL": "PLACE",
    "PRO": "PROMENADE",
    "QU": "QUAI",
    "QUA": "QUARTIER",
    "RES": "RÉSIDENCE",
    "RPT": "ROND-POINT",
    "RTE": "ROUTE",
    "SQ": "SQUARE",
    "TRA": "TRAVERSE",
}


class StockKind(StrEnum):
    UNITS = "unités légales"
    ESTABLISHMENTS = "établissements"


class SireneImportError(Exception):
    """A file that is not a SIRENE stock file (message in French, for the command line)."""


@dataclass(frozen=True)
class ImportReport:
    path: Path
    kind: StockKind
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class _Layout:
    kind: StockKind
    table: Table
    key: str
    columns: tuple[str, ...]
    to_record: Callable[[list[str]], tuple[Any, ...]]


def _clean(value: str) -> str | None:
    """Empty and `[ND]` both mean "nothing we may show"."""
    return value if value and value != NOT_DIFFUSED else None


def _column_reader(header: Sequence[str]) -> Callable[[str], Callable[[list[str]], str]]:
    positions = {name: index for index, name in enumerate(header)}

    def column(name: str) -> Callable[[list[str]], str]:
        index = positions.get(name)
        if index is None:
            return lambda _row: ""
        return lambda row: row[index] if index < len(row) else ""

    return column


def _units_layout(header: Sequence[str]) -> _Layout:
    column = _column_reader(header)
    siren = column("siren")
    status = column("statutDiffusionUniteLegale")
    state = column("etatAdministratifUniteLegale")
    denomination = column("denominationUniteLegale")
    usual_name = column("denominationUsuelle1UniteLegale")
    acronym = column("sigleUniteLegale")
    last_name = column("nomUniteLegale")
    used_last_name = column("nomUsageUniteLegale")
    first_name = column("prenom1UniteLegale")
    used_first_name = column("prenomUsuelUniteLegale")
    legal_category = column("categorieJuridiqueUniteLegale")
    activity = column("activitePrincipaleUniteLegale")
    head_office_nic = column("nicSiegeUniteLegale")

    def to_record(row: list[str]) -> tuple[Any, ...]:
        unit_siren = siren(row)
        diffusible = status(row) != "P"
        legal_name = acronym_name = usual = None
        if diffusible:
            legal_name = _clean(denomination(row))
            if legal_name is None:
                # An individual entrepreneur: "PRÉNOM NOM", as the public API spells it.
                person = " ".join(
                    part
                    for part in (
                        _clean(used_first_name(row)) or _clean(first_name(row)),
                        _clean(used_last_name(row)) or _clean(last_name(row)),
                    )
                    if part
                )
                legal_name = person or None
            acronym_name = _clean(acronym(row))
            usual = _clean(usual_name(row))
        nic = _clean(head_office_nic(row))
        return (
            unit_siren,
            diffusible,
            state(row) != "C",
            legal_name,
            search_name(legal_name, acronym_name, usual),
            _clean(legal_category(row)),
            _clean(activity(row)),
            unit_siren + nic if nic else None,
        )

    return _Layout(
        StockKind.UNITS,
        Base.metadata.tables[SireneUnit.__tablename__],
        "siren",
        (
            "siren",
            "diffusible",
            "is_active",
            "legal_name",
            "search_name",
            "nature_juridique",
            "activite_principale",
            "head_office_siret",
        ),
        to_record,
    )


def _establishments_layout(header: Sequence[str]) -> _Layout:
    column = _column_reader(header)
    siret = column("siret")
    status = column("statutDiffusionEtablissement")
    state = column("etatAdministratifEtablissement")
    head_office = column("etablissementSiege")
    complement = column("complementAdresseEtablissement")
    number = column("numeroVoieEtablissement")
    repetition = column("indiceRepetitionEtablissement")
    street_type = column("typeVoieEtablissement")
    street = column("libelleVoieEtablissement")
    postal_code = column("codePostalEtablissement")
    city = column("libelleCommuneEtablissement")
    foreign_city = column("libelleCommuneEtrangerEtablissement")
    activity = column("activitePrincipaleEtablissement")

    def to_record(row: list[str]) -> tuple[Any, ...]:
        establishment_siret = siret(row)
        diffusible = status(row) != "P"
        address_line = None
        if diffusible:
            kind = _clean(street_type(row))
            street_part = " ".join(
                part
                for part in (
                    (_clean(number(row)) or "") + (_clean(repetition(row)) or ""),
                    _STREET_TYPES.get(kind, kind) if kind else None,
                    _clean(street(row)),
                )
                if part
            )
            address_line = (
                ", ".join(part for part in (_clean(complement(row)), street_part) if part) or None
            )
        return (
            establishment_siret,
            establishment_siret[:9],
            diffusible,
            state(row) != "F",
            head_office(row) == "true",
            address_line,
            _clean(postal_code(row)),
            _clean(city(row)) or _clean(foreign_city(row)),
            _clean(activity(row)),
        )

    return _Layout(
        StockKind.ESTABLISHMENTS,
        Base.metadata.tables[SireneEstablishment.__tablename__],
        "siret",
        (
            "siret",
            "siren",
            "diffusible",
            "is_active",
            "is_head_office",
            "address_line",
            "postal_code",
            "city",
            "activite_principale",
        ),
        to_record,
    )


def _layout_for(header: Sequence[str], path: Path) -> _Layout:
    names = set(header)
    if {"siren", "statutDiffusionUniteLegale"} <= names:
        return _units_layout(header)
    if {"siret", "statutDiffusionEtablissement"} <= names:
        return _establishments_layout(header)
    raise SireneImportError(
        f"{path.name} : en-tête inconnu, ni StockUniteLegale ni StockEtablissement."
    )


def _batches(
    rows: Iterator[list[str]], layout: _Layout, size: int
) -> Iterator[list[tuple[Any, ...]]]:
    """Records by batch, deduplicated on the key (a later row wins) so COPY never collides."""
    batch: dict[str, tuple[Any, ...]] = {}
    for row in rows:
        if not row:
            continue
        record = layout.to_record(row)
        batch[record[0]] = record
        if len(batch) >= size:
            yield list(batch.values())
            batch = {}
    if batch:
        yield list(batch.values())


async def _replace(connection: AsyncConnection, layout: _Layout, records: list[Any]) -> None:
    keys = [record[0] for record in records]
    if connection.dialect.name == "postgresql":
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        table = layout.table.name
        await driver.execute(
            f"DELETE FROM {table} WHERE {layout.key} = ANY($1::varchar[])",  # noqa: S608 (names are ours)
            keys,
        )
        await driver.copy_records_to_table(table, records=records, columns=layout.columns)
        return
    key_column = layout.table.c[layout.key]
    await connection.execute(delete(layout.table).where(key_column.in_(keys)))
    await connection.execute(
        insert(layout.table), [dict(zip(layout.columns, record, strict=True)) for record in records]
    )


async def import_stock_file(
    session: AsyncSession,
    path: Path,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: Callable[[StockKind, int], None] | None = None,
    commit_every_batch: bool = True,
) -> ImportReport:
    """Import one stock file, committing after each batch (a multi-GB file never sits in one
    transaction; an interrupted import resumes by running it again). With
    `commit_every_batch=False` the caller's unit of work commits (small files only)."""
    started = time.perf_counter()
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        batch_size = min(batch_size, SQLITE_BATCH_SIZE)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise SireneImportError(f"{path} : lecture impossible ({error.strerror}).") from error
    with handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise SireneImportError(f"{path.name} : fichier vide.")
        layout = _layout_for([name.strip().lstrip("\ufeff") for name in header], path)
        rows = 0
        for records in _batches(reader, layout, batch_size):
            await _replace(await session.connection(), layout, records)
            if commit_every_batch:
                await session.commit()
            rows += len(records)
            if on_progress:
                on_progress(layout.kind, rows)
    return ImportReport(path, layout.kind, rows, time.perf_counter() - started)
