"""A company's software on Comptoir's Flow Service (AFNOR XP Z12-013 annex A), with a client
generated from the annex by openapi-python-client (package `afnor_flow_client`), knowing only
the base URL, its client id and secret, and the SIREN of the company it works for.

    COMPTOIR_URL=https://comptoir.example COMPTOIR_CLIENT_ID=… COMPTOIR_CLIENT_SECRET=… \
    COMPTOIR_ORGANIZATION_ID=610869075 COMPTOIR_CALLBACK_URL=https://erp.example/hooks \
    python afnor_flow_software.py facture.pdf

It subscribes a webhook, deposits the Factur-X, finds it by its tracking id once acknowledged,
and downloads it and its metadata. Each step prints one line.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import time
import uuid
from pathlib import Path

import httpx
from afnor_flow_client import AuthenticatedClient
from afnor_flow_client.api.flow import create_flow, get_flow, search_flows
from afnor_flow_client.api.webhook import create_webhook
from afnor_flow_client.models import (
    CreateFlowBody,
    FlowAckStatus,
    FlowInfo,
    FlowSyntax,
    GetFlowDocType,
    SearchFlowContent,
    SearchFlowFilters,
    SearchFlowParams,
    WebhookIdParam,
    WebhookParams,
)
from afnor_flow_client.types import File


def setting(name: str) -> str:
    value = os.getenv(name)
    if not value:
        sys.exit(f"{name} is required (see the docstring)")
    return value


base = setting("COMPTOIR_URL").rstrip("/")
organization = setting("COMPTOIR_ORGANIZATION_ID")

# OAuth2 client credentials (RFC 6749 §4.4): the token endpoint, then a bearer token.
token = httpx.post(
    f"{base}/oauth2/token",
    data={"grant_type": "client_credentials", "scope": "flows:read flows:write"},
    auth=(setting("COMPTOIR_CLIENT_ID"), setting("COMPTOIR_CLIENT_SECRET")),
    timeout=30,
)
token.raise_for_status()
api = AuthenticatedClient(base_url=f"{base}/afnor-flow", token=token.json()["access_token"])

hook = create_webhook.sync(
    client=api,
    body=WebhookParams(callback_url=setting("COMPTOIR_CALLBACK_URL")),
    organization_id=organization,
)
assert isinstance(hook, WebhookIdParam), hook
print(f"webhook {hook.webhook_id} key={hook.signing_key}")

path = Path(sys.argv[1])
content = path.read_bytes()
tracking_id = f"erp-{uuid.uuid4().hex[:12]}"
info = FlowInfo(name=path.name, flow_syntax=FlowSyntax.FACTUR_X, tracking_id=tracking_id)
# The annex's FlowInfo also carries the file's SHA-256, checked by the platform.
info.additional_properties["sha256"] = hashlib.sha256(content).hexdigest()
deposited = create_flow.sync(
    client=api,
    organization_id=organization,
    body=CreateFlowBody(
        flow_info=info,
        file=File(payload=io.BytesIO(content), file_name=path.name, mime_type="application/pdf"),
    ),
)
print(f"deposited {deposited.flow_id}")  # type: ignore[union-attr]

status = FlowAckStatus.PENDING
for _ in range(240):  # the platform validates in the background: search until acknowledged
    found = search_flows.sync(
        client=api,
        organization_id=organization,
        body=SearchFlowParams(where=SearchFlowFilters(tracking_id=tracking_id)),
    )
    assert isinstance(found, SearchFlowContent), found
    status = found.results[0].acknowledgement.status  # type: ignore[index]
    if status != FlowAckStatus.PENDING:
        break
    time.sleep(0.5)
print(f"found {found.results[0].flow_id} {status.value}")  # type: ignore[index]

original = get_flow.sync_detailed(
    deposited.flow_id,  # type: ignore[union-attr]
    client=api,
    doc_type=GetFlowDocType.ORIGINAL,
    organization_id=organization,
)
print(f"original {len(original.content)} bytes, same={original.content == content}")
metadata = get_flow.sync_detailed(
    deposited.flow_id,  # type: ignore[union-attr]
    client=api,
    doc_type=GetFlowDocType.METADATA,
    organization_id=organization,
)
print("metadata " + json.dumps(json.loads(metadata.content), sort_keys=True))
