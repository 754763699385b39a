"""A full recompute stores the same rows whichever way PostgreSQL is written to: the
bulk path (COPY text assembled by numpy for explanations, f-string lines for entries
and events) and the statement path the small writes use. A generated season of a few
hundred participants is recomputed both ways and the stored boards compared."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from bench.rating_data import DIRECTIONS, Plan, load
from domain.rating_engine.entry_columns import EntryColumns
from domain.rating_engine.ports import WriteOutcome
from domain.services.rating_recompute import recompute_season
from persistence.database import create_engine, session_factory
from persistence.rating_store import SqlAlchemyRatingStore, writes
from persistence.rating_store.entry_columns import read_entry_columns
from persistence.rating_store.reads import load_entries
from tests.support.databases import fresh_postgres

NOW = datetime(2026, 11, 20, tzinfo=UTC)


@pytest.fixture(scope="module")
def season_url() -> Iterator[str]:
    with fresh_postgres("talent_bulk") as url:
        load(url.replace("postgresql+psycopg://", "postgresql://"),
             Plan(participants=400, results=6000, achievements=80))  # fmt: skip
        yield url


def _stored(url: str) -> dict[str, Any]:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        entries = conn.execute(
            "SELECT season_code, direction_code, participant_id, rules_version, points, ranked,"
            " rank, tier, contributions_digest FROM rating_entries ORDER BY 1, 2, 3"
        ).fetchall()
        explanations = conn.execute(
            "SELECT e.direction_code, e.participant_id, x.items FROM rating_explanations x"
            " JOIN rating_entries e ON e.id = x.entry_id ORDER BY 1, 2"
        ).fetchall()
        events = conn.execute(
            "SELECT season_code, direction_code, kind, participant_id, old_points, new_points,"
            " old_rank, new_rank, old_tier, new_tier FROM rating_events ORDER BY 2, 4, 3"
        ).fetchall()
        conn.execute("TRUNCATE rating_explanations, rating_entries, rating_events")
        conn.execute("DELETE FROM rating_boards")
    return {"entries": entries, "explanations": explanations, "events": events}


async def _recompute(url: str) -> list[WriteOutcome]:
    engine = create_engine(url)
    try:
        async with SqlAlchemyRatingStore(session_factory(engine)) as store:
            outcomes = await recompute_season(store, "2026/27", None, NOW)
            await store.commit()
            return outcomes
    finally:
        await engine.dispose()


async def _columns_both_ways(url: str) -> None:
    """The board read as COPY arrays equals the board read as rows."""
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            for direction in DIRECTIONS:
                copied = await read_entry_columns(session, "2026/27", direction, postgres=True)
                rows = EntryColumns.of(await load_entries(session, "2026/27", direction, None))
                assert len(copied.participant) > 100
                for name in ("participant", "score", "ranked", "rank", "tier", "digest"):
                    assert getattr(copied, name).tolist() == getattr(rows, name).tolist(), name
    finally:
        await engine.dispose()


async def test_bulk_and_statement_writes_store_the_same_boards(
    season_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writes, "BULK", 1)  # every write through COPY
    await _recompute(season_url)
    await _columns_both_ways(season_url)
    again = await _recompute(season_url)  # nothing changed: nothing written
    assert [o.changes for o in again] == [0, 0, 0] and all(o.batch_id is None for o in again)
    bulk = _stored(season_url)
    monkeypatch.setattr(writes, "BULK", 10**9)  # every write as statements
    await _recompute(season_url)
    statements = _stored(season_url)
    assert len(bulk["entries"]) > 300 and len(bulk["explanations"]) == len(bulk["entries"])
    assert bulk == statements
