"""A few psycopg connections in autocommit mode for one hot statement (PostgreSQL only).

A cached leaderboard hit is one statement (`persistence/queries/rating_cache.py`).
Run through an `AsyncSession` — session, pool checkout with its pre-ping, the
greenlet bridge, compiling, the result machinery, the rollback at check-in — it cost
~3 ms of Python per statement on the benchmark machine, several times the statement
itself (docs/benchmarks.md). Here the statement runs on a plain psycopg connection in
autocommit mode, prepared on the server once per connection.

Connections are opened on demand up to `size` and kept; one that failed (or is not
idle after a statement) is closed and forgotten, so a database restart costs the
callers in flight an error each and nothing more. They are separate from the
engine's pool: `size` more connections per process.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from psycopg import pq
from sqlalchemy.ext.asyncio import AsyncEngine


class DirectConnections:
    def __init__(self, conninfo: str, size: int) -> None:
        self.conninfo = conninfo
        self.size = max(1, size)
        self._idle: list[psycopg.AsyncConnection] = []
        self._slots: asyncio.Semaphore | None = None
        self._closed = False

    @classmethod
    def for_engine(cls, engine: AsyncEngine, size: int) -> DirectConnections | None:
        """The engine's database by psycopg directly; None unless it is PostgreSQL."""
        if engine.dialect.name != "postgresql":
            return None
        url = engine.url.set(drivername="postgresql")
        return cls(url.render_as_string(hide_password=False), size)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection]:
        if self._closed:
            raise RuntimeError("the direct connections are closed")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.size)
        async with self._slots:
            connection = self._idle.pop() if self._idle else await self._connect()
            try:
                yield connection
            except BaseException:
                await connection.close()
                raise
            if (
                self._closed
                or connection.broken
                or connection.info.transaction_status != pq.TransactionStatus.IDLE
            ):
                await connection.close()
            else:
                self._idle.append(connection)

    async def _connect(self) -> psycopg.AsyncConnection:
        # prepare_threshold=0: every statement is prepared on its first execution.
        return await psycopg.AsyncConnection.connect(
            self.conninfo, autocommit=True, prepare_threshold=0
        )

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()
