"""The consumer's background task: a notified round skips the cheap outbox look, and
a round that leaves a committed message behind the transaction horizon asks for a
quick retry (5 ms, doubling up to the poll interval) instead of a whole poll."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from domain.services.rating_updates import BoardCache
from persistence.pubsub import InProcessPubSub
from persistence.rating_consumer import ConsumeReport
from persistence.rating_worker import FIRST_RETRY_SECONDS, RatingWorker


class Consumer:
    def __init__(self) -> None:
        self.cache = BoardCache()
        self.rounds = 0

    async def run_once(self) -> ConsumeReport:
        self.rounds += 1
        return ConsumeReport(messages=0, boards=0, changes=0)


def worker(outbox_has_rows: bool) -> tuple[RatingWorker, list[str]]:
    calls: list[str] = []
    found: Any = RatingWorker(
        None,
        Consumer(),
        InProcessPubSub(),
        poll_seconds=0.25,
        retention=timedelta(days=30),
        stores=None,
    )
    found._last_sweep = found._last_purge = time.monotonic()

    async def look() -> bool:
        calls.append("look")
        return outbox_has_rows

    found._pending = look
    return found, calls


async def test_a_notified_round_does_not_look_first() -> None:
    found, calls = worker(outbox_has_rows=False)
    await found.round(look=False)
    assert found.consumer.rounds == 1
    assert calls == ["look"]  # only the held-back check after the round
    assert not found.held_back


async def test_an_unnotified_idle_round_only_looks() -> None:
    found, calls = worker(outbox_has_rows=False)
    await found.round(look=True)
    assert found.consumer.rounds == 0
    assert calls == ["look"]
    assert not found.held_back


async def test_a_message_not_below_the_horizon_is_retried_soon() -> None:
    found, _ = worker(outbox_has_rows=True)
    await found.round(look=False)
    assert found.held_back
    delays = [FIRST_RETRY_SECONDS]
    while delays[-1] < 0.25:
        delays.append(found._next_retry(delays[-1]))
    assert delays == [0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.25]
