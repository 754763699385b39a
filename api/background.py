"""Stopping the server's periodic background loops at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging

log = logging.getLogger("talent.app")

SHUTDOWN_GRACE_SECONDS = 10.0


async def stop_loop(task: asyncio.Task[None], stop: asyncio.Event, what: str) -> None:
    """Ask the loop to stop and let a round in progress finish its transaction; cancel
    it if it is still busy after the grace period."""
    stop.set()
    try:
        await asyncio.wait_for(task, timeout=SHUTDOWN_GRACE_SECONDS)
    except TimeoutError:
        log.warning("%s still busy at shutdown: cancelled", what)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
