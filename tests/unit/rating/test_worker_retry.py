"""The consumer's background task: a notified round skips the cheap outbox look; an
unnotified one runs only when there is a message it can take; a round that leaves a
committed message behind the transaction horizon asks for a quick look again (5 ms,
doubling up to 50 ms) instead of waiting a whole poll interval."""

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


def worker(committed: bool, takeable: bool) -> tuple[Any, list[str]]:
    """A worker whose outbox looks answer (committed, takeable), counting the looks."""
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

    async def look() -> tuple[bool, bool]:
        calls.append("look")
        return committed, takeable

    found._look = look
    return found, calls


async def test_a_notified_round_does_not_look_first() -> None:
    found, calls = worker(committed=False, takeable=False)
    await found.round(look=False)
    assert found.consumer.rounds == 1
    assert calls == ["look"]  # only the check for what is still waiting, after it
    assert not found.held_back


async def test_an_idle_round_only_looks() -> None:
    found, calls = worker(committed=False, takeable=False)
    await found.round(look=True)
    assert found.consumer.rounds == 0
    assert calls == ["look"]
    assert not found.held_back


async def test_a_message_not_below_the_horizon_is_looked_at_again_soon() -> None:
    found, _ = worker(committed=True, takeable=False)
    await found.round(look=True)
    assert found.consumer.rounds == 0  # no write transaction while it cannot be taken
    assert found.held_back
    delays = [FIRST_RETRY_SECONDS]
    while delays[-1] < 0.05:
        delays.append(found._next_retry(delays[-1]))
    assert delays == [0.005, 0.01, 0.02, 0.04, 0.05]


async def test_a_takeable_message_runs_a_round() -> None:
    found, _ = worker(committed=True, takeable=True)
    await found.round(look=True)
    assert found.consumer.rounds == 1
