"""A full recompute prices the next board while the previous one is written: the
writes still happen one at a time, in lock order, and a pricing failure waits for
the write in flight before it propagates. The CLI deals boards out to processes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import domain.services.rating_recompute as rating_recompute
from api.commands.ratings import _shares
from domain.rating_engine.inputs import ResultInput
from domain.rating_engine.ports import BoardWrite, Eligibility, WriteOutcome
from tests.unit.rating.fake_store import Boards, FakeRatingStore
from tests.unit.rating.test_incremental_property import DIRECTIONS, NOW, SEASON, world


def test_boards_are_dealt_to_processes() -> None:
    assert _shares(["C", "A", "B"], 2) == [["A", "C"], ["B"]]
    assert _shares(["A", "B"], 3) == [["A"], ["B"]]
    assert _shares(["B", "A"], 1) == [["A", "B"]]


class SlowWrites(FakeRatingStore):
    """Records when each board's write starts and ends, and yields in between."""

    log: list[tuple[str, str]]

    async def write(self, change: BoardWrite) -> WriteOutcome:
        self.log.append(("start", change.board.direction_code))
        await asyncio.sleep(0.05)
        outcome = await super().write(change)
        self.log.append(("end", change.board.direction_code))
        return outcome


def _store() -> SlowWrites:
    found = world()
    for pid in range(1, 7):
        found.eligible[pid] = Eligibility(verified=True)
        found.results[(3, pid)] = ResultInput(100 + pid, 3, pid, "PARTICIPANT", pid, None)
    store = SlowWrites(found, Boards())
    store.log = []
    return store


def test_writes_one_at_a_time_in_lock_order() -> None:
    async def run() -> list[tuple[str, str]]:
        store = _store()
        async with store:
            outcomes = await rating_recompute.recompute_season(store, SEASON, None, NOW)
            await store.commit()
        assert [o.direction_code for o in outcomes] == sorted(DIRECTIONS)
        assert all(o.changes > 0 for o in outcomes)
        return store.log

    log = asyncio.run(run())
    assert log == [(kind, d) for d in sorted(DIRECTIONS) for kind in ("start", "end")]


def test_a_pricing_failure_waits_for_the_write_in_flight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    priced: list[int] = []
    original = rating_recompute.select_columns

    def fail_second(*args: Any, **kwargs: Any) -> Any:
        priced.append(1)
        if len(priced) == 2:
            raise RuntimeError("pricing failed")
        return original(*args, **kwargs)

    monkeypatch.setattr(rating_recompute, "select_columns", fail_second)
    store = _store()

    async def run() -> None:
        async with store:
            await rating_recompute.recompute_season(store, SEASON, None, NOW)

    with pytest.raises(RuntimeError, match="pricing failed"):
        asyncio.run(run())
    first = sorted(DIRECTIONS)[0]
    assert store.log == [("start", first), ("end", first)]
