"""The per-process memory of session checks: it answers only while listening, forgets on every
notification, never stores an answer older than the last change, and expires entries."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.auth.access_cache import AccessCache, listening_cache
from api.auth.repository import AccessContext
from api.models.auth_session import SessionKind

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
CONTEXT = AccessContext(
    user_id=uuid.uuid4(),
    kind=SessionKind.BROWSER,
    device_id=None,
    workspace_id=None,
    expires_at=NOW,
    revoked_at=None,
    last_used_at=NOW,
    user_deleted_at=None,
    device_found=False,
    device_revoked_at=None,
    membership_id=None,
    membership_status=None,
    roles=frozenset(),
)


def listening() -> AccessCache:
    cache = AccessCache(ttl=30)
    cache.listening = True
    return cache


def test_nothing_is_remembered_without_the_listener() -> None:
    cache = AccessCache()
    session_id = uuid.uuid4()

    cache.put(session_id, CONTEXT, cache.generation)

    assert cache.get(session_id, AccessContext) is None


def test_an_answer_read_before_a_change_is_not_stored_after_it() -> None:
    cache = listening()
    session_id = uuid.uuid4()
    before_the_read = cache.generation
    cache.clear()  # a revocation was notified while the request read the database

    cache.put(session_id, CONTEXT, before_the_read)

    assert cache.get(session_id, AccessContext) is None


def test_a_notification_forgets_everything() -> None:
    cache = listening()
    session_id = uuid.uuid4()
    cache.put(session_id, CONTEXT, cache.generation)
    assert cache.get(session_id, AccessContext) == CONTEXT

    cache.clear("connection", 1234, "comptoir_access", "")

    assert cache.get(session_id, AccessContext) is None


def test_entries_expire(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = listening()
    session_id = uuid.uuid4()
    cache.put(session_id, CONTEXT, cache.generation)
    later = time.monotonic() + 31
    monkeypatch.setattr(time, "monotonic", lambda: later)

    assert cache.get(session_id, AccessContext) is None


def test_an_answer_of_another_kind_is_not_returned() -> None:
    cache = listening()
    cache.put(("software-token", "hash"), "not a session check", cache.generation)

    assert cache.get(("software-token", "hash"), AccessContext) is None
    assert cache.get(("software-token", "hash"), str) == "not a session check"


# What a session check or a software call's check reads (an UPDATE of no row still fires the
# statement trigger).
WATCHED_CHANGES = [
    "UPDATE users SET deleted_at = NULL WHERE false",
    "UPDATE api_keys SET revoked_at = NULL WHERE false",
    "DELETE FROM software_access_tokens WHERE false",
    "UPDATE workspaces SET siren = NULL WHERE false",
    "UPDATE clients SET pa_status = 'registered' WHERE false",
    "DELETE FROM client_assignments WHERE false",
    "DELETE FROM pa_designations WHERE false",
]


@pytest.mark.parametrize("change", WATCHED_CHANGES)
async def test_a_committed_change_reaches_the_listener(
    engine: AsyncEngine, database_url: str, change: str
) -> None:
    """On PostgreSQL: a commit touching what a check reads empties the cache of a listening
    process."""
    if engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; on SQLite nothing is ever cached")
    async with listening_cache(database_url) as cache:
        for _ in range(100):
            if cache.listening:
                break
            await asyncio.sleep(0.05)
        assert cache.listening
        session_id = uuid.uuid4()
        cache.put(session_id, CONTEXT, cache.generation)
        assert cache.get(session_id, AccessContext) == CONTEXT

        async with engine.begin() as connection:
            await connection.execute(text(change))
        for _ in range(100):
            if cache.get(session_id, AccessContext) is None:
                break
            await asyncio.sleep(0.02)

        assert cache.get(session_id, AccessContext) is None
    assert not cache.listening
