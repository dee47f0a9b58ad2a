"""The type of an upload comes from its bytes; its name is only cleaned and kept."""

from __future__ import annotations

import io
import zipfile

import pytest

from api.documents.sniffing import sanitize_filename, sniff


def office_file(kind: str) -> bytes:
    """A minimal OOXML package laid out like Office writes it ([Content_Types].xml first)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr(f"{kind}/document.xml", "<document/>")
    return buffer.getvalue()


def opendocument(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        package.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photos/vacances.jpg", b"\xff\xd8\xff" + b"0" * 100)
    return buffer.getvalue()


ACCEPTED = [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"GIF89a\x01\x00\x01\x00", "image/gif"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image/heic"),
    (b'<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:x"/>', "application/xml"),
    (b"\xef\xbb\xbf<rsm:CrossIndustryInvoice xmlns:rsm='urn:x'/>", "application/xml"),
    ("<?xml version='1.0' encoding='UTF-16'?><a/>".encode("utf-16"), "application/xml"),
    (b"date;libelle;montant\n2026-01-02;Loyer;1200,00\n2026-01-03;EDF;89,90\n", "text/csv"),
    ("Relevé de compte\nSolde créditeur au 31/12\n".encode("cp1252"), "text/plain"),
    (
        office_file("word"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (office_file("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (
        office_file("ppt"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (
        opendocument("application/vnd.oasis.opendocument.spreadsheet"),
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
]

REFUSED = [
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "application/x-executable"),
    (b"\x7fELF\x02\x01\x01\x00", "application/x-executable"),
    (b"#!/bin/sh\nrm -rf /\n", "application/x-executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "application/x-ole-storage"),
    (plain_zip(), "application/zip"),
    (b"<!DOCTYPE html><html><script>alert(1)</script>", "text/html"),
    (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>',
        "image/svg+xml",
    ),
    (b"\x00\x01\x02\x03binary\x00garbage", "application/octet-stream"),
]


@pytest.mark.parametrize(("head", "media_type"), ACCEPTED)
def test_accepted_formats_are_recognised_from_their_bytes(head: bytes, media_type: str) -> None:
    sniffed = sniff(head)

    assert (sniffed.media_type, sniffed.allowed) == (media_type, True)


@pytest.mark.parametrize(("head", "media_type"), REFUSED)
def test_dangerous_or_unknown_content_is_refused(head: bytes, media_type: str) -> None:
    sniffed = sniff(head)

    assert (sniffed.media_type, sniffed.allowed) == (media_type, False)


@pytest.mark.parametrize(
    ("declared", "kept"),
    [
        ("facture 2026-01.pdf", "facture 2026-01.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\compta\\relevé.pdf", "relevé.pdf"),
        ("facture_\u202efdp.exe", "facture_fdp.exe"),  # right-to-left override removed
        ("bad\x00name\r\n.pdf", "badname.pdf"),
        ("   ...   ", "document"),
        (None, "document"),
        ("e\u0301te\u0301.pdf", "été.pdf"),  # NFC: one code point per accented letter
    ],
)
def test_file_names_are_kept_only_in_a_safe_form(declared: str | None, kept: str) -> None:
    assert sanitize_filename(declared) == kept


def test_very_long_file_names_keep_their_extension() -> None:
    name = sanitize_filename("é" * 300 + ".pdf")

    assert name.endswith(".pdf")
    assert len(name.encode("utf-8")) <= 255
