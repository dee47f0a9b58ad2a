"""The bytes of an upload, streamed from the request body as they arrive.

Two shapes reach the same endpoint: the raw file as the body (the mobile app, integrations)
and `multipart/form-data` with a `file` part (a browser form). Starlette's `request.form()`
would spool the whole file to a temporary file before the endpoint runs; here the multipart
parser is fed chunk by chunk and the file part's data is passed on at once, so memory stays
bounded by one network chunk and the blob store writes the only copy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from email.message import Message

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from api.core.errors import UnprocessableEntity

FILE_FIELD = "file"


class MalformedUpload(UnprocessableEntity):
    code = "malformed-upload"
    title = "Envoi de fichier mal formé"


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


def _disposition(raw: bytes) -> tuple[str | None, str | None]:
    """(field name, file name) of a part's Content-Disposition; `filename*` (RFC 6266)
    wins over `filename`, as browsers send it for non-ASCII names."""
    message = Message()
    message["content-disposition"] = raw.decode("utf-8", "replace")
    name = message.get_param("name", header="content-disposition")
    filename = message.get_filename()
    return (str(name) if isinstance(name, str) else None), filename


class MultipartFile:
    """The `file` part of a multipart body: `await open()` reads up to its headers (for the
    file name), then iterating yields its data as the body arrives."""

    def __init__(self, request: Request) -> None:
        _, options = parse_options_header(request.headers.get("content-type", ""))
        boundary = options.get(b"boundary")
        if not boundary:
            raise MalformedUpload("Limite (boundary) multipart absente.")
        self._body = request.stream()
        self._pending: list[bytes] = []
        self._in_file = False
        self._file_done = False
        self._headers_ready = False
        self._header_field = b""
        self._header_value = b""
        self._disposition = b""
        self.filename: str | None = None
        self._parser = MultipartParser(
            boundary,
            callbacks={
                "on_part_begin": self._part_begin,
                "on_header_field": self._header_field_data,
                "on_header_value": self._header_value_data,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
            },
        )

    def _part_begin(self) -> None:
        self._disposition = b""

    def _header_field_data(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        if self._header_field.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_field, self._header_value = b"", b""

    def _headers_finished(self) -> None:
        name, filename = _disposition(self._disposition)
        if name == FILE_FIELD and not self._file_done and not self._in_file:
            self._in_file = True
            self._headers_ready = True
            self.filename = filename

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self._pending.append(data[start:end])

    def _part_end(self) -> None:
        if self._in_file:
            self._in_file = False
            self._file_done = True

    async def _feed(self) -> bool:
        """Parse one more chunk of the body; False at its end."""
        try:
            chunk = await anext(self._body)
        except StopAsyncIteration:
            return False
        if chunk:
            try:
                self._parser.write(chunk)
            except Exception as error:  # the parser raises its own error types
                raise MalformedUpload("Corps multipart illisible.") from error
        return True

    async def open(self) -> None:
        while not self._headers_ready:
            if not await self._feed():
                raise MalformedUpload("Le champ « file » est absent de l'envoi.")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            if self._pending:
                data = b"".join(self._pending)
                self._pending.clear()
                if data:
                    yield data
            if self._file_done:
                return
            if not await self._feed():
                raise MalformedUpload("L'envoi s'est arrêté avant la fin du fichier.")


async def raw_body(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk
