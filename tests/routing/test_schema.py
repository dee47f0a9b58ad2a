"""The routing migration creates exactly what the ORM models describe."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.schema import model_differences

TABLES = {"invoice_routes", "flows"}


async def test_the_routing_tables_match_their_models(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(model_differences, TABLES)

    assert differences == []
