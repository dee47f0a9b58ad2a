"""The Excel import: the shared sample gives the documented report row by row, confirming is
idempotent, and hostile files are refused with a clear 4xx leaving nothing behind."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import AsyncIterator
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.clients.imports import service
from api.clients.spreadsheet import XLSX_MEDIA_TYPE
from api.core.authz import Role
from api.core.settings import Settings
from api.core.state import state_of
from api.models.client import Client, ClientAssignment, ClientImport, ClientImportRow
from api.models.webhook import WebhookDelivery, WebhookEndpoint
from tests.clients.conftest import SAMPLE_DIR, Firm, member
from tests.shared_data import skip_module_without

pytestmark = pytest.mark.usefixtures("sirene")
skip_module_without(SAMPLE_DIR)

SAMPLE = SAMPLE_DIR / "import-sample.xlsx"
EXPECTED = json.loads((SAMPLE_DIR / "import-sample.expected.json").read_text(encoding="utf-8"))
# The expected file says why in English; the report gives a stable code and a French reason.
REASON_CODES = {
    "SIREN check digit": "invalid-siren",
    "company closed": "company-closed",
    "contact email": "invalid-email",
    "not in the registry": "company-not-found",
}


async def upload(
    client: httpx.AsyncClient, firm: Firm, content: bytes, name: str = "clients.xlsx"
) -> httpx.Response:
    return await client.post(
        "/api/v1/clients/imports",
        params={"file_name": name},
        content=content,
        headers=firm.owner.headers | {"Content-Type": XLSX_MEDIA_TYPE},
    )


async def _count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_sample_import_report_matches_the_expected_outcome_row_by_row(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    response = await upload(client, firm, SAMPLE.read_bytes())
    assert response.status_code == 201, response.text
    report = response.json()
    rows = {row["row"]: row for row in report["rows"]}
    assert sorted(rows) == [expected["row"] for expected in EXPECTED]  # row 67 (blank) skipped
    for expected in EXPECTED:
        row = rows[expected["row"]]
        assert row["outcome"] == expected["outcome"], (expected, row)
        if "siren" in expected:
            assert row["siren"] == expected["siren"], (expected, row)
        if expected["outcome"] in ("invalid", "unknown"):
            assert row["reason_code"] == REASON_CODES[expected["why"]]
            assert row["reason"]  # French, for the person reading the report
    assert rows[68]["legal_name"] == "PHARMACIE CÔTÉ ET FILS"  # the formula was never used
    assert report["counts"] == {"created": 62, "duplicate": 1, "invalid": 3, "unknown": 1}
    assert await _count(session, Client) == 0  # a dry run creates nothing


async def test_confirming_creates_the_clients_once_and_reimporting_creates_nothing(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    report = (await upload(client, firm, SAMPLE.read_bytes())).json()
    confirm = await client.post(
        f"/api/v1/clients/imports/{report['id']}/confirm", headers=firm.owner.headers
    )
    assert confirm.status_code == 200, confirm.text
    assert confirm.json()["created"] == 62
    assert await _count(session, Client) == 62
    formula_client = await session.scalar(select(Client).where(Client.siren == "733495238"))
    assert formula_client is not None
    assert formula_client.legal_name == "PHARMACIE CÔTÉ ET FILS"
    assert formula_client.contact_email == "theo@exemple.fr"
    assert formula_client.status == "invited"

    again = await client.post(
        f"/api/v1/clients/imports/{report['id']}/confirm", headers=firm.owner.headers
    )
    assert again.status_code == 409
    second = (await upload(client, firm, SAMPLE.read_bytes())).json()
    assert second["counts"]["created"] == 0
    assert second["counts"]["duplicate"] == 63
    confirm = await client.post(
        f"/api/v1/clients/imports/{second['id']}/confirm", headers=firm.owner.headers
    )
    assert confirm.json()["created"] == 0
    assert await _count(session, Client) == 62


async def test_clients_created_by_an_import_are_announced_to_webhooks_once_each(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    # docs/integrations.md: `client.created` when a client is added, by hand or imported.
    session.add(
        WebhookEndpoint(
            workspace_id=firm.created.firm.id,
            url="https://erp.exemple.fr/hooks",
            event_types=["client.created"],
            secret="whsec_test",
        )
    )
    await session.commit()
    report = (await upload(client, firm, SAMPLE.read_bytes())).json()
    confirm = await client.post(
        f"/api/v1/clients/imports/{report['id']}/confirm", headers=firm.owner.headers
    )
    assert confirm.status_code == 200, confirm.text

    deliveries = list(
        await session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.event_type == "client.created")
        )
    )
    created = {client.siren: client for client in await session.scalars(select(Client))}
    assert len(created) == 62
    assert sorted(delivery.payload["siren"] for delivery in deliveries) == sorted(created)
    formula = next(d.payload for d in deliveries if d.payload["siren"] == "733495238")
    assert formula == {
        "client_id": str(created["733495238"].id),
        "siren": "733495238",
        "siret": created["733495238"].siret,
        "legal_name": "PHARMACIE CÔTÉ ET FILS",
        "status": "invited",
    }
    # A second confirmation of the same file creates nothing, so announces nothing.
    second = (await upload(client, firm, SAMPLE.read_bytes())).json()
    await client.post(f"/api/v1/clients/imports/{second['id']}/confirm", headers=firm.owner.headers)
    assert await _count(session, WebhookDelivery) == 62


async def test_a_row_that_became_a_client_after_the_dry_run_is_skipped(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    report = (await upload(client, firm, SAMPLE.read_bytes())).json()
    added = await client.post(
        "/api/v1/clients", json={"identifier": "610869075"}, headers=firm.owner.headers
    )
    assert added.status_code == 201
    confirm = await client.post(
        f"/api/v1/clients/imports/{report['id']}/confirm", headers=firm.owner.headers
    )
    body = confirm.json()
    assert body["created"] == 61
    assert body["skipped"] == 1
    assert await _count(session, Client) == 62


async def test_template_has_the_sample_columns_instructions_and_validation(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    response = await client.get("/api/v1/clients/import-template.xlsx", headers=firm.owner.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    template = openpyxl.load_workbook(io.BytesIO(response.content))
    sample = openpyxl.load_workbook(SAMPLE, read_only=True)
    sample_headers = next(sample.worksheets[0].iter_rows(max_row=1, values_only=True))
    assert template.sheetnames == ["Clients", "Instructions"]
    headers = next(template["Clients"].iter_rows(max_row=1, values_only=True))
    assert headers == sample_headers
    assert len(template["Clients"].data_validations.dataValidation) >= 1


async def test_headers_match_whatever_the_case_accents_and_spacing(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["  siren OU siret ", "EMAIL DU CONTACT", "Couleur préférée"])
    sheet.append(["610 869 075", "a@exemple.fr", "bleu"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = (await upload(client, firm, buffer.getvalue())).json()
    assert report["unknown_columns"] == ["Couleur préférée"]
    assert [(row["row"], row["outcome"]) for row in report["rows"]] == [(2, "created")]


async def test_an_invalid_cell_is_shown_back_in_its_reason(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["SIREN ou SIRET", "E-mail du contact", "Collaborateurs (e-mails)"])
    sheet.append(["610 869 076", "", ""])
    sheet.append(["61086907", "", ""])
    sheet.append(["610869075", "marie@@exemple", ""])
    sheet.append(["624000170", "", "lina@exemple.fr; nadia@exemple.fr"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = (await upload(client, firm, buffer.getvalue())).json()
    assert [row["reason"] for row in report["rows"]] == [
        "SIREN invalide : sa clé de contrôle est fausse. Lu : « 610 869 076 ».",
        "Un SIREN compte 9 chiffres et un SIRET 14. Lu : « 61086907 ».",
        "Adresse e-mail du contact invalide. Lu : « marie@@exemple ».",
        "Collaborateur inconnu ou qui n'est pas Comptable actif du cabinet. "
        "Lu : « lina@exemple.fr, nadia@exemple.fr ».",
    ]


async def _all_rows(
    client: httpx.AsyncClient, firm: Firm, import_id: str, **params: str | int
) -> tuple[list[dict[str, Any]], int]:
    """Every row of a report, page after page; and how many pages that took."""
    rows: list[dict[str, Any]] = []
    pages = 0
    cursor: str | None = None
    while True:
        query = dict(params) | ({"cursor": cursor} if cursor else {})
        response = await client.get(
            f"/api/v1/clients/imports/{import_id}", params=query, headers=firm.owner.headers
        )
        assert response.status_code == 200, response.text
        page = response.json()
        rows += page["rows"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return rows, pages


async def test_the_report_is_paged_by_cursor_in_sheet_order_and_filtered_by_outcome(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    report = (await upload(client, firm, SAMPLE.read_bytes())).json()
    assert report["next_cursor"] is None  # 67 rows fit in the first page
    rows, pages = await _all_rows(client, firm, report["id"], limit=20)
    assert pages == 4
    assert rows == report["rows"]
    assert [row["row"] for row in rows] == sorted(row["row"] for row in rows)

    invalid, _ = await _all_rows(client, firm, report["id"], outcome="invalid", limit=2)
    assert [row["row"] for row in invalid] == [
        expected["row"] for expected in EXPECTED if expected["outcome"] == "invalid"
    ]
    first = await client.get(f"/api/v1/clients/imports/{report['id']}", headers=firm.owner.headers)
    assert first.json() | {"rows": None} == report | {"rows": None}


@pytest.mark.parametrize(
    "params",
    [{"limit": 201}, {"limit": 0}, {"outcome": "created-maybe"}, {"cursor": "not-a-cursor"}],
)
async def test_a_bad_page_request_is_a_422(
    client: httpx.AsyncClient, firm: Firm, params: dict[str, str | int]
) -> None:
    report = (await upload(client, firm, SAMPLE.read_bytes())).json()
    response = await client.get(
        f"/api/v1/clients/imports/{report['id']}", params=params, headers=firm.owner.headers
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_the_report_does_not_depend_on_the_analysis_batch_size(
    client: httpx.AsyncClient, firm: Firm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row 62 repeats row 2: with batches of 7 rows they are eight batches apart."""
    whole = (await upload(client, firm, SAMPLE.read_bytes())).json()
    monkeypatch.setattr(service, "IMPORT_BATCH_SIZE", 7)
    batched = (await upload(client, firm, SAMPLE.read_bytes())).json()
    assert batched["rows"] == whole["rows"]
    assert batched["counts"] == whole["counts"]
    duplicate = next(row for row in batched["rows"] if row["row"] == 62)
    assert duplicate["reason_code"] == "duplicate-row"
    assert duplicate["reason"].endswith("(ligne 2)")


async def test_confirming_in_batches_reports_what_was_done_and_pages_the_result(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "IMPORT_BATCH_SIZE", 10)
    report = (await upload(client, firm, SAMPLE.read_bytes())).json()
    added = await client.post(
        "/api/v1/clients", json={"identifier": "414617811"}, headers=firm.owner.headers
    )
    assert added.status_code == 201
    monkeypatch.setattr(service, "IMPORT_PAGE_SIZE", 25)
    confirm = await client.post(
        f"/api/v1/clients/imports/{report['id']}/confirm", headers=firm.owner.headers
    )
    assert confirm.status_code == 200, confirm.text
    body = confirm.json()
    assert (body["created"], body["skipped"]) == (61, 1)
    assert body["counts"] == {"created": 61, "duplicate": 2, "invalid": 3, "unknown": 1}
    assert len(body["rows"]) == 25
    assert body["next_cursor"] is not None
    rest, _ = await _all_rows(client, firm, report["id"], cursor=body["next_cursor"])
    rows = {row["row"]: row for row in body["rows"] + rest}
    assert len(rows) == len(EXPECTED)
    assert rows[4]["outcome"] == "duplicate"  # became a client between dry run and confirm
    assert rows[4]["reason_code"] == "already-client"
    after = (
        await client.get(f"/api/v1/clients/imports/{report['id']}", headers=firm.owner.headers)
    ).json()
    assert after["status"] == "confirmed"
    assert after["counts"] == body["counts"]
    assert await _count(session, Client) == 62


async def test_collaborators_of_a_row_are_assigned_when_its_client_is_created(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession, settings: Settings
) -> None:
    accountant = await member(
        client, session, settings, firm.created, frozenset({Role.ACCOUNTANT}), "Lina"
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["SIREN ou SIRET", "Collaborateurs (e-mails)"])
    sheet.append(["610869075", accountant.email.upper()])
    sheet.append(["624000170", "inconnu@exemple.fr"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = (await upload(client, firm, buffer.getvalue())).json()
    assert [(row["outcome"], row["reason_code"]) for row in report["rows"]] == [
        ("created", None),
        ("invalid", "unknown-collaborator"),
    ]
    confirm = await client.post(
        f"/api/v1/clients/imports/{report['id']}/confirm", headers=firm.owner.headers
    )
    assert confirm.json()["created"] == 1
    assignee = await session.scalar(
        select(ClientAssignment.user_id)
        .join(Client, Client.id == ClientAssignment.client_id)
        .where(Client.siren == "610869075")
    )
    assert str(assignee) == accountant.user_id


async def test_unknown_columns_are_kept_with_the_report(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["SIREN ou SIRET", "Couleur préférée"])
    sheet.append(["610869075", "bleu"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = (await upload(client, firm, buffer.getvalue())).json()
    again = await client.get(f"/api/v1/clients/imports/{report['id']}", headers=firm.owner.headers)
    assert again.json()["unknown_columns"] == ["Couleur préférée"]


async def test_a_body_streamed_past_the_cap_is_refused_without_a_declared_length(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession, settings: Settings
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield SAMPLE.read_bytes()
        for _ in range(settings.client_import_max_bytes // (64 * 1024) + 1):
            yield b"\0" * (64 * 1024)

    response = await client.post(
        "/api/v1/clients/imports",
        content=chunks(),
        headers=firm.owner.headers | {"Content-Type": XLSX_MEDIA_TYPE},
    )
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "spreadsheet-too-large"
    assert await _count(session, ClientImport) == 0


async def test_a_sheet_past_the_row_cap_leaves_no_import_behind(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession, settings: Settings, app: Any
) -> None:
    state_of(app).settings = settings.model_copy(update={"client_import_max_rows": 30})
    response = await upload(client, firm, SAMPLE.read_bytes())
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "spreadsheet-too-large"
    assert await _count(session, ClientImport) == 0
    assert await _count(session, ClientImportRow) == 0


def _zip(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """The sample workbook with its first sheet replaced."""
    with zipfile.ZipFile(SAMPLE) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    return _zip(parts)


XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData>
</worksheet>"""


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("50 MB file", 413, "spreadsheet-too-large"),
        ("zip bomb", 422, "unsafe-spreadsheet"),
        ("XML bomb", 422, "unsafe-spreadsheet"),
        ("not an Excel file", 415, "not-an-excel-file"),
        ("a zip that is not a workbook", 415, "not-an-excel-file"),
    ],
)
async def test_hostile_files_get_a_clear_4xx_and_leave_nothing_behind(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession, case: str, status: int, code: str
) -> None:
    if case == "50 MB file":
        content = b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024)
    elif case == "zip bomb":
        content = _xlsx_with_sheet(b"<worksheet>" + b" " * (200 * 1024 * 1024) + b"</worksheet>")
    elif case == "XML bomb":
        content = _xlsx_with_sheet(XML_BOMB)
    elif case == "not an Excel file":
        content = b"%PDF-1.7\n" + b"x" * 1000
    else:
        content = _zip({"hello.txt": b"hello"})
    audit_before = await client.get("/api/v1/me/activity", headers=firm.owner.headers)
    response = await upload(client, firm, content)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert response.json()["title"]
    assert await _count(session, ClientImport) == 0
    assert await _count(session, ClientImportRow) == 0
    assert await _count(session, Client) == 0
    audit_after = await client.get("/api/v1/me/activity", headers=firm.owner.headers)
    assert len(audit_after.json()["items"]) == len(audit_before.json()["items"])


def _workbook(headers: list[str], rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def test_an_untouched_export_is_reimported_as_the_same_clients_changing_nothing(
    client: httpx.AsyncClient, firm: Firm, session: AsyncSession
) -> None:
    for identifier in ("610869075", "733495238"):
        added = await client.post(
            "/api/v1/clients", json={"identifier": identifier}, headers=firm.owner.headers
        )
        assert added.status_code == 201, added.text
    exported = await client.get("/api/v1/clients/export.xlsx", headers=firm.owner.headers)
    assert exported.status_code == 200

    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    siren, siret, created = (
        sheet.cell(row=2, column=header.index(h) + 1) for h in ("SIREN", "SIRET", "Créé le")
    )
    assert (siren.data_type, siren.number_format) == ("s", "@")  # text: no leading 0 lost
    assert (siret.data_type, siret.number_format) == ("s", "@")
    assert created.is_date  # a real date cell, sortable and filterable
    assert created.number_format == "DD/MM/YYYY"

    report = (await upload(client, firm, exported.content, "export.xlsx")).json()
    assert report["unknown_columns"] == []
    assert report["counts"] == {"created": 0, "duplicate": 2, "invalid": 0, "unknown": 0}
    assert {row["reason_code"] for row in report["rows"]} == {"already-client"}
    assert await _count(session, Client) == 2


async def test_identifiers_as_excel_and_people_write_them(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    """A SIREN stored as a number loses its leading 0; a VAT number holds a SIREN; a
    zero-width space pasted from a web page is invisible: each is read as the SIREN it is."""
    content = _workbook(
        ["SIREN ou SIRET"],
        [
            [12345674],  # 012345674 for Excel, which dropped the 0
            ["FR03931032478"],  # VAT number: SIREN 931032478
            ["610869075\u200b"],  # a valid SIREN and a zero-width space
            [12345675],  # padded, still invalid: refused as typed
        ],
    )
    report = (await upload(client, firm, content)).json()
    rows = {row["row"]: row for row in report["rows"]}
    assert rows[2]["siren"] == "012345674"
    assert rows[2]["reason_code"] != "invalid-identifier"
    assert rows[3]["siren"] == "931032478"
    assert rows[3]["reason_code"] != "invalid-identifier"
    assert rows[4]["siren"] == "610869075"
    assert rows[4]["outcome"] == "created"
    assert rows[5]["outcome"] == "invalid"
    assert "12345675" in rows[5]["reason"]


async def test_company_search_and_adding_read_identifiers_like_the_import(
    client: httpx.AsyncClient, firm: Firm
) -> None:
    found = await client.get(
        "/api/v1/companies/search", params={"q": "610 869 075\u200b"}, headers=firm.owner.headers
    )
    assert found.status_code == 200, found.text
    assert [company["siren"] for company in found.json()["items"]] == ["610869075"]
    added = await client.post(
        "/api/v1/clients", json={"identifier": "FR 11 610869075"}, headers=firm.owner.headers
    )
    assert added.status_code == 201, added.text
    assert added.json()["siren"] == "610869075"
