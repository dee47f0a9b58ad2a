"""What a file really is, read from its first bytes, and whether Comptoir accepts it.

The declared name and Content-Type are never trusted: a renamed `.exe` stays an executable.
The original file name is kept only as metadata, after `sanitize_filename`.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from dataclasses import dataclass

# Enough for every signature below, and for the first entries of a zip's local headers.
SNIFF_BYTES = 8 * 1024


@dataclass(frozen=True, slots=True)
class SniffedType:
    media_type: str
    label: str  # French, shown in refusals
    allowed: bool


# Every type a stored document can have: what its download answers (the contract lists them).
ACCEPTED_MEDIA_TYPES: list[str] = []


def _accepted(media_type: str, label: str) -> SniffedType:
    if media_type not in ACCEPTED_MEDIA_TYPES:
        ACCEPTED_MEDIA_TYPES.append(media_type)
    return SniffedType(media_type, label, allowed=True)


def _refused(media_type: str, label: str) -> SniffedType:
    return SniffedType(media_type, label, allowed=False)


PDF = _accepted("application/pdf", "PDF")
XML = _accepted("application/xml", "XML")
CSV = _accepted("text/csv", "CSV")
PLAIN_TEXT = _accepted("text/plain", "texte")
DOCX = _accepted(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (.docx)"
)
XLSX = _accepted(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (.xlsx)"
)
PPTX = _accepted(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PowerPoint (.pptx)",
)
ODT = _accepted("application/vnd.oasis.opendocument.text", "OpenDocument texte (.odt)")
ODS = _accepted("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument tableur (.ods)")
# A zip that is not an Office document could hold anything (and zip bombs): refused.
ZIP = _refused("application/zip", "archive ZIP")
# Legacy .doc/.xls share their OLE container with .msi installers; telling them apart needs the
# whole directory stream, so the old formats are refused with a hint to re-save them.
OLE = _refused("application/x-ole-storage", "ancien format Office (.doc, .xls) ou installeur MSI")
EXECUTABLE = _refused("application/x-executable", "programme exécutable")
HTML = _refused("text/html", "page HTML")
SVG = _refused("image/svg+xml", "image SVG")
UNKNOWN = _refused("application/octet-stream", "format inconnu")

_MAGIC: list[tuple[bytes, SniffedType]] = [
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", _accepted("image/png", "image PNG")),
    (b"\xff\xd8\xff", _accepted("image/jpeg", "image JPEG")),
    (b"GIF87a", _accepted("image/gif", "image GIF")),
    (b"GIF89a", _accepted("image/gif", "image GIF")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
    (b"MZ", EXECUTABLE),  # Windows PE
    (b"\x7fELF", EXECUTABLE),
    (b"\xca\xfe\xba\xbe", EXECUTABLE),  # Mach-O universal (also Java classes)
    (b"\xcf\xfa\xed\xfe", EXECUTABLE),  # Mach-O 64-bit
    (b"#!", EXECUTABLE),  # scripts
]

# ISO BMFF brands of HEIF still images (iPhone photos): ISO/IEC 23008-12.
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_HEIF_BRANDS = {b"mif1", b"msf1"}

_ZIP_LOCAL_HEADER = b"PK\x03\x04"


def sniff(head: bytes) -> SniffedType:
    """The type of a file from its first bytes (`SNIFF_BYTES` are enough)."""
    for magic, sniffed in _MAGIC:
        if head.startswith(magic):
            return sniffed
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _accepted("image/webp", "image WebP")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIC_BRANDS:
            return _accepted("image/heic", "image HEIC")
        if brand in _HEIF_BRANDS:
            return _accepted("image/heif", "image HEIF")
    if head.startswith((_ZIP_LOCAL_HEADER, b"PK\x05\x06")):
        return _sniff_zip(head)
    return _sniff_text(head)


def _zip_entry_names(head: bytes) -> list[str]:
    """Names of the zip's first local file headers that fit in `head` (APPNOTE 4.3.7)."""
    names = []
    offset = 0
    while head.startswith(_ZIP_LOCAL_HEADER, offset) and offset + 30 <= len(head):
        flags, compressed_size = struct.unpack_from("<H10xI", head, offset + 6)
        name_length, extra_length = struct.unpack_from("<HH", head, offset + 26)
        name = head[offset + 30 : offset + 30 + name_length]
        names.append(name.decode("utf-8", "replace"))
        if flags & 0x08:
            break  # sizes come after the data (data descriptor): cannot hop to the next entry
        offset += 30 + name_length + extra_length + compressed_size
    return names


def _sniff_zip(head: bytes) -> SniffedType:
    names = _zip_entry_names(head)
    # OpenDocument: an uncompressed `mimetype` entry comes first (ODF 1.2 part 3, §3.3).
    if names[:1] == ["mimetype"]:
        if b"application/vnd.oasis.opendocument.text" in head[30:120]:
            return ODT
        if b"application/vnd.oasis.opendocument.spreadsheet" in head[30:120]:
            return ODS
    prefixes = {name.split("/", 1)[0] for name in names if "/" in name}
    if "[Content_Types].xml" in names or prefixes & {"word", "xl", "ppt", "_rels", "docProps"}:
        if "word" in prefixes:
            return DOCX
        if "xl" in prefixes:
            return XLSX
        if "ppt" in prefixes:
            return PPTX
        # An OOXML package whose part folders start past the sniffed bytes: the content-types
        # part names them, and Office always writes it first.
        for marker, sniffed in ((b"/word/", DOCX), (b"/xl/", XLSX), (b"/ppt/", PPTX)):
            if marker in head:
                return sniffed
    return ZIP


_XML_START = re.compile(rb"^\s*<(\?xml[\s?]|!--|[A-Za-z_][\w.:-]*[\s/>])")
_FIRST_ELEMENT = re.compile(r"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]")


def _decode_text(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            return None
        return text
    if b"\x00" in head:
        return None
    body = head.removeprefix(b"\xef\xbb\xbf")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sniffed window may cut a multi-byte character in two at its very end.
        if error.start >= len(body) - 3 and error.reason == "unexpected end of data":
            return body[: error.start].decode("utf-8")
    # Windows-1252 exports from older accounting software: accept when it looks like text.
    text = body.decode("cp1252", "replace")
    printable = sum(1 for char in text if char.isprintable() or char in "\r\n\t")
    return text if printable >= 0.98 * len(text) else None


def _sniff_text(head: bytes) -> SniffedType:
    text = _decode_text(head)
    if text is None or not text.strip():
        return UNKNOWN
    stripped = text.lstrip("\ufeff \t\r\n")
    lowered = stripped[:512].lower()
    if lowered.startswith(("<!doctype html", "<html", "<head", "<body", "<script")):
        return HTML
    if _XML_START.match(stripped.encode("utf-8", "replace")):
        root = _root_element_name(stripped)
        if root == "svg":
            return SVG
        if root == "html":
            return HTML
        return XML
    if any(char in stripped for char in "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x1b"):
        return UNKNOWN
    return CSV if _looks_like_csv(stripped) else PLAIN_TEXT


def _root_element_name(text: str) -> str | None:
    # Skip the prolog: XML declaration, comments, processing instructions and a DOCTYPE.
    body = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", "", text, flags=re.S)
    match = _FIRST_ELEMENT.search(body)
    return match.group(2).lower() if match else None


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    lines = lines[:-1] if len(lines) > 2 else lines  # the last one may be cut by the window
    for separator in (";", ",", "\t", "|"):
        counts = {line.count(separator) for line in lines}
        if len(counts) == 1 and counts != {0}:
            return True
    return False


_MAX_FILENAME_BYTES = 255


def sanitize_filename(name: str | None) -> str:
    """A file name safe to store and to show: no folders, no control or bidi characters.

    Right-to-left overrides (U+202E) can make `facture_fdp.exe` display as `facture_exe.pdf`;
    they are Unicode format characters (category Cf) and removed with the control characters.
    """
    if not name:
        return "document"
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        char for char in name if unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co")
    )
    name = " ".join(name.split()).strip(" .")
    if not name:
        return "document"
    if len(name.encode("utf-8")) > _MAX_FILENAME_BYTES:
        stem, dot, extension = name.rpartition(".")
        if not dot or len(extension) > 16:
            stem, extension = name, ""
        suffix = f".{extension}" if extension else ""
        budget = _MAX_FILENAME_BYTES - len(suffix.encode("utf-8"))
        stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore").rstrip(" .")
        name = stem + suffix
    return name
