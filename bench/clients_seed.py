"""Seed a firm with N clients on a database, and mint a bearer token for its owner."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from sqlalchemy import Table, insert, text, update
from stdnum.fr import siren as siren_number

from api.adapters.company_registry.base import search_name, search_words, vat_number_from_siren
from api.auth import service as auth_service
from api.auth.tokens import KeyRing
from api.core.db import create_engine, create_sessionmaker
from api.core.models import utcnow
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.firms import service as firms_service
from api.firms.schemas import FirmCreate
from api.migrate import upgrade_to_head
from api.models.auth_session import SessionKind
from api.models.client import Client, ClientSubscription
from api.models.membership import Membership, MembershipStatus

TRADES = ["Garage", "Boulangerie", "Pharmacie", "Atelier", "Études", "Hôtel", "Conseil", "Optique"]
NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Côté"]
SUFFIXES = ["", " Et Fils", " Et Associés", " Et Frères", " SARL"]


@dataclass(frozen=True)
class SeededFirm:
    firm_id: uuid.UUID
    access_token: str


def random_sirens(count: int, rng: random.Random) -> list[str]:
    found: set[str] = set()
    while len(found) < count:
        candidate = f"{rng.randrange(100_000_000, 999_999_999)}"
        if siren_number.is_valid(candidate):
            found.add(candidate)
    return sorted(found)


async def seed_firm(settings: Settings, clients: int) -> SeededFirm:
    """A firm whose owner is active, `clients` clients (a third with a plan), and a token."""
    engine = create_engine(settings)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_to_head)
    rng = random.Random(6)
    async with create_sessionmaker(engine)() as session:
        created = await firms_service.create_firm(
            session,
            settings,
            FirmCreate(
                name="Cabinet Bench",
                siren=random_sirens(1, random.Random(1))[0],
                owner_email=f"bench.{uuid.uuid4().hex[:6]}@cabinet.fr",
                owner_first_name="Claire",
                owner_last_name="Bench",
            ),
        )
        await session.execute(
            update(Membership)
            .where(Membership.user_id == created.owner.id)
            .values(status=MembershipStatus.ACTIVE)
        )
        now = utcnow()
        rows = []
        for index, siren in enumerate(random_sirens(clients, rng)):
            name = f"{rng.choice(TRADES)} {rng.choice(NAMES)}{rng.choice(SUFFIXES)} {index}"
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "firm_id": created.firm.id,
                    "siren": siren,
                    "siret": siren + "00012",
                    "legal_name": name,
                    "search_name": search_name(name),
                    "sort_name": " ".join(search_words(name)),
                    "postal_code": "75001",
                    "city": "PARIS",
                    "vat_number": vat_number_from_siren(siren),
                    "status": "invited" if index % 4 else "active",
                    "pa_status": "not_registered",
                    "is_firm_itself": False,
                    "contact_first_name": "Marie",
                    "contact_last_name": rng.choice(NAMES),
                    "contact_email": f"contact{index}@exemple.fr",
                    "created_at": now - timedelta(seconds=index),
                }
            )
        for start in range(0, len(rows), 2000):
            await session.execute(insert(cast(Table, Client.__table__)), rows[start : start + 2000])
        subscriptions = [
            {
                "client_id": row["id"],
                "firm_id": created.firm.id,
                "plan_code": rng.choice(["essentiel", "standard", "premium"]),
                "payer": "firm",
                "status": "active",
                "start_date": date(2026, 9, 1),
                "updated_at": now,
            }
            for row in rows[::3]
        ]
        for start in range(0, len(subscriptions), 2000):
            batch = subscriptions[start : start + 2000]
            await session.execute(insert(cast(Table, ClientSubscription.__table__)), batch)
        issued = await auth_service.start_session(
            session,
            settings,
            KeyRing(settings),
            RequestOrigin(ip="127.0.0.1", user_agent="bench"),
            user_id=created.owner.id,
            kind=SessionKind.BEARER,
        )
        await session.commit()
    async with engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()
    await engine.dispose()
    return SeededFirm(created.firm.id, issued.access_token)
