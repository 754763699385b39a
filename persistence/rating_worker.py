"""The background task that keeps boards current (started by the app's lifespan).

It wakes on an outbox notification (PostgreSQL trigger, every process) or after
`poll_seconds` (the only way on SQLite, and a safety net on PostgreSQL), and runs
a consumer round only in the leading process (see `persistence.pubsub`). A cheap
look at the outbox comes first, so an idle service opens no write transaction —
except after a notification about a rating topic, which says there is something.
Failures are logged and retried with a backoff; the position only moves with a
successful round, so nothing is lost.

On PostgreSQL a committed message is taken only once every older transaction has
ended (the transaction horizon, `persistence.rating_consumer`): a notified round
can find the message there but not yet below the horizon, because some unrelated
older transaction (the access-log settler, an access-journal INSERT, another
request) was still open. The worker then looks again after 5 ms, doubling up to
50 ms — a read-only look whether the message is below the horizon now, the round
only when it is — rather than a whole poll interval later (a quarter of a second
added to an approval's delivery).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.services.rating_updates import TOPICS
from persistence.pubsub import OUTBOX_CHANNEL, PubSub
from persistence.rating_consumer import (
    CONSUMER,
    ConsumeReport,
    RatingConsumer,
    pending,
    purge_rating_events,
    read_position,
)
from persistence.rating_store import SqlAlchemyRatingStore

log = logging.getLogger("talent.ratings")

FIRST_RETRY_SECONDS = 0.005
"""The first quick look when a committed message is not below the horizon yet."""
LAST_RETRY_SECONDS = 0.05
"""The longest wait between such looks (each is one read-only query)."""


class RatingWorker:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        consumer: RatingConsumer,
        pubsub: PubSub,
        *,
        poll_seconds: float,
        retention: timedelta,
        stores: Callable[[], SqlAlchemyRatingStore],
        observe_delay: Callable[[float], None] | None = None,
        sweep_seconds: float = 60.0,
        purge_seconds: float = 3600.0,
    ) -> None:
        self._sessions = sessions
        self.consumer = consumer
        self._pubsub = pubsub
        self._poll = poll_seconds
        self._retention = retention
        self._stores = stores
        self._observe = observe_delay
        self._sweep = sweep_seconds
        self._purge = purge_seconds
        self._last_sweep = 0.0
        self._last_purge = 0.0
        self.held_back = False
        """The last round left a committed message waiting: look again soon."""

    async def run(self) -> None:
        backoff = 0.5
        retry: float | None = None  # to the next quick retry while a message is held back
        notified = False
        async with self._pubsub.listen(OUTBOX_CHANNEL) as wake:
            while True:
                try:
                    if self._pubsub.is_leader:
                        await self.round(look=not notified)
                        retry = self._next_retry(retry) if self.held_back else None
                    backoff = 0.5
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("rating consumer round failed; retrying")
                    self.consumer.cache.drop()
                    retry = None
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 30.0)
                notes: list[str] = []
                try:
                    notes.append(await asyncio.wait_for(wake.get(), timeout=retry or self._poll))
                except TimeoutError:
                    pass
                while not wake.empty():
                    notes.append(wake.get_nowait())
                notified = any(note in TOPICS or not note for note in notes)

    def _next_retry(self, retry: float | None) -> float:
        longest = min(LAST_RETRY_SECONDS, self._poll)
        return FIRST_RETRY_SECONDS if retry is None else min(retry * 2, longest)

    async def round(self, *, look: bool = True) -> ConsumeReport | None:
        """One consumer round when there is work it can take (`look`: check first,
        cheaply); then `held_back` tells whether a committed message is still waiting
        (for the horizon, or for the next round)."""
        now = time.monotonic()
        sweep_due = now - self._last_sweep >= self._sweep
        report = None
        committed = takeable = False
        if look and not sweep_due:
            committed, takeable = await self._look()
        if sweep_due or not look or takeable:
            report = await self.consumer.run_once()
            if sweep_due:
                self._last_sweep = now
            if report is not None and report.oldest is not None:
                delay = (datetime.now(UTC) - report.oldest).total_seconds()
                if self._observe is not None:
                    self._observe(delay)
                log.info(
                    "rating updates applied",
                    extra={
                        "fields": {
                            "messages": report.messages,
                            "boards": report.boards,
                            "changes": report.changes,
                            "delay_ms": round(delay * 1000, 1),
                        }
                    },
                )
        if now - self._last_purge >= self._purge:
            await self.purge()
            self._last_purge = now
        if report is not None:
            committed, takeable = await self._look()
        self.held_back = committed
        return report

    async def _look(self) -> tuple[bool, bool]:
        """Whether the outbox has a message for the consumer, and whether it has one
        a round could take now (read-only, no lock)."""
        async with self._sessions() as session:
            postgres = session.bind is not None and session.bind.dialect.name == "postgresql"
            position = await read_position(session, CONSUMER) or 0
            return await pending(session, position, postgres)

    async def purge(self) -> tuple[int, int]:
        async with self._stores() as store:
            found = await purge_rating_events(
                store.session, datetime.now(UTC) - self._retention, store.postgres
            )
            await store.commit()
        return found
