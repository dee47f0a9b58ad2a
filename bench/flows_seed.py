"""Seeds for the flows benchmarks: a firm whose first client's mandate is certified, an API key
with the flows scopes, and `count` flows COPYed into PostgreSQL (most of them the client's)."""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from sqlalchemy import select, update

from api.api_keys.cli import create_key
from api.core.authz import SOFTWARE_SCOPES
from api.core.db import create_engine, create_sessionmaker
from api.core.settings import Settings
from api.einvoicing.certification import CURRENT_CERTIFICATION
from api.models.client import Client, PaStatus
from api.models.pa_designation import MandateCertification, PaDesignation
from api.models.workspace import Workspace
from bench.clients_seed import seed_firm

FLOW_TYPES = ["CustomerInvoice", "CustomerInvoice", "CustomerInvoiceLC", "SupplierInvoice"]
FIRST_UPDATE = datetime(2026, 9, 1, tzinfo=UTC)
SPAN_SECONDS = 90 * 24 * 3600


@dataclass(frozen=True)
class SeededSoftware:
    firm_id: uuid.UUID
    client_id: uuid.UUID
    client_siren: str
    key_id: str
    secret: str


async def seed_software(settings: Settings, clients: int) -> SeededSoftware:
    seeded = await seed_firm(settings, clients)
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            firm = await session.get(Workspace, seeded.firm_id)
            assert firm is not None
            assert firm.siren is not None
            client = await session.scalar(
                select(Client).where(Client.firm_id == seeded.firm_id).order_by(Client.siren)
            )
            assert client is not None
            certification = MandateCertification(
                firm_id=seeded.firm_id,
                text_version=CURRENT_CERTIFICATION.version,
                text=CURRENT_CERTIFICATION.text,
                actor_kind="system",
                roles=[],
            )
            session.add(certification)
            await session.flush()
            session.add(
                PaDesignation(
                    firm_id=seeded.firm_id,
                    client_id=client.id,
                    certification_id=certification.id,
                    status=PaStatus.REGISTERED,
                    siren=client.siren,
                    date_from=FIRST_UPDATE.date(),
                )
            )
            await session.execute(
                update(Client).where(Client.id == client.id).values(pa_status=PaStatus.REGISTERED)
            )
            created = await create_key(
                session, firm.siren, "Bench ERP", frozenset(SOFTWARE_SCOPES), None
            )
            await session.commit()
            return SeededSoftware(
                seeded.firm_id, client.id, client.siren, created.key_id, created.secret
            )
    finally:
        await engine.dispose()


async def copy_flows(
    database_url: str, firm_id: uuid.UUID, main_client: uuid.UUID, count: int, share: float
) -> tuple[int, list[str]]:
    """`count` flows: `share` of them the main client's, the rest spread over the firm's other
    clients; updates over 90 days, a tenth rejected, tracking ids `t-<n>`. Returns how many
    are the main client's, and some of its tracking ids."""
    connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        others = [
            row["id"]
            for row in await connection.fetch(
                "SELECT id FROM clients WHERE firm_id = $1 AND id <> $2", firm_id, main_client
            )
        ]
        rng = random.Random(17)
        mine = 0
        tracking: list[str] = []
        batch: list[tuple[object, ...]] = []
        columns = [
            "id", "firm_id", "client_id", "direction", "flow_type", "syntax", "profile",
            "processing_rule", "processing_rule_source", "name", "tracking_id", "sha256", "size",
            "media_type", "blob_key", "submitted_at", "updated_at", "ack_status",
            "lifecycle_status", "invoice_number",
        ]  # fmt: skip
        for index in range(count):
            ours = rng.random() < share
            mine += ours
            if ours and len(tracking) < 500:
                tracking.append(f"t-{index}")
            client = main_client if ours else others[index % len(others)]
            kind = rng.choice(FLOW_TYPES)
            error = rng.random() < 0.1
            updated = FIRST_UPDATE + timedelta(seconds=rng.randrange(SPAN_SECONDS))
            digest = hashlib.sha256(f"flow {index}".encode()).hexdigest()
            batch.append(
                (
                    uuid.uuid4(), firm_id, client,
                    "In" if kind.endswith("LC") else "Out", kind,
                    "CDAR" if kind.endswith("LC") else "CII", "CIUS",
                    "B2B", "Computed", f"flow-{index}.xml", f"t-{index}", digest, 4000,
                    "application/xml", f"{digest[:2]}/{digest[2:4]}/{digest}", updated, updated,
                    "Error" if error else "Ok", 213 if error else 200, f"F{index:09d}",
                )
            )  # fmt: skip
            if len(batch) == 20_000:
                await connection.copy_records_to_table("flows", records=batch, columns=columns)
                batch.clear()
        if batch:
            await connection.copy_records_to_table("flows", records=batch, columns=columns)
        await connection.execute("VACUUM ANALYZE flows")
        return mine, tracking
    finally:
        await connection.close()
