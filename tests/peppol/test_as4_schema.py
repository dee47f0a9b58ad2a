"""The Peppol messages migration creates exactly what the ORM model describes."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.schema import model_differences


async def test_the_peppol_messages_table_matches_its_model(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(model_differences, {"peppol_messages"})

    assert differences == []
