"""Who may deposit an invoice: its issuer, as the table says — the seller (its firm acting for
it with a certified mandate, or its own company key), or the buyer of a self-billed invoice.
Anyone else gets the annex's 403 and nothing is stored."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.flow import Flow
from tests.flows.conftest import EXAMPLES, UC1_CII, UC1_PDF, UC1_UBL, deposit
from tests.shared_data import skip_module_without
from tests.software import (
    CERTIFIED_SIREN,
    EXAMPLES_BUYER_SIREN,
    EXAMPLES_SELLER_SIREN,
    SoftwareWorld,
    token_for,
)

skip_module_without(EXAMPLES)

# How the example invoice is deposited: as it is (a commercial invoice, 380, issued by its
# seller 100000009 to 200000008), or as a self-billed invoice (389: the buyer issues it).
AS_IS, SELF_BILLED = "380", "389"
SYNTAX = {UC1_CII: "CII", UC1_UBL: "UBL", UC1_PDF: "Factur-X"}

# (whose key, Organization-Id, file, invoice type, expected status)
TABLE = [
    ("firm_key", EXAMPLES_SELLER_SIREN, UC1_CII, AS_IS, 202),
    ("firm_key", EXAMPLES_SELLER_SIREN, UC1_UBL, AS_IS, 202),
    ("firm_key", EXAMPLES_SELLER_SIREN, UC1_PDF, AS_IS, 202),
    ("firm_key", CERTIFIED_SIREN, UC1_CII, AS_IS, 403),  # another client of the firm
    ("firm_key", CERTIFIED_SIREN, UC1_PDF, AS_IS, 403),
    ("firm_key", EXAMPLES_BUYER_SIREN, UC1_CII, AS_IS, 403),  # the buyer of a sale
    ("firm_key", EXAMPLES_BUYER_SIREN, UC1_UBL, AS_IS, 403),
    ("firm_key", EXAMPLES_BUYER_SIREN, UC1_CII, SELF_BILLED, 202),  # the buyer self-bills
    ("firm_key", EXAMPLES_BUYER_SIREN, UC1_UBL, SELF_BILLED, 202),
    ("firm_key", EXAMPLES_SELLER_SIREN, UC1_CII, SELF_BILLED, 403),
    ("company_key", None, UC1_CII, AS_IS, 403),  # a company that is neither party
]


def _as_type(content: bytes, path: Path, type_code: str) -> bytes:
    if type_code == AS_IS:
        return content
    element = b"cbc:InvoiceTypeCode" if path == UC1_UBL else b"ram:TypeCode"
    before = b"<%s>380</%s>" % (element, element)
    assert content.count(before) == 1
    return content.replace(before, b"<%s>%s</%s>" % (element, type_code.encode(), element))


@pytest.mark.parametrize(("key_name", "organization_id", "path", "type_code", "expected"), TABLE)
async def test_only_the_issuer_deposits_an_invoice(
    client: httpx.AsyncClient,
    world: SoftwareWorld,
    session: AsyncSession,
    key_name: str,
    organization_id: str | None,
    path: Path,
    type_code: str,
    expected: int,
) -> None:
    assert path in SYNTAX
    headers = await token_for(client, getattr(world, key_name))
    if organization_id is not None:
        headers["Organization-Id"] = organization_id
    content = _as_type(await asyncio.to_thread(path.read_bytes), path, type_code)

    response = await deposit(
        client, headers, content, {"name": "facture", "flowSyntax": SYNTAX[path]}
    )

    assert response.status_code == expected, response.text
    stored = await session.scalar(select(func.count()).select_from(Flow))
    if expected == 403:
        assert response.json()["errorCode"] == "FORBIDDEN_ACCESS"
        issuer = EXAMPLES_BUYER_SIREN if type_code == SELF_BILLED else EXAMPLES_SELLER_SIREN
        assert issuer in response.json()["errorMessage"]
        assert stored == 0
    else:
        assert stored == 1
