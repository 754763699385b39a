"""The server's periodic privacy work: due erasures and consent expiries.

Runs inside each API process (`TALENT_PRIVACY_RUN_INTERVAL_SECONDS`, 0 turns it
off); the work is idempotent, so several processes may run it at once. The same
work is `talent privacy run-due`, for a cron job when the API runs elsewhere.
On shutdown the loop is asked to stop and a run in progress finishes its current
transaction (cancelling it mid-statement would strand a pooled connection).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from api.background import stop_loop
from domain.services.privacy import run_due
from graphql_schema.context import Services

log = logging.getLogger("talent.privacy")


@dataclass
class PrivacyTask:
    task: asyncio.Task[None]
    stop: asyncio.Event


async def privacy_loop(services: Services, interval_seconds: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            report = await run_due(services.uow_factory, services.clock, services.blobs)
            if report.expired_consents or report.erased_participants:
                log.info(
                    "privacy run",
                    extra={
                        "fields": {
                            "expired_consents": report.expired_consents,
                            "erased_participants": report.erased_participants,
                            "deleted_files": report.deleted_files,
                        }
                    },
                )
        except Exception:
            log.exception("privacy run failed; retrying at the next interval")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)


def start_privacy_task(services: Services, interval_seconds: float) -> PrivacyTask | None:
    if interval_seconds <= 0:
        return None
    stop = asyncio.Event()
    task = asyncio.create_task(
        privacy_loop(services, interval_seconds, stop), name="privacy-run-due"
    )
    return PrivacyTask(task, stop)


async def stop_privacy_task(running: PrivacyTask | None) -> None:
    if running is None:
        return
    await stop_loop(running.task, running.stop, "privacy run")
