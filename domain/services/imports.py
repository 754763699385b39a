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
from domain.import_outcomes import RowOutcome, settle
from domain.imports import ParsedRow, parse_row
from domain.outbox import OutboxMessage
from domain.policy import Viewer, can_manage_event, require_signed_in
from domain.ports import Clock, UnitOfWork
from domain.results import ImportBatch, ImportBatchStatus

RESULTS_APPLIED = "results.applied"
DEFAULT_CHUNK_ROWS = 1000


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


@dataclass
class _Chunk:
    """One chunk in flight; the next chunk waits on these futures to stay in order."""

    rows: list[ParsedRow]
    settled: asyncio.Future[tuple[dict[int, int], dict[str, int]]]
    committed: asyncio.Future[int]


async def _run_chunks(
    uow_factory: Callable[[], UnitOfWork],
    batch_id: int,
    event_id: int,
    chunks: Iterator[list[ParsedRow]],
    clock: Clock,
    progress: ProgressCallback | None,
) -> None:
    """Apply chunks in file order. While one chunk's writes run in the database, the
    next is parsed (in a thread) and, where the database allows two writers
    (`pipeline_depth` 2 on PostgreSQL), matched and settled too. Commits stay
    strictly ordered, so committed chunks always form a prefix of the file: the
    resume point after a crash is simply the last committed row."""
    async with uow_factory() as probe:
        depth = probe.imports.pipeline_depth
    loop = asyncio.get_running_loop()
    in_flight: list[asyncio.Task[int]] = []
    previous: _Chunk | None = None
    completed = 0

    async def finish_oldest() -> None:
        nonlocal completed
        done = await in_flight.pop(0)
        completed += 1
        if progress is not None:
            progress(Progress(batch_id, completed, done))

    try:
        rows = await asyncio.to_thread(next, chunks, None)
        while rows is not None:
            chunk = _Chunk(rows, loop.create_future(), loop.create_future())
            in_flight.append(
                asyncio.create_task(
                    _apply_chunk(uow_factory, batch_id, event_id, chunk, previous, clock)
                )
            )
            previous = chunk
            parsing = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
            try:
                while len(in_flight) >= depth:
                    await finish_oldest()
            finally:
                rows = await parsing
        while in_flight:
            await finish_oldest()
    finally:  # a failed chunk fails the ones after it; collect them all
        await asyncio.gather(*in_flight, return_exceptions=True)


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
    chunk: _Chunk,
    previous: _Chunk | None,
    clock: Clock,
) -> int:
    """One transaction: rows, results, counters and the outbox message together.
    It settles after the previous chunk settled and commits after it committed."""
    try:
        async with uow_factory() as uow:
            rows = chunk.rows
            valid = [r for r in rows if r.identifier is not None]
            matches = await uow.imports.match([r.identifier for r in valid if r.identifier])
            open_keys = [
                r.row_key for r in valid if r.identifier and len(matches.of(r.identifier)) != 1
            ]
            resolved = await uow.imports.resolved_before(open_keys)
            candidates = [p for r in valid if r.identifier for p in matches.of(r.identifier)]
            seen_participants, seen_keys = await uow.imports.seen_in_batch(
                batch_id, candidates + list(resolved.values()), [r.row_key for r in valid]
            )
            if previous is not None:  # rows of a chunk that may not be committed yet
                earlier_participants, earlier_keys = await previous.settled
                seen_participants = {**earlier_participants, **seen_participants}
                seen_keys = {**earlier_keys, **seen_keys}
            outcomes = settle(rows, matches, resolved, seen_participants, seen_keys)
            chunk.settled.set_result(
                (
                    {o.participant_id: o.row.row_number for o in outcomes
                     if o.participant_id is not None},
                    {o.row.row_key: o.row.row_number for o in outcomes
                     if o.row.identifier is not None},
                )
            )  # fmt: skip
            now = clock.now()
            changed = await uow.imports.write_rows(batch_id, event_id, outcomes, now)
            if previous is not None:
                await previous.committed  # commits stay in file order
            done = await uow.imports.count_rows(batch_id, _counts(outcomes))
            if changed:
                uow.outbox.add(
                    OutboxMessage(
                        topic=RESULTS_APPLIED,
                        created_at=now,
                        payload={"event_id": event_id, "participant_ids": sorted(changed)},
                    )
                )
            await uow.commit()
    except BaseException as error:
        for future in (chunk.settled, chunk.committed):
            if not future.done():
                future.set_exception(error)
                future.exception()  # retrieved: the caller re-raises it from the task
        raise
    chunk.committed.set_result(done)
    return done


def _counts(outcomes: list[RowOutcome]) -> dict[str, int]:
    counts = {"total_rows": len(outcomes), "applied_rows": 0, "unmatched_rows": 0,
              "invalid_rows": 0}  # fmt: skip
    for outcome in outcomes:
        counts[f"{outcome.state.lower()}_rows"] += 1
    return counts


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
