"""The documents routes, as the web app, the mobile app and integrations use them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.settings import Settings
from api.models import AuditEvent, Document, WebhookDelivery, WebhookEndpoint
from tests.documents.conftest import EINVOICES, Space
from tests.helpers import every_page

FACTURX = EINVOICES / "facturx" / "CII_example1_facturx.pdf"
UBL = EINVOICES / "ubl" / "ubl-tc434-example1.xml"
CII = EINVOICES / "cii" / "CII_example2.xml"


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    content: bytes,
    **params: Any,
) -> httpx.Response:
    extra = params.pop("extra_headers", {})
    return await client.post(
        "/api/v1/documents", params=params, content=content, headers=headers | extra
    )


async def actions(session: AsyncSession, target_id: str) -> list[str]:
    rows = await session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.target_id == target_id)
        .order_by(AuditEvent.sequence)
    )
    return list(rows)


async def test_a_factur_x_invoice_uploaded_from_the_web_is_read_and_audited(
    client: httpx.AsyncClient, session: AsyncSession, space: Space
) -> None:
    session.add(
        WebhookEndpoint(
            workspace_id=space.firm_id,
            url="https://erp.example.fr/hooks",
            event_types=["document.created"],
            secret="whsec_test",
        )
    )
    await session.commit()

    response = await upload(
        client,
        space.headers["accountant"],
        FACTURX.read_bytes(),
        client_id=space.client_a,
        type="invoice",
        filename="facture ÉTÉ.pdf",
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["source"] == "web"
    assert body["media_type"] == "application/pdf"
    assert body["original_filename"] == "facture ÉTÉ.pdf"
    assert body["einvoice_status"] == "recognised"
    assert body["einvoice_format"] == "facturx"
    assert body["invoice_number"]
    assert body["total_incl_vat"] is not None
    assert "." in body["total_incl_vat"]
    assert await actions(session, body["id"]) == ["document.uploaded"]
    delivery = await session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.event_type == "document.created")
    )
    assert delivery is not None
    assert delivery.payload["id"] == body["id"]


async def test_a_ubl_invoice_sent_as_a_multipart_form_keeps_its_file_name(
    client: httpx.AsyncClient, space: Space
) -> None:
    response = await client.post(
        "/api/v1/documents",
        params={"client_id": str(space.client_a), "type": "invoice"},
        files={"file": ("facture-ubl.xml", UBL.read_bytes(), "text/plain")},
        headers=space.headers["owner"],
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["original_filename"] == "facture-ubl.xml"
    assert body["media_type"] == "application/xml"  # sniffed, not the declared text/plain
    assert body["einvoice_format"] == "ubl"
    assert body["seller_name"]


async def test_a_malformed_cii_invoice_is_stored_and_flagged(
    client: httpx.AsyncClient, space: Space
) -> None:
    truncated = CII.read_bytes()[:2500]

    response = await upload(client, space.headers["owner"], truncated, client_id=space.client_b)

    assert response.status_code == 201, response.text
    assert response.json()["einvoice_status"] == "invalid"
    assert response.json()["einvoice_error"]


async def test_a_plain_pdf_filed_as_a_shared_document_is_not_a_broken_einvoice(
    client: httpx.AsyncClient, space: Space
) -> None:
    """A contract pypdf cannot open for attachments gets no « illisible » e-invoice status."""
    contract = b"%PDF-1.4\n" + b"\x00contrat de mission" * 40 + b"\n%%EOF\n"

    response = await upload(
        client, space.headers["owner"], contract, client_id=space.client_b, type="shared"
    )

    assert response.status_code == 201, response.text
    assert response.json()["einvoice_status"] == "unrecognised"


async def test_the_mobile_app_and_integrations_upload_through_the_same_route(
    client: httpx.AsyncClient, space: Space
) -> None:
    phone = space.accountant_phone
    assert phone is not None
    from_phone = await upload(client, phone.auth, FACTURX.read_bytes(), client_id=space.client_a)
    created = await client.post(
        "/api/v1/api-keys",
        headers=space.headers["owner"],
        json={"name": "GED", "scopes": ["documents:write"]},
    )
    assert created.status_code == 201, created.text
    key = {"Authorization": f"Bearer {created.json()['secret']}"}
    from_key = await upload(client, key, CII.read_bytes(), client_id=space.client_b)

    assert from_phone.status_code == 201, from_phone.text
    assert from_phone.json()["source"] == "mobile"
    assert from_key.status_code == 201, from_key.text
    assert from_key.json()["source"] == "integration"


async def test_a_company_user_uploads_to_their_only_client_without_naming_it(
    client: httpx.AsyncClient, space: Space
) -> None:
    response = await upload(client, space.headers["company_user"], UBL.read_bytes())

    assert response.status_code == 201, response.text
    assert response.json()["client_id"] == str(space.client_a)


async def test_a_retried_upload_with_one_idempotency_key_makes_one_document(
    client: httpx.AsyncClient, session: AsyncSession, space: Space
) -> None:
    headers = space.headers["accountant"]
    key = {"Idempotency-Key": f"scan-{uuid.uuid4()}"}
    data = FACTURX.read_bytes()

    first = await upload(client, headers, data, client_id=space.client_a, extra_headers=key)
    second = await upload(client, headers, data, client_id=space.client_a, extra_headers=key)
    other = await upload(
        client, headers, UBL.read_bytes(), client_id=space.client_a, extra_headers=key
    )

    assert first.status_code == second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    assert second.headers["idempotent-replayed"] == "true"
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency-key-reused"
    count = await session.scalar(select(func.count()).select_from(Document))
    assert count == 1
    assert await actions(session, first.json()["id"]) == ["document.uploaded"]


async def test_an_upload_interrupted_midway_leaves_neither_row_nor_blob(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, space: Space
) -> None:
    before = {path for path in settings.blob_dir.rglob("*") if path.is_file()}

    async def body() -> AsyncIterator[bytes]:
        yield b"%PDF-1.7\n" + b"x" * 200_000
        raise ConnectionResetError("the phone lost the network")

    try:
        response = await client.post(
            "/api/v1/documents",
            params={"client_id": str(space.client_a)},
            content=body(),
            headers=space.headers["accountant"],
        )
        assert response.status_code >= 400
    except ConnectionResetError:
        pass  # the transport may hand the client's own failure back

    assert await session.scalar(select(func.count()).select_from(Document)) == 0
    after = {path for path in settings.blob_dir.rglob("*") if path.is_file()}
    assert after == before


async def test_a_download_is_an_attachment_and_serves_byte_ranges(
    client: httpx.AsyncClient, space: Space
) -> None:
    data = FACTURX.read_bytes()
    headers = space.headers["accountant"]
    document = await upload(client, headers, data, client_id=space.client_a, filename="a.pdf")
    url = f"/api/v1/documents/{document.json()['id']}/content"

    whole = await client.get(url, headers=headers)
    first = await client.get(url, headers=headers | {"Range": "bytes=0-99"})
    tail = await client.get(url, headers=headers | {"Range": "bytes=-10"})
    beyond = await client.get(url, headers=headers | {"Range": f"bytes={len(data)}-"})

    assert whole.status_code == 200
    assert whole.content == data
    assert whole.headers["content-disposition"].startswith('attachment; filename="a.pdf"')
    assert whole.headers["x-content-type-options"] == "nosniff"
    assert whole.headers["accept-ranges"] == "bytes"
    assert first.status_code == 206
    assert first.content == data[:100]
    assert first.headers["content-range"] == f"bytes 0-99/{len(data)}"
    assert tail.status_code == 206
    assert tail.content == data[-10:]
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(data)}"


async def test_the_list_searches_filters_sorts_and_pages(
    client: httpx.AsyncClient, space: Space
) -> None:
    owner = space.headers["owner"]
    ubl = await upload(client, owner, UBL.read_bytes(), client_id=space.client_a, type="invoice")
    cii = await upload(client, owner, CII.read_bytes(), client_id=space.client_b, type="invoice")
    note = await upload(
        client,
        owner,
        b"date;montant\n2026-01-02;12,50\n2026-01-03;8,00\n",
        client_id=space.client_a,
        type="statement",
        title="Relevé janvier",
        document_date="2026-01-31",
    )
    assert ubl.status_code == cii.status_code == note.status_code == 201
    number = ubl.json()["invoice_number"]
    seller = cii.json()["seller_name"]

    by_number = await client.get("/api/v1/documents", params={"q": number}, headers=owner)
    by_counterpart = await client.get(
        "/api/v1/documents", params={"q": seller[:6].lower()}, headers=owner
    )
    # Words in any order, accents and case ignored.
    by_words = await client.get("/api/v1/documents", params={"q": "JANVIER releve"}, headers=owner)
    by_nothing = await client.get(
        "/api/v1/documents", params={"q": "relevé février"}, headers=owner
    )
    statements = await client.get(
        "/api/v1/documents",
        params={
            "client_id": str(space.client_a),
            "type": "statement",
            "date_from": "2026-01-01",
            "date_to": "2026-01-31",
        },
        headers=owner,
    )
    first = await client.get(
        "/api/v1/documents", params={"limit": 2, "sort": "-amount"}, headers=owner
    )
    rest = await client.get(
        "/api/v1/documents",
        params={"limit": 2, "sort": "-amount", "cursor": first.json()["next_cursor"]},
        headers=owner,
    )

    assert [item["id"] for item in by_number.json()["items"]] == [ubl.json()["id"]]
    assert cii.json()["id"] in [item["id"] for item in by_counterpart.json()["items"]]
    assert [item["id"] for item in by_words.json()["items"]] == [note.json()["id"]]
    assert by_nothing.json()["items"] == []
    assert [item["id"] for item in statements.json()["items"]] == [note.json()["id"]]
    assert statements.json()["counts"] == {"invoice": 0, "statement": 1, "shared": 0, "other": 0}
    page_one, page_two = first.json(), rest.json()
    assert page_one["counts"]["invoice"] == 2
    assert page_two["counts"] is None
    assert page_two["next_cursor"] is None
    ids = [item["id"] for item in page_one["items"] + page_two["items"]]
    assert sorted(ids) == sorted([ubl.json()["id"], cii.json()["id"], note.json()["id"]])
    amounts = [float(item["total_incl_vat"] or 0) for item in page_one["items"] + page_two["items"]]
    assert amounts == sorted(amounts, reverse=True)


async def test_metadata_changes_and_soft_delete_are_audited(
    client: httpx.AsyncClient, session: AsyncSession, space: Space
) -> None:
    headers = space.headers["accountant"]
    document = (await upload(client, headers, UBL.read_bytes(), client_id=space.client_a)).json()
    url = f"/api/v1/documents/{document['id']}"

    changed = await client.patch(
        url, headers=headers, json={"type": "invoice", "title": "Facture garage"}
    )
    deleted = await client.delete(url, headers=headers)
    after = await client.get(url, headers=headers)
    listed = await client.get("/api/v1/documents", headers=headers)

    assert changed.status_code == 200
    assert changed.json()["title"] == "Facture garage"
    assert changed.json()["type"] == "invoice"
    assert deleted.status_code == 204
    assert after.status_code == 404
    assert listed.json()["items"] == []
    assert await actions(session, document["id"]) == [
        "document.uploaded",
        "document.updated",
        "document.deleted",
    ]
    row = await session.get(Document, uuid.UUID(document["id"]))
    assert row is not None
    assert row.deleted_at is not None


async def test_folders_are_created_renamed_moved_and_deleted_when_empty(
    client: httpx.AsyncClient, session: AsyncSession, space: Space
) -> None:
    headers = space.headers["accountant"]

    async def create(name: str, parent: str | None = None) -> httpx.Response:
        return await client.post(
            "/api/v1/folders",
            headers=headers,
            json={"client_id": str(space.client_a), "name": name, "parent_id": parent},
        )

    contracts = (await create("Contrats")).json()
    twice = await create("contrats")
    leases = (await create("Baux", contracts["id"])).json()
    into_itself = await client.patch(
        f"/api/v1/folders/{contracts['id']}", headers=headers, json={"parent_id": leases["id"]}
    )
    renamed = await client.patch(
        f"/api/v1/folders/{leases['id']}", headers=headers, json={"name": "Baux commerciaux"}
    )
    moved = await client.patch(
        f"/api/v1/folders/{leases['id']}", headers=headers, json={"parent_id": None}
    )
    document = await upload(
        client, headers, UBL.read_bytes(), client_id=space.client_a, folder_id=contracts["id"]
    )
    not_empty = await client.delete(f"/api/v1/folders/{contracts['id']}", headers=headers)
    await client.delete(f"/api/v1/documents/{document.json()['id']}", headers=headers)
    emptied = await client.delete(f"/api/v1/folders/{contracts['id']}", headers=headers)
    listed = await client.get(
        "/api/v1/folders", params={"client_id": str(space.client_a)}, headers=headers
    )

    assert twice.status_code == 409
    assert into_itself.status_code == 422
    assert renamed.json()["name"] == "Baux commerciaux"
    assert moved.json()["parent_id"] is None
    assert document.status_code == 201
    assert document.json()["folder_id"] == contracts["id"]
    assert not_empty.status_code == 409
    assert emptied.status_code == 204
    assert [folder["name"] for folder in listed.json()["items"]] == ["Baux commerciaux"]
    assert await actions(session, leases["id"]) == [
        "folder.created",
        "folder.renamed",
        "folder.moved",
    ]
    assert await actions(session, contracts["id"]) == ["folder.created", "folder.deleted"]


async def test_a_company_user_manages_its_folders_without_naming_its_client(
    client: httpx.AsyncClient, space: Space
) -> None:
    """A company user cannot list clients; like an upload, its folders need no client id."""
    headers = space.headers["company_user"]
    before = await client.get("/api/v1/folders", headers=headers)
    created = await client.post("/api/v1/folders", headers=headers, json={"name": "Contrats"})
    listed = await client.get("/api/v1/folders", headers=headers)
    # The owner sees many clients: it must say which one.
    ambiguous = await client.post(
        "/api/v1/folders", headers=space.headers["owner"], json={"name": "Contrats"}
    )
    owner_view = await client.get(
        "/api/v1/folders", params={"client_id": str(space.client_a)}, headers=space.headers["owner"]
    )

    assert before.status_code == 200
    assert before.json() == {"items": [], "next_cursor": None}
    assert created.status_code == 201
    assert created.json()["client_id"] == str(space.client_a)
    assert [folder["name"] for folder in listed.json()["items"]] == ["Contrats"]
    assert ambiguous.status_code == 422
    assert ambiguous.json()["code"] == "client-required"
    assert [folder["name"] for folder in owner_view.json()["items"]] == ["Contrats"]


async def test_every_reader_pages_its_own_documents_in_both_directions(
    client: httpx.AsyncClient, space: Space
) -> None:
    """The list's statements are built once per filter shape: each reader, filter and
    direction must still get exactly its rows, page after page."""
    owner = space.headers["owner"]
    dated: dict[str, tuple[uuid.UUID, str]] = {}
    for day, client_id in enumerate([space.client_a, space.client_b] * 3, start=1):
        response = await upload(
            client,
            owner,
            f"jour;{day}\n".encode(),
            client_id=client_id,
            type="statement" if day % 2 else "other",
            title=f"Relevé n°{day}",
            document_date=f"2026-03-{day:02d}",
        )
        assert response.status_code == 201, response.text
        dated[response.json()["id"]] = (client_id, f"2026-03-{day:02d}")
    by_date = sorted(dated, key=lambda document_id: dated[document_id][1])
    of_a = [document_id for document_id in by_date if dated[document_id][0] == space.client_a]

    async def pages(headers: dict[str, str], params: dict[str, str]) -> list[str]:
        return await every_page(client, "/api/v1/documents", headers, params)

    for reader, visible in [("owner", by_date), ("accountant", of_a), ("company_user", of_a)]:
        headers = space.headers[reader]
        assert await pages(headers, {"sort": "date"}) == visible, reader
        assert await pages(headers, {"sort": "-date"}) == visible[::-1], reader
        assert await pages(headers, {"sort": "date", "date_from": "2026-03-03"}) == [
            document_id for document_id in visible if dated[document_id][1] >= "2026-03-03"
        ], reader
        assert await pages(headers, {"sort": "date", "q": "RELEVE"}) == visible, reader
        assert await pages(headers, {"q": "facture"}) == [], reader
    assert await pages(space.headers["other_firm"], {"sort": "date"}) == []
