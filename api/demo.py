"""Demo data for the quickstart: `comptoir demo` (idempotent).

Each domain contributes a step in `DEMO_STEPS`; a step receives the open session, does its
inserts only when its data is absent, and returns lines to print for the newcomer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from api.clients.demo import seed_demo_clients
from api.companies.demo import load_sirene_sample
from api.core.db import create_engine, create_sessionmaker
from api.core.settings import Settings
from api.firms.demo import seed_demo_firm
from api.members.demo import invite_demo_collaborators

DemoStep = Callable[[AsyncSession, Settings], Awaitable[list[str]]]

# In order: the registry sample, the demo firm, then its collaborators.
DEMO_STEPS: list[DemoStep] = [
    load_sirene_sample,
    seed_demo_firm,
    invite_demo_collaborators,
    seed_demo_clients,
]


async def seed_demo(settings: Settings) -> list[str]:
    engine = create_engine(settings)
    lines: list[str] = []
    try:
        async with create_sessionmaker(engine)() as session:
            for step in DEMO_STEPS:
                lines.extend(await step(session, settings))
                # Each step is committed: a later one may read through its own sessions.
                await session.commit()
    finally:
        await engine.dispose()
    return lines or ["Aucune donnée de démonstration à créer."]
