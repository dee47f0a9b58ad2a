"""Streams the official INSEE SIRENE stock files into the local tables.

`StockUniteLegale_utf8.csv` and `StockEtablissement_utf8.csv` are recognised by their
header (real INSEE column names; columns Comptoir does not use, and any added by newer
files, are ignored). Rows are read one by one and written in batches, each batch replacing
the rows with the same key, so memory stays constant and a re-import is idempotent. On
PostgreSQL a batch is written with COPY through the raw asyncpg connection, in the session's
transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
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
    table: str
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


_CATEGORIES = frozenset({"GE", "ETI", "PME"})


def _category(value: str) -> str | None:
    """INSEE `categorieEntreprise` (GE, ETI, PME); empty or unknown values are None."""
    value = value.strip().upper()
    return value if value in _CATEGORIES else None


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
    category = column("categorieEntreprise")

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
            _category(category(row)),
        )

    return _Layout(
        StockKind.UNITS,
        SireneUnit.__tablename__,
        (
            "siren",
            "diffusible",
            "is_active",
            "legal_name",
            "search_name",
            "nature_juridique",
            "activite_principale",
            "head_office_siret",
            "categorie_entreprise",
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
        SireneEstablishment.__tablename__,
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


async def _replace(
    connection: AsyncConnection, stock: StockRecords, records: list[tuple[Any, ...]]
) -> None:
    """Delete the batch's keys, then insert the batch: a re-import replaces, never doubles."""
    key = stock.columns[0]
    keys = [record[0] for record in records]
    if connection.dialect.name == "postgresql":
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.execute(
            f"DELETE FROM {stock.table} WHERE {key} = ANY($1::varchar[])",  # noqa: S608 (our names)
            keys,
        )
        await driver.copy_records_to_table(stock.table, records=records, columns=stock.columns)
        return
    table = Base.metadata.tables[stock.table]
    await connection.execute(delete(table).where(table.c[key].in_(keys)))
    await connection.execute(
        insert(table), [dict(zip(stock.columns, record, strict=True)) for record in records]
    )


@dataclass(frozen=True)
class StockRecords:
    """A stock file read as table records: `rows` is a lazy iterator (constant memory)."""

    kind: StockKind
    table: str
    columns: tuple[str, ...]
    rows: Iterator[tuple[Any, ...]]


@contextlib.contextmanager
def read_stock_file(path: Path) -> Iterator[StockRecords]:
    """Open a stock file, recognise it by its header and yield its records one by one."""
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
        records = (layout.to_record(row) for row in reader if row)
        yield StockRecords(layout.kind, layout.table, layout.columns, records)


def _batches(records: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    """Records by batch, deduplicated on the key (a later row wins) so COPY never collides."""
    batch: dict[str, tuple[Any, ...]] = {}
    for record in records:
        batch[record[0]] = record
        if len(batch) >= size:
            yield list(batch.values())
            batch = {}
    if batch:
        yield list(batch.values())


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
    rows = 0
    with read_stock_file(path) as stock:
        batches = _batches(stock.rows, batch_size)
        # Parse the next batch in a thread while PostgreSQL writes this one (index upkeep
        # is server time): the import then costs about max(parse, write), not their sum.
        next_batch = asyncio.create_task(asyncio.to_thread(next, batches, None))
        while (records := await next_batch) is not None:
            next_batch = asyncio.create_task(asyncio.to_thread(next, batches, None))
            await _replace(await session.connection(), stock, records)
            if commit_every_batch:
                await session.commit()
            rows += len(records)
            if on_progress:
                on_progress(stock.kind, rows)
    return ImportReport(path, stock.kind, rows, time.perf_counter() - started)
