"""Hostile e-invoices uploaded as client documents: a DTD (internal entities, XXE, an external
DTD) in a plain CII or UBL, or in the XML a Factur-X PDF carries, is refused before any parser
sees it. Nothing is expanded or fetched, and the document is stored as an unreadable e-invoice
(never a 500)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from pypdf import PdfWriter

from tests.documents.conftest import Space

SECRET = "SECRET-DU-SERVEUR-7f3a"
EXPANDED = "EXPANSE"

CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM_NS = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"


def cii(doctype: str, number: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{doctype}
<rsm:CrossIndustryInvoice xmlns:rsm="{CII_NS}" xmlns:ram="{RAM_NS}">
  <rsm:ExchangedDocument><ram:ID>{number}</ram:ID><ram:TypeCode>380</ram:TypeCode>
  </rsm:ExchangedDocument>
</rsm:CrossIndustryInvoice>
""".encode()


def ubl(doctype: str, number: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{doctype}
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>{number}</cbc:ID><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
</Invoice>
""".encode()


def billion_laughs(root: str) -> str:
    levels = [f'<!ENTITY l0 "{EXPANDED}">'] + [
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 9)
    ]
    return f"<!DOCTYPE {root} [{''.join(levels)}]>"


def factur_x(xml: bytes) -> bytes:
    """A PDF carrying `xml` as its `factur-x.xml` attachment (built with pypdf, which does not
    parse the XML: any bytes go in)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("factur-x.xml", xml)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class _Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        body = f'<!ENTITY leak "{SECRET}">'.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def dtd_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on loopback serving a DTD: any fetch of it is recorded."""
    requests: list[str] = []
    handler = type("Recorder", (_Recorder,), {"requests": requests})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/evil.dtd", requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def hostile_xmls(secret_file: Path, dtd_url: str) -> dict[str, bytes]:
    xxe = f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>'
    external = f'<!DOCTYPE r [<!ENTITY % remote SYSTEM "{dtd_url}"> %remote;]>'
    return {
        "cii-billion-laughs": cii(billion_laughs("rsm:CrossIndustryInvoice"), "&l8;"),
        "cii-xxe": cii(xxe, "&xxe;"),
        "cii-external-dtd": cii(external, "&leak;"),
        "ubl-billion-laughs": ubl(billion_laughs("Invoice"), "&l8;"),
        "ubl-xxe": ubl(xxe, "&xxe;"),
        "ubl-external-dtd": ubl(f'<!DOCTYPE Invoice SYSTEM "{dtd_url}">', "FA-1"),
    }


# (case, carried by a Factur-X PDF): a Factur-X carries CII only.
CASES = [
    *(
        (f"cii-{attack}", in_pdf)
        for attack in ("billion-laughs", "xxe", "external-dtd")
        for in_pdf in (True, False)
    ),
    *((f"ubl-{attack}", False) for attack in ("billion-laughs", "xxe", "external-dtd")),
]


@pytest.mark.parametrize(
    ("case", "in_pdf"),
    CASES,
    ids=[f"{case}-{'factur-x' if in_pdf else 'plain-xml'}" for case, in_pdf in CASES],
)
async def test_a_dtd_is_refused_before_parsing_and_the_document_kept_as_unreadable(
    client: httpx.AsyncClient,
    space: Space,
    secret_file: Path,
    dtd_server: tuple[str, list[str]],
    case: str,
    in_pdf: bool,
) -> None:
    dtd_url, fetched = dtd_server
    xml = hostile_xmls(secret_file, dtd_url)[case]
    content = factur_x(xml) if in_pdf else xml

    response = await client.post(
        "/api/v1/documents",
        params={"client_id": str(space.client_a), "type": "invoice"},
        content=content,
        headers=space.headers["owner"],
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["einvoice_status"] == "invalid"
    assert body["einvoice_format"] == ("facturx" if in_pdf else case[:3])
    assert "DTD" in body["einvoice_error"]
    assert body["invoice_number"] is None
    assert SECRET not in response.text
    assert EXPANDED not in response.text
    assert fetched == []


async def test_a_plain_xml_with_a_dtd_that_claims_no_invoice_is_an_ordinary_file(
    client: httpx.AsyncClient, space: Space, dtd_server: tuple[str, list[str]]
) -> None:
    """The badge rule holds for hostile files too: only a file claiming to be an e-invoice can
    be an unreadable one."""
    dtd_url, fetched = dtd_server
    xml = f'<?xml version="1.0"?><!DOCTYPE note SYSTEM "{dtd_url}"><note>&leak;</note>'

    response = await client.post(
        "/api/v1/documents",
        params={"client_id": str(space.client_a), "type": "shared"},
        content=xml.encode(),
        headers=space.headers["owner"],
    )

    assert response.status_code == 201, response.text
    assert response.json()["einvoice_status"] == "unrecognised"
    assert SECRET not in response.text
    assert fetched == []
