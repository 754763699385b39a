"""Use cases of the result import: run (or resume) a batch, resolve an unmatched row.

A batch is committed in chunks of rows, each chunk one transaction with its rows,
its results, the batch counters and its outbox message. A crash loses at most
the chunk in flight; running the same file again finds the unfinished batch
(event + file SHA-256) and continues after its last committed row. Rows carry a
key (event + identifier + content), and results are only written where a value
differs, so importing the same file again changes nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from domain.errors import Forbidden, InvalidInput, NotFound
from domain.events import IMPORTABLE_STATUSES, EventStatus
from domain.import_files import ImportFileError, open_rows
from domain.imports import ParsedRow, parse_row
from domain.outbox import OutboxMessage
from domain.policy import Viewer, can_manage_event, require_signed_in
from domain.ports import Clock, UnitOfWork
from domain.results import ImportBatch, ImportBatchStatus

RESULTS_APPLIED = "results.applied"
DEFAULT_CHUNK_ROWS = 5000


@dataclass(frozen=True)
class Progress:
    batch_id: int
    chunk: int
    rows_done: int


ProgressCallback = Callable[[Progress], None]


def file_sha256(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


async def import_results(
    uow_factory: Callable[[], UnitOfWork],
    viewer: Viewer,
    event_id: int,
    stream: BinaryIO,
    filename: str,
    clock: Clock,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: ProgressCallback | None = None,
) -> ImportBatch:
    """Import (or finish importing) one file for one event; returns the batch."""
    sha256 = file_sha256(stream)
    shape, rows = open_rows(stream)  # refuses an empty or headerless file before anything
    batch, resume_after = await _start(
        uow_factory, viewer, event_id, filename, shape, sha256, clock
    )
    if batch.status is ImportBatchStatus.COMPLETED:
        return batch
    assert batch.id is not None
    try:
        await _run_chunks(
            uow_factory, batch.id, event_id, _chunks(rows, event_id, resume_after, chunk_rows),
            clock, progress,
        )  # fmt: skip
    except ImportFileError as error:
        return await _finish(uow_factory, batch.id, clock, failure=error.message)
    return await _finish(uow_factory, batch.id, clock)


async def _run_chunks(
    uow_factory: Callable[[], UnitOfWork],
    batch_id: int,
    event_id: int,
    chunks: Iterator[list[ParsedRow]],
    clock: Clock,
    progress: ProgressCallback | None,
) -> None:
    """Apply chunks in file order. Where the database allows two writers
    (`pipeline_depth` 2 on PostgreSQL), the next chunk is copied in and matched on
    its own connection while the previous one is settled and written; it is settled
    only after the previous one committed, so commits stay strictly ordered and
    committed chunks always form a prefix of the file: the resume point after a
    crash is simply the last committed row. The chunk after that is parsed in a
    thread meanwhile."""
    async with uow_factory() as probe:
        depth = probe.imports.pipeline_depth
    in_flight: list[asyncio.Task[int]] = []
    completed = 0

    async def finish_oldest() -> None:
        nonlocal completed
        done = await in_flight.pop(0)
        completed += 1
        if progress is not None:
            progress(Progress(batch_id, completed, done))

    parsing = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
    try:
        while (rows := await parsing) is not None:
            previous = in_flight[-1] if in_flight else None
            in_flight.append(
                asyncio.create_task(
                    _apply_chunk(uow_factory, batch_id, event_id, rows, previous, clock)
                )
            )
            parsing = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
            while len(in_flight) >= depth:
                await finish_oldest()
        while in_flight:
            await finish_oldest()
    finally:  # a failed chunk fails the ones after it; collect them all, and let the
        # parsing thread (which cannot be cancelled) stop reading before the file closes
        await asyncio.gather(*in_flight, return_exceptions=True)
        await asyncio.wait([parsing])
        if not parsing.cancelled():
            parsing.exception()  # retrieved; a chunk's own failure is what propagates


def _chunks(
    rows: Iterator[tuple[int, dict[str, Any]]], event_id: int, after: int, size: int
) -> Iterator[list[ParsedRow]]:
    chunk: list[ParsedRow] = []
    for number, raw in rows:
        if number <= after:
            continue
        chunk.append(parse_row(event_id, number, raw))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def _start(
    uow_factory: Callable[[], UnitOfWork],
    viewer: Viewer,
    event_id: int,
    filename: str,
    shape: Any,
    sha256: str,
    clock: Clock,
) -> tuple[ImportBatch, int]:
    require_signed_in(viewer)
    async with uow_factory() as uow:
        event = await uow.events.get(event_id)
        if event is None or (
            event.status == EventStatus.DRAFT and not can_manage_event(viewer, event.organizer_id)
        ):
            raise NotFound("No such event.", field="eventId")
        if viewer.account_id is None or not can_manage_event(viewer, event.organizer_id):
            raise Forbidden("Only the event's organizer or an admin imports its results.")
        if EventStatus(event.status) not in IMPORTABLE_STATUSES:
            raise InvalidInput(
                "Results are imported for published or completed events only.", field="eventId"
            )
        same = await uow.imports.find_batch(event_id, sha256)
        if same is not None and same.status in (
            ImportBatchStatus.RECEIVED,
            ImportBatchStatus.PROCESSING,
        ):
            assert same.id is not None
            after = await uow.imports.last_row_number(same.id)
            await uow.commit()  # nothing written; keeps the loaded batch usable
            return same, after
        latest = await uow.imports.latest_batch(event_id)
        if same is not None and same.status is ImportBatchStatus.COMPLETED and latest is same:
            await uow.commit()
            return same, 0  # the very file imported last: nothing to do
        batch = ImportBatch(
            event_id=event_id,
            uploaded_by_account_id=viewer.account_id,
            filename=(filename or "upload")[:255],
            format=shape.format,
            sha256=sha256,
            status=ImportBatchStatus.PROCESSING,
            created_at=clock.now(),
        )
        uow.imports.add_batch(batch)
        await uow.commit()
        return batch, 0


async def _apply_chunk(
    uow_factory: Callable[[], UnitOfWork],
    batch_id: int,
    event_id: int,
    rows: list[ParsedRow],
    previous: asyncio.Task[int] | None,
    clock: Clock,
) -> int:
    """One transaction: rows, results, counters and the outbox message together. It
    is staged at once, settled after the previous chunk committed (its rows are the
    earlier rows this one is checked against), and fails if that one failed."""
    async with uow_factory() as uow:
        staged = await uow.imports.stage_rows(rows)
        if previous is not None:
            await previous
        now = clock.now()
        outcome = await uow.imports.apply_rows(batch_id, event_id, staged, now)
        done = await uow.imports.count_rows(batch_id, outcome.counts)
        if outcome.changed:
            uow.outbox.add(
                OutboxMessage(
                    topic=RESULTS_APPLIED,
                    created_at=now,
                    payload={"event_id": event_id, "participant_ids": sorted(outcome.changed)},
                )
            )
        await uow.commit()
    return done


async def _finish(
    uow_factory: Callable[[], UnitOfWork], batch_id: int, clock: Clock, failure: str | None = None
) -> ImportBatch:
    async with uow_factory() as uow:
        batch = await uow.imports.get_batch(batch_id)
        assert batch is not None
        batch.status = ImportBatchStatus.FAILED if failure else ImportBatchStatus.COMPLETED
        batch.failure_reason = failure
        batch.completed_at = clock.now()
        await uow.commit()
        return batch
