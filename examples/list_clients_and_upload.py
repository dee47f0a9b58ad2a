"""Liste tous les clients du cabinet, puis envoie un document au premier d'entre eux.

Uses the Python client generated from openapi/openapi.json (scripts/generate-python-client)
and an API key with the scopes `clients:read` and `documents:write`:

    export COMPTOIR_URL=https://comptoir.cabinet-martin.fr COMPTOIR_API_KEY=cpt_key_…
    python list_clients_and_upload.py                 # the clients only
    python list_clients_and_upload.py facture.pdf     # and upload facture.pdf
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from comptoir_client import AuthenticatedClient
from comptoir_client.api.clients import list_clients
from comptoir_client.models import ClientListItem, ClientPage
from comptoir_client.types import UNSET, Response, Unset

PAGE_SIZE = int(os.getenv("COMPTOIR_PAGE_SIZE", "200"))  # at most 200


def problem(response: Response | httpx.Response) -> str:
    """An RFC 9457 error, as a line a person can read."""
    try:
        body = json.loads(response.content)
    except ValueError:
        body = {}
    return (
        f"{response.status_code} {body.get('code', '')}: {body.get('detail') or body.get('title')}"
    )


def every_client(api: AuthenticatedClient) -> Iterator[ClientListItem]:
    """Every page, by cursor, waiting as told when the key's rate limit answers 429."""
    cursor: str | Unset = UNSET
    while True:
        response = list_clients.sync_detailed(client=api, cursor=cursor, limit=PAGE_SIZE)
        if response.status_code == 429:
            time.sleep(int(response.headers.get("Retry-After", "1")))
            continue
        if not isinstance(response.parsed, ClientPage):
            sys.exit(problem(response))
        yield from response.parsed.items
        if not response.parsed.next_cursor:
            return
        cursor = response.parsed.next_cursor


def upload(api: AuthenticatedClient, path: Path, client_id: str) -> str:
    # ⚠ DOCUMENTS (issue 8) — written before `POST /api/v1/documents` entered the contract:
    # a raw body, the metadata in the query, and an Idempotency-Key so that a retry never
    # makes a second document. Once the route is generated, call it instead:
    # `comptoir_client.api.documents.<operation>.sync_detailed(...)`.
    content = path.read_bytes()
    response = api.get_httpx_client().post(
        "/api/v1/documents",
        params={"client_id": client_id, "type": "invoice", "file_name": path.name},
        content=content,
        headers={
            "Content-Type": "application/octet-stream",  # the server sniffs the real type
            "Idempotency-Key": hashlib.sha256(content).hexdigest(),
        },
    )
    if response.status_code not in (200, 201):
        sys.exit(problem(response))
    return str(response.json()["id"])


def main() -> None:
    url, key = os.getenv("COMPTOIR_URL"), os.getenv("COMPTOIR_API_KEY")
    if not url or not key:
        sys.exit("Set COMPTOIR_URL and COMPTOIR_API_KEY.")
    # The key goes in every request as `Authorization: Bearer cpt_key_…`.
    api = AuthenticatedClient(base_url=url, token=key, raise_on_unexpected_status=False)
    with api:
        clients = list(every_client(api))
        for item in clients:
            print(f"{item.siren}  {item.legal_name}  ({item.status.value})")
        print(f"{len(clients)} client(s)")
        if len(sys.argv) > 1 and clients:
            document_id = upload(api, Path(sys.argv[1]), str(clients[0].id))
            print(f"Document envoyé : {document_id}")


if __name__ == "__main__":
    main()
