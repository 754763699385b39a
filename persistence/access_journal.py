"""The access log's write path: one journal row per request, settled into `access_log`.

Why two tables. A request that served personal data to a logged viewer must have
its record durable before the response leaves. Written as `access_log` rows (one per
participant: what the participant's "who read me" and the admins' queries page
through), a 100-row page costs 100 heap rows and 300 index entries, ~36 KB of WAL
that the commit must flush: 3–5 ms, most of the permission overhead of a page
(docs/benchmarks.md, issue 3). The same facts as one journal row (the participants
grouped by the fields read) flush ~1 KB, committed in the INSERT's own round trip.

`settle_access_log` then moves journal rows into `access_log` in one statement
(PostgreSQL) or one transaction (SQLite): a row is either still in the journal or
already in the log, never in both and never in neither. The background settler moves
a backlog in chunks of `SETTLE_CHUNK` journal rows, one short transaction each. It
runs in the background, at shutdown, and before anything reads the log
(`access_log_page`, the `myData` export, in one transaction), so no reader ever sees
a log that misses a committed read.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from persistence.database import engine_of
from persistence.tables.audit import access_log, access_log_journal


@dataclass(frozen=True)
class AccessReads:
    """Everything one request (or one subscription message) served a logged viewer."""

    viewer_account_id: int
    operation: str
    request_id: str | None
    at: datetime
    reads: Mapping[int, Collection[str]]
    """Participant id → the fields (or, for rows of other types, the field they count
    as) read of it."""

    def groups(self) -> list[dict[str, list[Any]]]:
        """The journal's `reads` value (see `grouped_reads`)."""
        return grouped_reads(self.reads)


def grouped_reads(reads: Mapping[int, Collection[str]]) -> list[dict[str, list[Any]]]:
    """The journal's `reads` value: participants grouped by identical field sets,
    both sorted, so a uniform page is one small group whatever its size."""
    grouped: dict[tuple[str, ...], list[int]] = {}
    for participant_id, fields in reads.items():
        grouped.setdefault(tuple(sorted(fields)), []).append(participant_id)
    return [
        {"fields": list(fields), "participants": sorted(ids)}
        for fields, ids in sorted(grouped.items())
    ]


async def journal_reads(sessions: async_sessionmaker[AsyncSession], entry: AccessReads) -> None:
    """Returns once the entry's journal row is committed; raises if it was not written
    (the caller then withholds the data).

    Rows are written by one multi-row INSERT on a connection in autocommit mode —
    committed (and, with `synchronous_commit` on, flushed) in the statement's own round
    trip, with no BEGIN/COMMIT and no ORM session — and the rows of every writer waiting
    at the same moment share it (group commit): the subscribers a rating batch wakes in
    one event-loop tick, or concurrent requests, share one INSERT instead of one each."""
    if not entry.reads:
        return
    row = {
        "viewer_account_id": entry.viewer_account_id,
        "reads": entry.groups(),
        "operation": entry.operation[:200],
        "request_id": entry.request_id[:64] if entry.request_id else None,
        "at": entry.at,
    }
    await _group(engine_of(sessions)).write(row)


class _GroupCommit:
    """The journal rows of one engine on one event loop: whoever arrives while an INSERT
    is in flight joins the next one. Each writer is answered only after its own row
    committed, or with the INSERT's error."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.pending: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self.flusher: asyncio.Task[None] | None = None

    async def write(self, row: dict[str, Any]) -> None:
        done = asyncio.get_running_loop().create_future()
        self.pending.append((row, done))
        if self.flusher is None:
            self.flusher = asyncio.get_running_loop().create_task(self._flush())
        await done

    async def _flush(self) -> None:
        try:
            while self.pending:
                await asyncio.sleep(0)  # writers woken in this same tick join the batch
                batch, self.pending = self.pending, []
                try:
                    async with self.engine.connect() as connection:
                        autocommit = await connection.execution_options(
                            isolation_level="AUTOCOMMIT"
                        )
                        await autocommit.execute(
                            sa.insert(access_log_journal), [row for row, _ in batch]
                        )
                except BaseException as error:
                    for _, done in batch:
                        if not done.done():
                            done.set_exception(error)
                    if not isinstance(error, Exception):
                        raise
                else:
                    for _, done in batch:
                        if not done.done():
                            done.set_result(None)
        finally:
            self.flusher = None


_GROUPS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, _GroupCommit]] = (
    weakref.WeakKeyDictionary()
)


def _group(engine: AsyncEngine) -> _GroupCommit:
    groups = _GROUPS.setdefault(asyncio.get_running_loop(), {})
    found = groups.get(id(engine))
    if found is None or found.engine is not engine:
        found = groups[id(engine)] = _GroupCommit(engine)
    return found


SETTLE_CHUNK = 500
"""Journal rows moved per transaction by the background settler and at shutdown (~50,000
`access_log` rows for 100-row pages, about half a second at the ~105,000 rows/s
measured for settling, docs/benchmarks.md): a long backlog is moved in
several short transactions, so none holds back the transaction horizon that the
rating consumer waits for (docs/benchmarks.md, latency) or a failed one loses much."""

_SETTLE_POSTGRESQL = """
    WITH moved AS (DELETE FROM access_log_journal {chunk}
                   RETURNING id, viewer_account_id, reads, operation, request_id, at),
    inserted AS (
        INSERT INTO access_log (viewer_account_id, participant_id, fields, operation,
                                request_id, at)
        SELECT m.viewer_account_id, CAST(p.pid AS BIGINT), g.grp -> 'fields', m.operation,
               m.request_id, m.at FROM moved AS m
        CROSS JOIN LATERAL jsonb_array_elements(m.reads) AS g(grp)
        CROSS JOIN LATERAL jsonb_array_elements_text(g.grp -> 'participants') AS p(pid)
        ORDER BY m.id, CAST(p.pid AS BIGINT)
        RETURNING 1)
    SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM inserted)"""
"""One statement: the DELETE and the INSERT commit or fail together, and a concurrent
settler waits on the rows this one deletes, then skips them (no duplicates)."""

_SETTLE_ALL = sa.text(_SETTLE_POSTGRESQL.format(chunk=""))
_SETTLE_SOME = sa.text(
    _SETTLE_POSTGRESQL.format(
        chunk="WHERE id IN (SELECT id FROM access_log_journal ORDER BY id LIMIT :limit)"
    )
)


@dataclass(frozen=True)
class Settled:
    journal_rows: int
    log_rows: int


async def settle_access_log(session: AsyncSession, limit: int | None = None) -> int:
    """Move every journal row (or the oldest `limit`) into `access_log` within the
    session's transaction (the caller commits); returns the `access_log` rows written."""
    return (await _settle(session, limit)).log_rows


async def _settle(session: AsyncSession, limit: int | None) -> Settled:
    if session.get_bind().dialect.name == "postgresql":
        statement = _SETTLE_ALL if limit is None else _SETTLE_SOME
        found = (await session.execute(statement, {"limit": limit})).one()
        return Settled(int(found[0]), int(found[1]))
    # SQLite: the DELETE is the transaction's first write, so it takes the write lock
    # before it reads the journal; the rows it returns are copied in the same
    # transaction. A SELECT first (outside any transaction with pysqlite) keeps an
    # empty journal, the common case at read time, from taking the lock at all.
    if await session.scalar(sa.select(access_log_journal.c.id).limit(1)) is None:
        return Settled(0, 0)
    j = access_log_journal.c
    delete = sa.delete(access_log_journal)
    if limit is not None:
        oldest = sa.select(j.id).order_by(j.id).limit(limit).scalar_subquery()
        delete = delete.where(j.id.in_(oldest))
    moved = (
        await session.execute(
            delete.returning(j.id, j.viewer_account_id, j.reads, j.operation, j.request_id, j.at)
        )
    ).all()
    rows = [
        {
            "viewer_account_id": row.viewer_account_id,
            "participant_id": participant_id,
            "fields": group["fields"],
            "operation": row.operation,
            "request_id": row.request_id,
            "at": row.at,
        }
        for row in sorted(moved, key=lambda r: r.id)
        for group in row.reads
        for participant_id in group["participants"]
    ]
    if rows:
        await session.execute(sa.insert(access_log), rows)
    return Settled(len(moved), len(rows))


async def settle_before_reading(session: AsyncSession) -> None:
    """Settle and commit, so the caller's read (in a new transaction) sees every read
    recorded so far. Committed rather than left to roll back with a read-only session:
    ids given out in this answer's cursors must stay the entries' ids."""
    await settle_access_log(session)
    await session.commit()


async def settle_now(sessions: async_sessionmaker[AsyncSession], chunk: int = SETTLE_CHUNK) -> int:
    """Settle in transactions of at most `chunk` journal rows each until a chunk comes
    back short (the background task, shutdown); returns the `access_log` rows written.
    Rows journaled meanwhile may wait for the next call; none is moved twice."""
    written = 0
    while True:
        async with sessions() as session, session.begin():
            done = await _settle(session, chunk)
        written += done.log_rows
        if done.journal_rows < chunk:
            return written


async def pending_entries(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Journal rows not yet settled (for the shutdown report)."""
    async with sessions() as session:
        return int(
            await session.scalar(sa.select(sa.func.count()).select_from(access_log_journal)) or 0
        )


__all__ = [
    "AccessReads",
    "grouped_reads",
    "journal_reads",
    "pending_entries",
    "settle_access_log",
    "settle_before_reading",
    "settle_now",
]
