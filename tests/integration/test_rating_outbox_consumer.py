"""The rating consumer's place in the outbox, on the real databases.

PostgreSQL draws outbox ids before commit, so a message can commit after one with
a higher id; the consumer must still apply it (the position is a transaction
horizon). SQLite commits one writer at a time, in id order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.database import create_engine, is_sqlite, session_factory
from persistence.rating_consumer import fetch
from persistence.tables.audit import outbox


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()


def _message(event_id: int) -> dict[str, object]:
    return {
        "topic": "results.applied",
        "payload": {"event_id": event_id, "participant_ids": []},
        "created_at": datetime.now(UTC),
    }


async def _ids(session: AsyncSession, position: int, postgres: bool) -> tuple[list[int], int]:
    found, after = await fetch(session, position, postgres, limit=1000)
    # other tests share the database: only this file's messages carry an event_id of theirs
    return [int(m[1]["event_id"]) for m in found if "event_id" in m[1]], after


async def test_a_message_committed_late_behind_a_higher_id_is_not_skipped(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    if is_sqlite(database_url):
        pytest.skip("SQLite has one writer: ids commit in order (see the next test)")
    marker = int(datetime.now(UTC).timestamp() * 1000) % 1_000_000_000
    async with sessions() as reader:
        _, position = await _ids(reader, 0, True)
    async with sessions() as slow:
        await slow.execute(sa.insert(outbox), [_message(marker)])  # lower id, not committed
        async with sessions() as fast, fast.begin():
            await fast.execute(sa.insert(outbox), [_message(marker + 1)])  # higher id, committed
        async with sessions() as reader:
            seen, after = await _ids(reader, position, True)
        assert marker + 1 not in seen  # held back until the slower writer ends
        await slow.commit()
    # The position is the cluster-wide transaction horizon: any long transaction on the
    # server (another database's bulk load, a benchmark) holds both messages back
    # until it ends. They must arrive then, both of them.
    delivered: set[int] = set()
    deadline = asyncio.get_running_loop().time() + 120
    while not {marker, marker + 1} <= delivered and asyncio.get_running_loop().time() < deadline:
        async with sessions() as reader:
            seen, after = await _ids(reader, after, True)
        delivered.update(seen)
        if not {marker, marker + 1} <= delivered:
            await asyncio.sleep(0.2)
    assert {marker, marker + 1} <= delivered


async def test_sqlite_position_is_the_last_id(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    if not is_sqlite(database_url):
        pytest.skip("PostgreSQL positions are transaction horizons (see the previous test)")
    async with sessions() as session, session.begin():
        _, position = await _ids(session, 0, False)
        await session.execute(sa.insert(outbox), [_message(7), _message(8)])
    async with sessions() as session:
        seen, after = await _ids(session, position, False)
        assert seen[-2:] == [7, 8] and after > position
        again, same = await _ids(session, after, False)
        assert again == [] and same == after
