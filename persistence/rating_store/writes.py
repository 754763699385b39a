"""Writing one board's recomputation: entries, explanations, rating events, the
board row and (PostgreSQL) the notification — all in the caller's transaction.

Large writes (a full recomputation) go through COPY on PostgreSQL, with ids for
new entries drawn from their sequence up front; small ones (an incremental
update) are plain multi-row statements on both databases.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.rating_engine.ports import BoardWrite, EntryWrite, WriteOutcome
from domain.rating_engine.pricing import from_cents
from domain.rating_engine.selection_columns import SelectionColumns
from domain.ratings import RatingEventKind, Tier
from persistence.rating_store.explanation_bytes import copy_lines
from persistence.rating_store.explanations import ShownMemo, encode, encode_columns
from persistence.rating_store.reads import chunks
from persistence.tables.ratings import (
    rating_boards,
    rating_entries,
    rating_events,
    rating_explanations,
)

BULK = 2000
"""From this many rows a write goes through COPY (PostgreSQL)."""
RATING_CHANNEL = "talent_rating"

_ENTRY_COLUMNS = (
    "id",
    "season_code",
    "direction_code",
    "participant_id",
    "rules_version",
    "points",
    "ranked",
    "rank",
    "tier",
    "contributions_digest",
    "computed_at",
)
_EVENT_COLUMNS = (
    "batch_id",
    "season_code",
    "direction_code",
    "kind",
    "participant_id",
    "old_points",
    "new_points",
    "old_rank",
    "new_rank",
    "old_tier",
    "new_tier",
    "created_at",
)


async def _driver(session: AsyncSession) -> Any:
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def _entry_ids(
    session: AsyncSession, season: str, direction: str, participant_ids: set[int]
) -> dict[int, int]:
    e = rating_entries.c
    base = sa.select(e.participant_id, e.id).where(
        e.season_code == season, e.direction_code == direction
    )
    if len(participant_ids) > 20 * BULK:
        rows = (await session.execute(base)).tuples()
        return {pid: eid for pid, eid in rows if pid in participant_ids}
    found: dict[int, int] = {}
    for part in chunks(participant_ids):
        found.update((await session.execute(base.where(e.participant_id.in_(part)))).tuples().all())
    return found


def _entry_values(change: BoardWrite, row: EntryWrite) -> dict[str, Any]:
    standing = row.standing
    return {
        "season_code": change.board.season_code,
        "direction_code": change.board.direction_code,
        "participant_id": row.participant_id,
        "rules_version": change.rules_version,
        "points": from_cents(row.score),
        "ranked": row.ranked,
        "rank": standing.rank if standing else None,
        "tier": (standing.tier if standing else Tier.NONE).value,
        "contributions_digest": row.digest or None,
        "computed_at": change.now,
    }


def _cents_text(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def _entry_lines(change: BoardWrite, rows: Iterable[tuple[int, EntryWrite]]) -> Iterator[str]:
    """COPY text of `_ENTRY_COLUMNS` (what `_entry_values` gives, one f-string a row:
    psycopg's per-value adaptation cost ~10 µs a row, times a million)."""
    head = f"{change.board.season_code}\t{change.board.direction_code}"
    rules, now = change.rules_version, change.now.isoformat()
    none, null = Tier.NONE.value, "\\N"
    for entry_id, row in rows:
        standing = row.standing
        rank, tier = (standing.rank, standing.tier.value) if standing else (null, none)
        yield (
            f"{entry_id}\t{head}\t{row.participant_id}\t{rules}\t{_cents_text(row.score)}\t"
            f"{'t' if row.ranked else 'f'}\t{rank}\t{tier}\t{row.digest or null}\t"
            f"{now}\n"
        )


def _event_lines(change: BoardWrite) -> Iterator[str]:
    """COPY text of `_EVENT_COLUMNS`, as `_event_rows` gives them."""
    head = (
        f"{change.batch_id}\t{change.board.season_code}\t{change.board.direction_code}\t"
        f"{RatingEventKind.CHANGE.value}"
    )
    now = change.now.isoformat()
    null = "\\N"
    for moved in change.events:
        old, new = moved.old, moved.new
        yield (
            f"{head}\t{moved.participant_id}\t"
            f"{_cents_text(old.score) if old else null}\t"
            f"{_cents_text(new.score) if new else null}\t"
            f"{old.rank if old else null}\t{new.rank if new else null}\t"
            f"{old.tier.value if old else null}\t{new.tier.value if new else null}\t{now}\n"
        )
    if change.events:
        yield (
            f"{change.batch_id}\t{change.board.season_code}\t{change.board.direction_code}\t"
            f"{RatingEventKind.BATCH_COMPLETE.value}\t" + "\t".join([null] * 7) + f"\t{now}\n"
        )


async def _copy_text(
    session: AsyncSession, table: str, columns: Sequence[str], lines: Iterable[str]
) -> None:
    await _copy_bytes(session, table, columns, _batched(lines))


def _batched(lines: Iterable[str], size: int = 20_000) -> Iterator[bytes]:
    """Lines joined into COPY messages of `size` lines."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield "".join(chunk).encode()
            chunk.clear()
    if chunk:
        yield "".join(chunk).encode()


async def _copy_bytes(
    session: AsyncSession, table: str, columns: Sequence[str], chunks: Iterable[bytes]
) -> None:
    driver = await _driver(session)
    async with driver.cursor() as cursor:
        async with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for chunk in chunks:
                await copy.write(chunk)


async def _delete_by_entry(session: AsyncSession, entry_ids: list[int], postgres: bool) -> None:
    if not entry_ids:
        return
    if postgres and len(entry_ids) > BULK:
        await session.execute(
            sa.text("DELETE FROM rating_explanations WHERE entry_id = ANY(:ids)"),
            {"ids": entry_ids},
        )
        return
    for part in chunks(entry_ids):
        await session.execute(
            sa.delete(rating_explanations).where(rating_explanations.c.entry_id.in_(part))
        )


async def _draw_entry_ids(session: AsyncSession, rows: list[EntryWrite]) -> dict[int, int]:
    """Ids for new entries written by COPY (PostgreSQL), drawn from their sequence
    up front, so the explanations can be assembled before the entries are in."""
    ids = list(
        (
            await session.execute(
                sa.text(
                    "SELECT nextval(pg_get_serial_sequence('rating_entries', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": len(rows)},
            )
        ).scalars()
    )
    return {row.participant_id: ids[i] for i, row in enumerate(rows)}


async def _insert_entries(
    session: AsyncSession,
    change: BoardWrite,
    rows: list[EntryWrite],
    postgres: bool,
    drawn: dict[int, int],
) -> dict[int, int]:
    """New entries: by COPY with the ids `drawn` for them, or inserted returning theirs."""
    if not rows:
        return {}
    if drawn:
        await _copy_text(
            session,
            "rating_entries",
            _ENTRY_COLUMNS,
            _entry_lines(change, ((drawn[row.participant_id], row) for row in rows)),
        )
        return drawn
    values = [_entry_values(change, row) for row in rows]
    result = await session.execute(
        sa.insert(rating_entries).returning(rating_entries.c.participant_id, rating_entries.c.id),
        values,
    )
    return dict(result.tuples().all())


async def _update_entries(
    session: AsyncSession, change: BoardWrite, rows: list[tuple[int, EntryWrite]], postgres: bool
) -> None:
    if not rows:
        return
    if postgres and len(rows) > BULK:
        await session.execute(
            sa.text(
                "CREATE TEMP TABLE rating_entry_updates (LIKE rating_entries INCLUDING DEFAULTS) "
                "ON COMMIT DROP"
            )
        )
        await _copy_text(
            session, "rating_entry_updates", _ENTRY_COLUMNS, _entry_lines(change, rows)
        )
        await session.execute(
            sa.text(
                "UPDATE rating_entries e SET rules_version = u.rules_version, points = u.points, "
                "ranked = u.ranked, rank = u.rank, tier = u.tier, "
                "contributions_digest = u.contributions_digest, computed_at = u.computed_at "
                "FROM rating_entry_updates u WHERE e.id = u.id"
            )
        )
        await session.execute(sa.text("DROP TABLE rating_entry_updates"))
        return
    values = [{"entry_id": eid, **_entry_values(change, row)} for eid, row in rows]
    e = rating_entries.c
    await session.execute(
        sa.update(rating_entries)
        .where(e.id == sa.bindparam("entry_id"))
        .values(
            rules_version=sa.bindparam("rules_version"),
            points=sa.bindparam("points"),
            ranked=sa.bindparam("ranked"),
            rank=sa.bindparam("rank"),
            tier=sa.bindparam("tier"),
            contributions_digest=sa.bindparam("contributions_digest"),
            computed_at=sa.bindparam("computed_at"),
        )
        .execution_options(synchronize_session=False),
        [
            {k: v[k] for k in ("entry_id", "rules_version", "points", "ranked", "rank", "tier")}
            | {"contributions_digest": v["contributions_digest"], "computed_at": v["computed_at"]}
            for v in values
        ],
    )


def _event_rows(change: BoardWrite) -> list[tuple[Any, ...]]:
    season, direction = change.board.season_code, change.board.direction_code
    rows: list[tuple[Any, ...]] = []
    for moved in change.events:
        old, new = moved.old, moved.new
        rows.append(
            (
                change.batch_id,
                season,
                direction,
                RatingEventKind.CHANGE.value,
                moved.participant_id,
                from_cents(old.score) if old else None,
                from_cents(new.score) if new else None,
                old.rank if old else None,
                new.rank if new else None,
                old.tier.value if old else None,
                new.tier.value if new else None,
                change.now,
            )
        )
    if rows:
        rows.append(
            (change.batch_id, season, direction, RatingEventKind.BATCH_COMPLETE.value)
            + (None,) * 7
            + (change.now,)
        )
    return rows


async def _insert_events(session: AsyncSession, change: BoardWrite, postgres: bool) -> int | None:
    rows = _event_rows(change)
    if not rows:
        return None
    if postgres and len(rows) > BULK:
        await _copy_text(session, "rating_events", _EVENT_COLUMNS, _event_lines(change))
    else:
        for start in range(0, len(rows), BULK):
            await session.execute(
                sa.insert(rating_events),
                [dict(zip(_EVENT_COLUMNS, row, strict=True)) for row in rows[start : start + BULK]],
            )
    # The batch's head is its last row, the batch-complete marker: on PostgreSQL the
    # cursor this session drew last; on SQLite (one writer) the board's newest event.
    # (It was `max(cursor)` by batch_id, whose index cost every row a B-tree entry.)
    if postgres:
        head = await session.scalar(
            sa.text("SELECT currval(pg_get_serial_sequence('rating_events', 'cursor'))")
        )
    else:
        e = rating_events.c
        head = await session.scalar(
            sa.select(sa.func.max(e.cursor)).where(
                e.season_code == change.board.season_code,
                e.direction_code == change.board.direction_code,
            )
        )
    return int(head) if head is not None else None


def _explanations(change: BoardWrite) -> Iterator[tuple[int, str]]:
    """(participant, stored text) of every rewritten explanation: straight from the
    columns after a full recompute, item by item after an incremental one."""
    if isinstance(change.contributions, SelectionColumns):
        yield from encode_columns(change.contributions)
        return
    memo: ShownMemo = {}
    for pid, selection in change.contributions.items():
        yield pid, encode(selection, memo)


def _copy_chunks(held: SelectionColumns, ids: dict[int, int]) -> list[bytes]:
    """The explanations' COPY text of every held selection, with each one's entry id.
    Assembled in a worker thread (numpy releases the GIL for most of it) while the
    connection is busy with the entries' COPY, so their COPY then runs at the
    database's pace instead of waiting for Python."""
    entry_ids = np.fromiter(
        (ids[pid] for pid in held.participants[held.positions()].tolist()), dtype=np.int64
    )
    return list(copy_lines(held, entry_ids))


async def write_board(session: AsyncSession, change: BoardWrite, *, postgres: bool) -> WriteOutcome:
    board = change.board
    season, direction = board.season_code, board.direction_code
    touched = (
        {w.participant_id for w in change.entries} | set(change.contributions) | set(change.deletes)
    )
    ids = await _entry_ids(session, season, direction, touched)
    removed = [ids[p] for p in change.deletes if p in ids]
    rewritten = [ids[p] for p in change.contributions if p in ids]
    await _delete_by_entry(session, removed + rewritten, postgres)
    for part in chunks(removed):
        await session.execute(sa.delete(rating_entries).where(rating_entries.c.id.in_(part)))
    new_rows = [w for w in change.entries if w.participant_id not in ids]
    updated = [(ids[w.participant_id], w) for w in change.entries if w.participant_id in ids]
    drawn = await _draw_entry_ids(session, new_rows) if postgres and len(new_rows) > BULK else {}
    held = change.contributions
    assembled: asyncio.Future[list[bytes]] | None = None
    columns = (
        held if postgres and isinstance(held, SelectionColumns) and len(held) > BULK // 10 else None
    )  # explanations as numpy-assembled COPY bytes
    if columns is not None:
        if drawn or not new_rows:  # every entry id is known before the entries are written
            everyone = {**ids, **drawn}
            assembled = asyncio.ensure_future(asyncio.to_thread(_copy_chunks, columns, everyone))
    try:
        ids.update(await _insert_entries(session, change, new_rows, postgres, drawn))
        await _update_entries(session, change, updated, postgres)
    finally:
        chunks_ready = await assembled if assembled is not None else None
    if chunks_ready is None and columns is not None:  # new ids known only after the write
        chunks_ready = _copy_chunks(columns, ids)
    texts = _explanations(change)
    if chunks_ready is not None:
        await _copy_bytes(session, "rating_explanations", ("entry_id", "items"), chunks_ready)
    elif postgres and len(held) > BULK // 10:
        lines = (f"{ids[pid]}\t{text}\n" for pid, text in texts)
        await _copy_text(session, "rating_explanations", ("entry_id", "items"), lines)
    else:
        batch = [{"entry_id": ids[pid], "items": text} for pid, text in texts]
        for start in range(0, len(batch), BULK):
            await session.execute(sa.insert(rating_explanations), batch[start : start + BULK])
    head = await _insert_events(session, change, postgres)
    b = rating_boards.c
    values: dict[str, Any] = {
        "version": b.version + 1,
        "rules_version": change.rules_version,
        "ranked_count": change.ranked_count,
        "entry_count": change.entry_count,
        "computed_at": change.now,
    }
    if head is not None:
        values.update(head_cursor=head, last_batch_id=change.batch_id)
    version = await session.scalar(
        sa.update(rating_boards)
        .where(b.season_code == season, b.direction_code == direction)
        .values(**values)
        .returning(b.version)
    )
    if postgres and head is not None:
        await session.execute(
            sa.select(sa.func.pg_notify(RATING_CHANNEL, f"{season}|{direction}|{head}"))
        )
    return WriteOutcome(
        season,
        direction,
        change.batch_id if head is not None else None,
        len(change.events),
        head,
        int(version or 0),
    )


def bulk_written(change: BoardWrite, *, postgres: bool) -> bool:
    """Whether the write changed the entries' make-up enough to analyze them before
    committing (`analyze_entries`)."""
    return postgres and len(change.entries) > BULK


async def analyze_entries(session: AsyncSession) -> None:
    """A bulk write changes the table's make-up at once, long before autovacuum
    notices: with stale statistics the leaderboard's tie count planned a nested loop
    over the whole board (0.5 s a page instead of 1 ms). Once per transaction, before
    its commit (it was once per board: ~1 s each, on the path of the next board's
    write)."""
    await session.execute(sa.text("ANALYZE rating_entries"))


def board_values(season: str, direction: str, rules_version: int) -> dict[str, Any]:
    return {
        "season_code": season,
        "direction_code": direction,
        "rules_version": rules_version,
        "version": 0,
        "ranked_count": 0,
        "entry_count": 0,
    }
