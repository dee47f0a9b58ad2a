"""The embedded SQLite database under concurrency: writers queue, side readers never block."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from api.core.db import create_engine, create_sessionmaker
from api.core.settings import Settings


async def test_a_reader_proceeds_while_a_writer_holds_the_lock_and_writers_queue(
    tmp_path: Path,
) -> None:
    engine = create_engine(Settings(data_dir=tmp_path, database_url=""))
    try:
        writers = create_sessionmaker(engine)
        readers = create_sessionmaker(engine, writer=False)
        async with writers() as setup:
            await setup.execute(text("CREATE TABLE counter (n INTEGER)"))
            await setup.execute(text("INSERT INTO counter VALUES (0)"))
            await setup.commit()

        async def increment() -> None:
            # Read then write: with a deferred BEGIN, two of these could fail at once with
            # "database is locked"; as writers they take turns.
            async with writers() as session:
                value = await session.scalar(text("SELECT n FROM counter"))
                await asyncio.sleep(0.05)
                await session.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})
                await session.commit()

        async with writers() as holder:
            await holder.execute(text("UPDATE counter SET n = n"))  # holds the write lock
            async with readers() as side_read:  # e.g. the company registry during a request
                assert await side_read.scalar(text("SELECT n FROM counter")) == 0
            await holder.commit()

        await asyncio.gather(*(increment() for _ in range(5)))
        async with readers() as check:
            assert await check.scalar(text("SELECT n FROM counter")) == 5
    finally:
        await engine.dispose()
