"""Pub/sub between the parts of the system that watch changes.

In-process by default (SQLite, one process): publishers call `publish` after
commit. On PostgreSQL every process keeps one listening connection: writers
`NOTIFY` inside their transaction (delivered on commit, to every process, the
writer's own included) and the listener republishes locally. Channels:

- `talent_outbox`: a message was committed to the outbox (a trigger, migration
  0006) — wakes the rating consumer;
- `talent_rating`: a rating batch was committed (`season|direction|head cursor`)
  — wakes the subscription feed.

The same connection holds a session advisory lock that makes one process the
rating consumer's leader, so its in-memory boards stay warm; when that process
goes away its connection closes, the lock is released and another takes over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol

import psycopg
from sqlalchemy.engine import make_url

log = logging.getLogger("talent.pubsub")

OUTBOX_CHANNEL = "talent_outbox"
RATING_CHANNEL = "talent_rating"
CHANNELS = (OUTBOX_CHANNEL, RATING_CHANNEL)
LEADER_LOCK = 0x7A1E_0006
"""pg_advisory_lock key of the rating consumer's leader."""


class PubSub(Protocol):
    is_leader: bool

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, channel: str, payload: str) -> None: ...

    def listen(
        self, channel: str
    ) -> contextlib.AbstractAsyncContextManager[asyncio.Queue[str]]: ...


class InProcessPubSub:
    """Queues per listener; `publish` delivers to every listener of the channel."""

    is_leader = True

    def __init__(self) -> None:
        self._listeners: dict[str, set[asyncio.Queue[str]]] = {}

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def publish(self, channel: str, payload: str) -> None:
        for queue in tuple(self._listeners.get(channel, ())):
            queue.put_nowait(payload)

    @contextlib.asynccontextmanager
    async def listen(self, channel: str) -> AsyncIterator[asyncio.Queue[str]]:
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._listeners.setdefault(channel, set()).add(queue)
        try:
            yield queue
        finally:
            self._listeners[channel].discard(queue)


def libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL as psycopg's own connection string."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresPubSub(InProcessPubSub):
    """LISTEN on one autocommit connection; reconnects with a backoff."""

    def __init__(self, database_url: str, *, leader_retry_seconds: float = 2.0) -> None:
        super().__init__()
        self._url = libpq_url(database_url)
        self._retry = leader_retry_seconds
        self._task: asyncio.Task[None] | None = None
        self.is_leader = False
        self.connected = asyncio.Event()

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="talent-pubsub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.is_leader = False

    async def _run(self) -> None:
        backoff = 0.2
        while True:
            try:
                await self._session()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database went away: listen again
                log.warning("pub/sub connection lost: %s", type(error).__name__)
            self.is_leader = False
            self.connected.clear()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    async def _session(self) -> None:
        connection = await psycopg.AsyncConnection.connect(self._url, autocommit=True)
        async with connection:
            for channel in CHANNELS:
                await connection.execute(f"LISTEN {channel}")
            self.connected.set()
            # Wake everyone once: something may have happened while not listening.
            for channel in CHANNELS:
                await super().publish(channel, "")
            while True:
                if not self.is_leader:
                    await self._try_lead(connection)
                # Between waits the connection is free for the leader lock attempt.
                async for note in connection.notifies(timeout=self._retry):
                    await super().publish(note.channel, note.payload)

    async def _try_lead(self, connection: psycopg.AsyncConnection[Any]) -> None:
        """The leader lock lives as long as this connection (a session lock)."""
        cursor = await connection.execute("SELECT pg_try_advisory_lock(%s)", (LEADER_LOCK,))
        row = await cursor.fetchone()
        self.is_leader = bool(row and row[0])
        if self.is_leader:
            log.info("this process leads the rating consumer")
            await super().publish(OUTBOX_CHANNEL, "")

    async def publish(self, channel: str, payload: str) -> None:
        """Writers on PostgreSQL notify in SQL; a local publish is only a nudge."""
        await super().publish(channel, payload)
