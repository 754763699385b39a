"""The server's access-log settler: journal rows into `access_log`, in the background.

Every request that served personal data to a logged viewer has committed its journal
row before its response (`persistence.access_journal`); this loop only moves those rows
into the per-participant table, every `TALENT_ACCESS_LOG_SETTLE_INTERVAL_SECONDS`
(0 turns the loop off: reads of the log and shutdown still settle). Nothing here can
lose an entry: a failed settle rolls back and leaves the rows in the journal for the
next attempt. On shutdown the loop stops and settles once more, after the server has
stopped taking requests; if that fails the rows stay in the journal, durable, and the
next process (or the next read of the log) settles them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.background import stop_loop
from persistence.access_journal import pending_entries, settle_now

log = logging.getLogger("talent.access_log")


@dataclass
class SettleTask:
    task: asyncio.Task[None] | None
    stop: asyncio.Event


async def settle_loop(
    sessions: async_sessionmaker[AsyncSession], interval_seconds: float, stop: asyncio.Event
) -> None:
    while not stop.is_set():
        try:
            await settle_now(sessions)
        except Exception:
            log.exception("access-log settle failed; the journal keeps the entries, retrying")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)


def start_settle_task(
    sessions: async_sessionmaker[AsyncSession], interval_seconds: float
) -> SettleTask:
    stop = asyncio.Event()
    task = None
    if interval_seconds > 0:
        task = asyncio.create_task(
            settle_loop(sessions, interval_seconds, stop), name="access-log-settle"
        )
    return SettleTask(task, stop)


async def stop_settle_task(running: SettleTask, sessions: async_sessionmaker[AsyncSession]) -> None:
    """Stop the loop (a settle in progress finishes its transaction), then settle what
    the last requests journaled. Never raises: shutdown goes on, the rows stay put."""
    if running.task is not None:
        await stop_loop(running.task, running.stop, "access-log settle")
    try:
        await settle_now(sessions)
    except Exception:
        pending: int | str = "unknown"
        with contextlib.suppress(Exception):
            pending = await pending_entries(sessions)
        log.exception(
            "access-log settle at shutdown failed: %s journal rows stay in access_log_journal "
            "and are settled by the next server or read of the log",
            pending,
        )
