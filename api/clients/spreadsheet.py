"""Excel files of the clients domain: the import template, reading an uploaded file safely,
and the export of a filtered list.

An uploaded workbook is hostile until proven otherwise. Before openpyxl sees it: a size cap,
the zip container checked (entry count, total and per-entry uncompressed size, compression
ratio), and every XML part scanned for a DTD (Excel never writes one; entity expansion
attacks need one). openpyxl then parses through defusedxml and is asked for cell *values as
written*: a formula stays the text "=…" and is never evaluated.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from api.companies.service import restore_leading_zeros
from api.core.errors import AppError
from api.core.input import one_line

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ZIP_ENTRIES = 500
# Compression ratios are only checked above this size: small XML parts compress very well.
RATIO_CHECK_FROM_BYTES = 1024 * 1024
_SCAN_CHUNK = 64 * 1024
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class SpreadsheetRefused(AppError):
    status = 422
    code = "spreadsheet-refused"
    title = "Fichier refusé"


class SpreadsheetTooLarge(SpreadsheetRefused):
    status = 413
    code = "spreadsheet-too-large"
    title = "Fichier trop volumineux"


class NotAnExcelFile(SpreadsheetRefused):
    status = 415
    code = "not-an-excel-file"
    title = "Ce fichier n'est pas un classeur Excel (.xlsx)"


class UnsafeSpreadsheet(SpreadsheetRefused):
    code = "unsafe-spreadsheet"
    title = "Fichier Excel malformé ou dangereux"


@dataclass(frozen=True, slots=True)
class ImportColumn:
    key: str
    header: str  # as written in the template (French)
    width: int
    help: str


IMPORT_COLUMNS = (
    ImportColumn(
        "identifier",
        "SIREN ou SIRET",
        20,
        "9 chiffres (SIREN), 14 (SIRET) ou le numéro de TVA (FR…) de l'entreprise.",
    ),
    ImportColumn(
        "legal_name",
        "Raison sociale",
        36,
        "Pour vous repérer : le nom officiel du registre des entreprises le remplace.",
    ),
    ImportColumn("contact_first_name", "Prénom du contact", 18, "Facultatif."),
    ImportColumn("contact_last_name", "Nom du contact", 18, "Facultatif."),
    ImportColumn(
        "contact_email",
        "E-mail du contact",
        32,
        "Facultatif ; recevra l'invitation à activer l'espace de l'entreprise.",
    ),
    ImportColumn(
        "collaborators",
        "Collaborateurs (e-mails)",
        36,
        "Facultatif : e-mails des Comptables du cabinet à affecter, séparés par « ; ».",
    ),
)


def header_key(text: str) -> str:
    """Header matching ignores case, accents, spacing and punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if char.isalnum())


# The clients export is an import file too: its identifier columns are read as the
# identifier (the first one found wins: SIREN, then SIRET), and the columns only the export has
# (the registry's and the platform's own data) are known, ignored without a warning.
IDENTIFIER_HEADERS = ("SIREN", "SIRET", "N° SIREN", "N° SIRET", "Numéro de TVA")
EXPORT_ONLY_HEADERS = (
    "Code postal",
    "Ville",
    "Statut",
    "Désignation PA",
    "Formule",
    "Payeur",
    "Créé le",
)
_IGNORED = "ignored"
_COLUMN_BY_HEADER = (
    {header_key(header): _IGNORED for header in EXPORT_ONLY_HEADERS}
    | {header_key(header): "identifier" for header in IDENTIFIER_HEADERS}
    | {header_key(column.header): column.key for column in IMPORT_COLUMNS}
)


def import_template() -> bytes:
    """The import template: a "Clients" sheet with the French headers and data validation,
    and an "Instructions" sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Clients"
    sheet.append([column.header for column in IMPORT_COLUMNS])
    for index, column in enumerate(IMPORT_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = column.width
        # Text format: Excel would otherwise drop a SIRET's leading zeros or show 6E+13.
        for row in range(2, 5002):
            sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    identifier = DataValidation(
        type="textLength",
        operator="between",
        formula1="9",
        formula2="17",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="SIREN ou SIRET",
        error="Saisissez un SIREN (9 chiffres) ou un SIRET (14 chiffres).",
        promptTitle="SIREN ou SIRET",
        prompt="9 chiffres (SIREN) ou 14 chiffres (SIRET), espaces acceptés.",
        showInputMessage=True,
    )
    identifier.add("A2:A5001")
    email = DataValidation(
        type="custom",
        formula1='ISNUMBER(FIND("@",E2))',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="E-mail du contact",
        error="Saisissez une adresse e-mail valide.",
    )
    email.add("E2:E5001")
    sheet.add_data_validation(identifier)
    sheet.add_data_validation(email)

    instructions = workbook.create_sheet("Instructions")
    instructions.column_dimensions["A"].width = 28
    instructions.column_dimensions["B"].width = 90
    instructions.append(["Import de clients dans Comptoir"])
    instructions["A1"].font = Font(bold=True, size=14)
    lines = [
        "Remplissez une ligne par entreprise dans l'onglet « Clients », à partir de la ligne 2.",
        "Seule la colonne « SIREN ou SIRET » est obligatoire ; l'ordre des colonnes est libre.",
        "Le nom, l'adresse, la TVA, la forme juridique et l'activité viennent du registre des "
        "entreprises (INSEE) : les valeurs saisies ne les remplacent pas.",
        "Une entreprise fermée, un SIREN inconnu du registre ou une adresse e-mail invalide "
        "sont signalés ligne par ligne avant toute création.",
        "Une entreprise déjà cliente n'est jamais créée deux fois : vous pouvez renvoyer le "
        "même fichier sans risque.",
        "Rien n'est créé avant votre confirmation du rapport d'import.",
    ]
    for line in lines:
        instructions.append(["", line])
    instructions.append([])
    instructions.append(["Colonne", "Contenu"])
    for column in IMPORT_COLUMNS:
        instructions.append([column.header, column.help])
    for row in instructions.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def check_archive(upload: BinaryIO, *, max_unzipped_bytes: int, max_ratio: int) -> None:
    """Refuse anything but a plausible, bounded .xlsx container, before any XML is parsed.
    `upload` is the spooled file (seekable); it is read through, never loaded whole."""
    upload.seek(0)
    if upload.read(4) != b"PK\x03\x04":
        raise NotAnExcelFile("Enregistrez le fichier au format Excel (.xlsx) puis réessayez.")
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise NotAnExcelFile("Le fichier est endommagé ou n'est pas un classeur .xlsx.") from error
    with archive:
        entries = archive.infolist()
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise NotAnExcelFile("Enregistrez le fichier au format Excel (.xlsx) puis réessayez.")
        if len(entries) > MAX_ZIP_ENTRIES:
            raise UnsafeSpreadsheet("Le classeur contient un nombre anormal de parties.")
        if sum(entry.file_size for entry in entries) > max_unzipped_bytes:
            raise UnsafeSpreadsheet("Le classeur décompressé serait anormalement volumineux.")
        for entry in entries:
            if entry.file_size > RATIO_CHECK_FROM_BYTES and (
                entry.file_size > max_ratio * max(entry.compress_size, 1)
            ):
                raise UnsafeSpreadsheet("Le classeur est anormalement compressé (bombe zip).")
        budget = max_unzipped_bytes
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels", ".vml")):
                budget -= _scan_xml_part(archive, entry, budget)
    upload.seek(0)


def _scan_xml_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: int) -> int:
    """Stream one part: count what it really inflates to (headers can lie) and refuse a DTD."""
    inflated = 0
    tail = b""
    try:
        with archive.open(entry) as part:
            while chunk := part.read(_SCAN_CHUNK):
                inflated += len(chunk)
                if inflated > budget:
                    raise UnsafeSpreadsheet(
                        "Le classeur décompressé serait anormalement volumineux."
                    )
                if _DTD.search(tail + chunk):
                    raise UnsafeSpreadsheet(
                        "Le classeur contient une déclaration XML interdite (DTD/entité)."
                    )
                tail = chunk[-16:]
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as error:
        raise NotAnExcelFile("Le fichier est endommagé ou n'est pas un classeur .xlsx.") from error
    return inflated


@dataclass(frozen=True, slots=True)
class SheetRow:
    number: int  # the Excel row number, as the user sees it
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class ImportSheet:
    unknown_columns: list[str]
    rows: Iterator[SheetRow]  # read as it is consumed: the sheet is never held whole


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a SIREN typed as a number
    return str(value).strip()


def _identifier_text(value: Any) -> str:
    """An identifier cell: one Excel stored as a number lost its leading zeros."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return restore_leading_zeros(value)
    return _cell_text(value)


@contextmanager
def open_import_sheet(upload: BinaryIO, *, max_rows: int) -> Iterator[ImportSheet]:
    """The first sheet (or "Clients"): its header read at once, then its data rows keyed by
    column, one at a time as `rows` is consumed (openpyxl read-only streams the sheet's XML
    from the file); blank rows are skipped. Call `check_archive` first."""
    upload.seek(0)
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many types on malformed parts
        raise UnsafeSpreadsheet("Le classeur n'a pas pu être lu.") from error
    try:
        try:
            sheet = (
                workbook["Clients"] if "Clients" in workbook.sheetnames else workbook.worksheets[0]
            )
            cells = sheet.iter_rows(values_only=True)
            columns, unknown = _header(next(cells, None))
        except AppError:
            raise
        except Exception as error:
            raise UnsafeSpreadsheet("Le classeur n'a pas pu être lu.") from error
        yield ImportSheet(unknown, _data_rows(cells, columns, max_rows))
    finally:
        workbook.close()


def _header(header: Sequence[Any] | None) -> tuple[dict[int, str], list[str]]:
    """Column index → template key, and the headers no template column matches."""
    if header is None:
        raise SpreadsheetRefused("La première feuille est vide.")
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for index, title in enumerate(header):
        text = _cell_text(title)
        if not text:
            continue
        key = _COLUMN_BY_HEADER.get(header_key(text))
        if key is None:
            unknown.append(text)
        elif key != _IGNORED and key not in columns.values():
            columns[index] = key
    if "identifier" not in columns.values():
        raise SpreadsheetRefused(
            "Colonne « SIREN ou SIRET » introuvable : partez du modèle d'import."
        )
    return columns, unknown


def _data_rows(
    cells: Iterator[Sequence[Any]], columns: dict[int, str], max_rows: int
) -> Iterator[SheetRow]:
    kept = 0
    try:
        for number, row in enumerate(cells, start=2):
            values = {
                key: (_identifier_text if key == "identifier" else _cell_text)(row[i])
                for i, key in columns.items()
                if i < len(row)
            }
            if not any(values.values()):
                # Physical rows are bounded too: a file of a million empty rows is refused.
                if number > max_rows + 1000:
                    raise SpreadsheetTooLarge(f"Au plus {max_rows} lignes par import.")
                continue
            if kept >= max_rows:
                raise SpreadsheetTooLarge(
                    f"Au plus {max_rows} lignes par import : découpez le fichier."
                )
            kept += 1
            yield SheetRow(number, values)
    except AppError:
        raise
    except Exception as error:
        raise UnsafeSpreadsheet("Le classeur n'a pas pu être lu.") from error


_INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula is prefixed with a quote
    (OWASP CSV/formula injection); a control character stored before the input policy (which
    openpyxl refuses, XML 1.0 has no place for it) becomes a space instead of failing the
    whole export."""
    if not isinstance(value, str):
        return value
    if value.startswith(_INJECTION_PREFIXES):
        value = "'" + value
    return one_line(value)


TEXT_FORMAT = "@"  # identifiers: Excel must not turn 012345674 into 12345674
DATE_FORMAT = "DD/MM/YYYY"


def write_workbook(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    formats: Mapping[int, str] | None = None,
) -> bytes:
    """A one-sheet workbook written in streaming mode (constant memory per row); `formats`
    gives a column (by index) its number format."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(list(headers))
    formats = formats or {}
    for row in rows:
        cells: list[Any] = []
        for index, value in enumerate(row):
            value = neutralise(value)
            number_format = formats.get(index)
            if number_format is not None and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                value = cell
            cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
