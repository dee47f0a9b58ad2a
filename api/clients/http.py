"""What the client-facing routers share (clients, e-invoicing, mandates): the permission
aliases and the .xlsx and PDF responses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Response

from api.auth.dependencies import acting, require
from api.clients.spreadsheet import XLSX_MEDIA_TYPE
from api.core.actor import Actor
from api.core.authz import Permission, Principal

ClientsRead = Annotated[Principal, Depends(require(Permission.CLIENTS_READ))]
ClientsWrite = Annotated[Actor, Depends(acting(Permission.CLIENTS_MANAGE))]
# The client's e-invoicing and mandates: Gestionnaire de clients and owner (a Comptable: 404).
EinvoicingManage = Annotated[
    Actor, Depends(acting(Permission.CLIENTS_READ, Permission.EINVOICING_MANAGE))
]


XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}
}


def xlsx_response(content: bytes, name: str) -> Response:
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
}


def pdf_response(content: bytes, name: str, *, attachment: bool = False) -> Response:
    disposition = "attachment" if attachment else "inline"
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{name}"'},
    )
