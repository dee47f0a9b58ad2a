"""The contract: our served Flow Service and Directory Service OpenAPI documents against the
annex files (paths, operations, parameters, bodies, responses, schemas, enums). Any difference
fails, except the ones listed here with the annex's own inconsistency they work around."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.shared_data import SHARED_DATA
from tests.standard_contract import compare_documents

ANNEXES = SHARED_DATA / "afnor"

# The annex requires `webhookIds` in the webhook list but describes only `webhooks`: we send
# both, so a client checking either finds it.
ACCEPTED = {
    "flow": {
        "GET /v1/webhooks 200: property 'webhookIds' not in the annex",
    },
    "directory": set(),
}


@pytest.mark.parametrize(
    ("name", "served_path", "annex_file"),
    [
        ("flow", "/afnor-flow/v1/openapi.json", "flow-service-1.3.0.json"),
        ("directory", "/afnor-directory/v1/openapi.json", "directory-service-1.3.0.json"),
    ],
)
async def test_served_documents_match_the_annex(
    client: httpx.AsyncClient, name: str, served_path: str, annex_file: str
) -> None:
    annex = json.loads((ANNEXES / annex_file).read_text(encoding="utf-8"))
    served = (await client.get(served_path)).json()
    differences = [d for d in compare_documents(annex, served) if d not in ACCEPTED[name]]
    assert differences == [], "\n".join(differences)


def test_the_comparison_sees_a_difference() -> None:
    annex = json.loads((ANNEXES / "flow-service-1.3.0.json").read_text(encoding="utf-8"))
    altered = json.loads(json.dumps(annex))
    altered["components"]["schemas"]["FlowDirection"]["enum"] = ["In"]
    del altered["paths"]["/v1/healthcheck"]
    differences = compare_documents(annex, altered)
    assert "path /v1/healthcheck not served" in differences
    assert any("enum ['In'] instead of ['In', 'Out']" in d for d in differences)
