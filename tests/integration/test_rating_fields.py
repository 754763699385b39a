"""An event's field as the database aggregates it (the incremental path) equals the
field computed from its result rows (`field_of`) and from the result columns the full
recompute reads (PostgreSQL: binary COPY of per-event arrays): shared places, a
place beyond the count, places derived from scores, statuses and completions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.rating_engine.inputs import ResultInput, fields_of_results
from domain.rating_engine.pricing import field_of
from domain.rating_engine.result_columns import ResultColumns, fields_of_columns
from persistence.database import create_engine, session_factory
from persistence.rating_store.reads import load_fields, load_results
from persistence.rating_store.result_columns import read_result_columns
from persistence.tables.events import results
from tests.support import arrange

NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()


async def test_database_fields_equal_fields_from_rows(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    organizer = await arrange.organization(sessions)
    placed = await arrange.event(sessions, organizer, title="Поля: места")
    scored = await arrange.event(sessions, organizer, title="Поля: баллы")
    people = await arrange.participants(sessions, [{"last_name": "Поле"} for _ in range(6)])
    statuses = ["WINNER", "PRIZE_WINNER", "FINALIST", "PARTICIPANT", "PARTICIPANT", "WINNER"]
    completions = [None, "COMPLETED", None, "DISTINCTION", None, None]
    rows = {
        placed: [(1, None), (2, None), (2, None), (9, None), (None, None), (4, Decimal(5))],
        scored: [(None, Decimal(90)), (None, Decimal(80)), (None, Decimal(80)),
                 (3, Decimal(70)), (None, None), (None, Decimal("12.500"))],
    }  # fmt: skip
    async with sessions() as s, s.begin():
        await s.execute(
            sa.insert(results),
            [
                {
                    "event_id": event,
                    "participant_id": people[i],
                    "status": statuses[i],
                    "completion": completions[i],
                    "source": "IMPORT",
                    "place": place,
                    "score": score,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for event, values in rows.items()
                for i, (place, score) in enumerate(values)
            ],
        )
    async with sessions() as s:
        from_db = await load_fields(s, season=None, event_ids=list(rows))
        postgres = s.bind is not None and s.bind.dialect.name == "postgresql"
        read = await read_result_columns(s, "2026/27", ["ROBOTICS_PROGRAMMING"], postgres=postgres)
        stored = await load_results(s, season="2026/27", event_ids=list(rows), participant_ids=None)
    inputs = [
        ResultInput(0, event, people[i], statuses[i], place, score, completions[i])
        for event, values in rows.items()
        for i, (place, score) in enumerate(values)
    ]
    from_memory = fields_of_results(inputs)
    from_columns = fields_of_columns(read).by_event
    for event, values in rows.items():
        assert from_db[event] == field_of(values) == from_memory[event] == from_columns[event]
    expected = ResultColumns.from_inputs(stored)
    ours = np.isin(read.event, list(rows))  # other tests share the database and season
    by_id = np.argsort(read.id[ours])
    assert read.id[ours][by_id].tolist() == sorted(r.id for r in stored)
    for name in ("event", "participant", "status", "place", "completion"):
        assert (
            getattr(read, name)[ours][by_id].tolist()
            == getattr(expected, name)[np.argsort(expected.id)].tolist()
        ), name
    mine = {r.id for r in stored}
    assert {k: v for k, v in read.scores.items() if k in mine} == expected.scores
    assert len(expected.scores) == 5
    assert from_db[placed].size == 9 and from_db[placed].place_ties == {2: 2}
    assert from_db[scored].score_places[Decimal(80)] == (2, 2)
