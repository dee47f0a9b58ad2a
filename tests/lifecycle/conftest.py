"""A seller and a buyer, two client companies of one platform, and the UC1 invoice between
them: deposited by the seller (its `Out` flow) and delivered to the buyer (an `In` flow pointing
at it, as local delivery makes it). `record` is then called as the platform, the buyer's and the
seller's sides call it."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.blob_storage import BlobStorage, create_blob_storage
from api.audit.service import Author
from api.core.invoice_statuses import Side, Status
from api.core.settings import Settings
from api.lifecycle import service as lifecycle
from api.models.client import Client
from api.models.flow import AckStatus, Flow, FlowDirection
from api.validation import Report, Syntax, shared_engine
from tests.flows.conftest import run_flows_worker, world  # noqa: F401 -- the Flow Service's
from tests.helpers import create_firm
from tests.shared_data import SHARED_DATA

EXAMPLES = SHARED_DATA / "afnor" / "examples"
SELLER_SIREN = "100000009"
BUYER_SIREN = "200000008"
# When the UC1 invoice was deposited (the examples' 200: 2025-07-01 15:10, Paris).
DEPOSITED_AT = datetime(2025, 7, 1, 13, 10, tzinfo=UTC)


def uc1_facts() -> dict[str, Any]:
    return {
        "number": "F202500003",
        "type_code": "380",
        "issue_date": "2025-07-01",
        "currency": "EUR",
        "total_without_vat": "10000.00",
        "total_vat": "2000.00",
        "total_with_vat": "12000.00",
        "seller_name": "VENDEUR",
        "seller_siren": SELLER_SIREN,
        "buyer_name": "ACHETEUR",
        "buyer_siren": BUYER_SIREN,
        "seller_electronic_address": "100000009_STATUTS",
        "buyer_electronic_address": BUYER_SIREN,
        # Services (BT-23 S1) whose VAT is due on receipts (BT-8 72, read as 432): the PPF
        # receives their 212.
        "business_process": "S1",
        "vat_due_date_code": "432",
    }


def client_row(firm_id: uuid.UUID, siren: str, name: str) -> Client:
    return Client(
        id=uuid.uuid4(),
        firm_id=firm_id,
        siren=siren,
        legal_name=name,
        search_name=" " + name.lower(),
        sort_name=name.lower(),
    )


def invoice_flow(
    client: Client, direction: FlowDirection, *, related: Flow | None = None, **values: Any
) -> Flow:
    facts = values.pop("facts", uc1_facts())
    return Flow(
        id=uuid.uuid4(),
        firm_id=client.firm_id,
        client_id=client.id,
        direction=direction,
        flow_type="CustomerInvoice" if direction == FlowDirection.OUT else "SupplierInvoice",
        syntax="CII",
        profile="CIUS",
        processing_rule="B2B",
        name=f"{facts['number']}.xml",
        sha256=uuid.uuid4().hex * 2,
        size=1000,
        media_type="application/xml",
        blob_key=f"test/{uuid.uuid4().hex}",
        submitted_at=DEPOSITED_AT,
        updated_at=DEPOSITED_AT,
        ack_status=AckStatus.OK,
        invoice_number=facts["number"],
        invoice_type_code=facts["type_code"],
        issue_date=date.fromisoformat(facts["issue_date"]),
        sender_siren=facts["seller_siren"],
        recipient_siren=facts["buyer_siren"],
        facts=facts,
        related_flow_id=related.id if related else None,
        **values,
    )


@dataclass
class Trade:
    session: AsyncSession
    settings: Settings
    storage: BlobStorage
    seller: Client
    buyer: Client
    issued: Flow  # the seller's invoice, as deposited
    received: Flow  # the same invoice, delivered to the buyer

    async def record(
        self, status: Status, emitter: lifecycle.Emitter, *args: Any, **kwargs: Any
    ) -> lifecycle.Recorded:
        return await lifecycle.record(
            self.session,
            kwargs.pop("flow", self.issued),
            status,
            emitter,
            *args,
            storage=self.storage,
            settings=self.settings,
            **kwargs,
        )

    async def content(self, flow: Flow) -> bytes:
        return b"".join([chunk async for chunk in self.storage.read(flow.blob_key)])


@pytest.fixture
async def trade(session: AsyncSession, settings: Settings) -> Trade:
    seller_firm = await create_firm(session, settings, name="Cabinet du vendeur")
    buyer_firm = await create_firm(session, settings, name="Cabinet de l'acheteur")
    seller = client_row(seller_firm.firm.id, SELLER_SIREN, "Vendeur")
    buyer = client_row(buyer_firm.firm.id, BUYER_SIREN, "Acheteur")
    session.add_all([seller, buyer])
    await session.flush()
    issued = invoice_flow(seller, FlowDirection.OUT)
    session.add(issued)
    await session.flush()
    received = invoice_flow(buyer, FlowDirection.IN, related=issued)
    session.add(received)
    await session.flush()
    return Trade(session, settings, create_blob_storage(settings), seller, buyer, issued, received)


def person(side: Side) -> lifecycle.Emitter:
    """Someone of `side` acting in the screens."""
    return lifecycle.Emitter(side, Author(kind="user", user_id=uuid.uuid4()), lifecycle.Channel.API)


BUYER = person(Side.BUYER)
SELLER = person(Side.SELLER)
PERSON_OF = {Side.BUYER: BUYER, Side.SELLER: SELLER}


async def validate_cdar(content: bytes) -> Report:
    return await asyncio.to_thread(shared_engine().validate, content, declared_syntax=Syntax.CDAR)
