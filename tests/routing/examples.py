"""The standard's use-case messages against ours, for invoices routed for real (delivered on one
platform, or between two): every field tests/lifecycle/test_use_cases.py compares, but the dates,
which are today's and not the examples'. They are compared by how they relate, as the examples
build them: MDT-4 is « MDT-87 _ MDT-105 _ MDT-95 # MDT-91 _ MDT-100 », MDT-95 is the deposit (the
seller's side, the issuing platform) or the reception, 202 (the buyer's side, the receiving
platform), MDT-78 the time the status was reached.

Differences with the examples, expected: those of test_use_cases.py (the PPF 0000, numbered
details, the buyer's address scheme, MDT-5 / MDT-8), the parties' SIRENs (ours are companies of
the test world; written back as the examples' before comparing), and the parties' names: the
example invoices name them « LE VENDEUR » and « LE CLIENT » (BT-27, BT-44), the example
messages « VENDEUR » and « ACHETEUR »; ours take the invoice's names."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.blob_storage import BlobStorage
from api.models.flow import Flow
from api.models.lifecycle import InvoiceStatusEntry
from api.validation import cdar_stamp
from tests.lifecycle.conftest import EXAMPLES
from tests.lifecycle.test_use_cases import _expected, fields

EXAMPLE_SELLER, EXAMPLE_BUYER = "100000009", "200000008"


def example_invoice(path: str, seller: str, buyer: str, number: str | None = None) -> bytes:
    """The example invoice at `path` (under the examples' folder) between `seller` and
    `buyer` (and numbered `number`)."""
    content = (EXAMPLES / path).read_bytes()
    content = content.replace(EXAMPLE_SELLER.encode(), seller.encode())
    content = content.replace(EXAMPLE_BUYER.encode(), buyer.encode())
    if number is not None:
        original = path.rsplit("/", 1)[-1].split("_")[1]
        content = content.replace(original.encode(), number.encode())
    return content


def as_example(content: bytes, seller: str, buyer: str) -> bytes:
    """Our message with the examples' SIRENs and names (the module docstring)."""
    for ours, theirs in (
        (seller, EXAMPLE_SELLER),
        (buyer, EXAMPLE_BUYER),
        ("<ram:Name>LE VENDEUR<", "<ram:Name>VENDEUR<"),
        ("<ram:Name>LE CLIENT<", "<ram:Name>ACHETEUR<"),
    ):
        content = content.replace(ours.encode(), theirs.encode())
    return content


@dataclass(frozen=True)
class Said:
    """A status of an invoice's history with the message that carried it."""

    status: int
    side: str
    reason_code: str | None
    occurred_at: datetime
    message: bytes  # ours, or the one the other platform sent
    from_peer: bool  # received from the other platform


async def history(session: AsyncSession, storage: BlobStorage, flow_id: str) -> list[Said]:
    """The invoice's history, oldest first, each status with the message that carried it."""
    entries = (
        await session.scalars(
            select(InvoiceStatusEntry)
            .where(InvoiceStatusEntry.invoice_flow_id == uuid.UUID(flow_id))
            .order_by(InvoiceStatusEntry.occurred_at, InvoiceStatusEntry.id)
        )
    ).all()
    result = []
    for entry in entries:
        carrier = await session.get(Flow, entry.cdar_flow_id)
        assert carrier is not None, entry.status
        content = b"".join([chunk async for chunk in storage.read(carrier.blob_key)])
        result.append(
            Said(
                entry.status,
                entry.side,
                entry.reason_code,
                entry.occurred_at,
                content,
                carrier.peer_platform_id is not None,
            )
        )
    return result


def compare(
    said: Said,
    example_path: str,
    *,
    seller: str,
    buyer: str,
    deposited: datetime,
    received: datetime | None,
) -> None:
    """`said`'s message against the example file (the module docstring). The CDAR rules are
    the caller's to run (`tests.lifecycle.conftest.validate_cdar`)."""
    ours = fields(as_example(said.message, seller, buyer))
    expected = _expected(fields((EXAMPLES / example_path).read_bytes()))
    dated = {"MDT-4", "MDT-78", "MDT-95"}
    mismatches = {
        key: (ours[key], expected[key])
        for key in expected
        if key not in dated | {"recipients", "amounts"} and ours[key] != expected[key]
    }
    assert mismatches == {}, example_path
    # A buyer's address: the examples' 202/203 give no scheme, ours says 0225.
    assert [
        {k: v for k, v in party.items() if k != "scheme" or party["id"] == "PPF"}
        for party in ours["recipients"]
    ] == [
        {k: v for k, v in party.items() if k != "scheme" or party["id"] == "PPF"}
        for party in expected["recipients"]
    ], example_path
    # Amounts and rates: the example's; the day of a payment is today's.
    assert [item[:3] for item in ours["amounts"]] == [item[:3] for item in expected["amounts"]]
    for message in (ours, expected):
        assert message["MDT-4"] == (
            f"{message['MDT-87']}_{message['MDT-105']}_{message['MDT-95']}"
            f"#{message['MDT-91']}_{message['MDT-100']}"
        ), example_path
    buyer_side = said.side == "buyer" or said.status in (202, 203, 213)
    assert ours["MDT-95"] == cdar_stamp(
        received if buyer_side and received is not None else deposited
    ), example_path
    assert ours["MDT-78"] == cdar_stamp(said.occurred_at), example_path
