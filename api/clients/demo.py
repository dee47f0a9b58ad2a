"""Demo step: a handful of clients for the demo firm, taken from the packaged SIRENE sample,
so the Clients screen is not empty on a fresh install."""

from __future__ import annotations

import csv
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from api.adapters.company_registry.sirene import SireneRegistry
from api.audit.service import SYSTEM
from api.clients import repository, service
from api.clients.schemas import ClientCreate
from api.companies.demo import DEMO_DATA
from api.core.actor import Actor
from api.core.authz import FIRM_ROLES, Principal, PrincipalKind, permissions_of
from api.core.db import create_sessionmaker
from api.core.request_context import RequestOrigin
from api.core.settings import Settings
from api.firms import service as firms_service
from api.firms.demo import DEMO_FIRM

DEMO_CLIENTS = 12
CONTACTS = [("Julie", "Moreau"), ("Karim", "Benali"), ("Sophie", "Lefèvre"), ("Marc", "Girard")]


def _demo_sirens(count: int) -> list[str]:
    """Active, public companies with a name, in file order (stable from one run to the next)."""
    picked = []
    with (DEMO_DATA / "StockUniteLegale_utf8.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (
                row["etatAdministratifUniteLegale"] == "A"
                and row["statutDiffusionUniteLegale"] == "O"
                and row["denominationUniteLegale"]
                and row["siren"] != DEMO_FIRM.siren
            ):
                picked.append(row["siren"])
            if len(picked) == count:
                break
    return picked


async def seed_demo_clients(session: AsyncSession, _settings: Settings) -> list[str]:
    firm = await firms_service.find_by_siren(session, DEMO_FIRM.siren)
    owner = await firms_service.find_user_by_email(session, DEMO_FIRM.owner_email)
    if firm is None or owner is None or await repository.any_client(session, firm.id):
        return []
    principal = Principal(
        kind=PrincipalKind.USER,
        user_id=owner.id,
        workspace_id=firm.id,
        roles=FIRM_ROLES,
        permissions=permissions_of(FIRM_ROLES),
    )
    # The registry reads through its own sessions, on the same database.
    assert session.bind is not None
    registry = SireneRegistry(create_sessionmaker(session.bind, writer=False))
    seeder = RequestOrigin(ip=None, user_agent=f"comptoir demo ({SYSTEM.kind})")
    added = 0
    for index, siren in enumerate(_demo_sirens(DEMO_CLIENTS)):
        first, last = CONTACTS[index % len(CONTACTS)]
        await service.add_client(
            session,
            registry,
            Actor(principal=principal, origin=seeder),
            ClientCreate(
                identifier=siren,
                contact_first_name=first,
                contact_last_name=last,
                contact_email=f"{first.lower()}.{uuid.uuid4().hex[:4]}@exemple-client.fr",
            ),
        )
        added += 1
    return [f"{added} clients de démonstration ajoutés au cabinet {firm.name}."]
