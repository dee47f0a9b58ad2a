"""What the clients routers share: the permission aliases and the .xlsx response."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Response

from api.auth.dependencies import acting, require
from api.clients.spreadsheet import XLSX_MEDIA_TYPE
from api.core.actor import Actor
from api.core.authz import Permission, Principal

ClientsRead = Annotated[Principal, Depends(require(Permission.CLIENTS_READ))]
ClientsWrite = Annotated[Actor, Depends(acting(Permission.CLIENTS_MANAGE))]


XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}
}


def xlsx_response(content: bytes, name: str) -> Response:
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
