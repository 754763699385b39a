"""Reading a season's results as columns (`domain.rating_engine.result_columns`).

PostgreSQL sends them as one binary COPY with one row per event holding the event's
results as int8 arrays: numpy reads the arrays in place, so there is no per-result
Python object (nor one COPY message per result, which alone took ~20 s for five
million). SQLite (small databases) reads rows as usual. Scores are
read separately, and only for events where some result has a score but no place.
"""

from __future__ import annotations

import struct
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from domain.rating_engine.result_columns import COMPLETION_NAMES, STATUS_NAMES, ResultColumns
from persistence.rating_store.reads import season_results_query, to_result
from persistence.tables.events import results

COLUMNS = ("id", "participant", "status", "place", "completion")
"""Aggregated per event: one COPY row per event holds these as int8 arrays."""
HEADER = b"PGCOPY\n\xff\r\n\x00"
HEADER_SIZE = len(HEADER) + 8
_ELEMENT = np.dtype([("length", ">i4"), ("value", ">i8")])


def _codes(names: tuple[str | None, ...]) -> str:
    """`array_position` over the names in code order: code 1 is the first name."""
    return "ARRAY[" + ", ".join(f"'{n}'" for n in names[1:] if n is not None) + "]"


def _compiled(stmt: sa.Select[Any]) -> str:
    return str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


async def read_result_columns(
    session: AsyncSession, season: str, directions: Collection[str], *, postgres: bool
) -> ResultColumns:
    query = season_results_query(season, directions)
    if not postgres:
        rows = [to_result(tuple(row)) for row in (await session.execute(query)).tuples()]
        return ResultColumns.from_inputs(rows)
    found = query.subquery("r")
    # the statement is SQLAlchemy's own compilation with escaped literals, and constants
    copy_sql = (
        "COPY (SELECT r.event_id::int8, array_agg(r.id::int8), "  # noqa: S608
        "array_agg(r.participant_id::int8), "
        f"array_agg(coalesce(array_position({_codes(STATUS_NAMES)}, r.status::text), 0)::int8), "
        "array_agg(coalesce(r.place, 0)::int8), "
        f"array_agg(coalesce(array_position({_codes(COMPLETION_NAMES)}, r.completion::text), 0)"
        f"::int8) FROM ({_compiled(sa.select(found))}) AS r GROUP BY r.event_id) "
        "TO STDOUT (FORMAT binary)"
    )
    # a hash aggregate in memory instead of a GroupAggregate over the (event, participant)
    # index's random heap order, and no JIT, for this one statement: 6.6 s → 4.4 s for
    # five million results
    data = await copy_out(
        session, copy_sql, before=("SET LOCAL work_mem = '256MB'", "SET LOCAL jit = off"),
        after=("RESET work_mem", "RESET jit"),
    )  # fmt: skip
    columns = _parse(data)
    columns.scores = await _scores(session, columns)
    return columns


async def copy_out(
    session: AsyncSession,
    statement: str,
    *,
    before: Sequence[str] = (),
    after: Sequence[str] = (),
) -> bytes:
    """Everything a `COPY … TO STDOUT` sends, on the session's own connection (inside
    its transaction), with settings run before and after it."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    chunks: list[bytes] = []
    async with driver.cursor() as cursor:
        for command in before:
            await cursor.execute(command)
        async with cursor.copy(statement) as copy:
            async for chunk in copy:
                chunks.append(bytes(chunk))
        for command in after:
            await cursor.execute(command)
    return b"".join(chunks)


def _parse(data: bytes) -> ResultColumns:
    """COPY BINARY rows of (event, five int8 arrays) into columns. Rows are few (one per
    event); each array's elements are read by numpy in place."""
    if not data:
        return ResultColumns.empty()
    if not data.startswith(HEADER) or data[-2:] != b"\xff\xff":
        raise ValueError("unexpected COPY BINARY framing")
    view = memoryview(data)
    at, end = HEADER_SIZE, len(data) - 2
    parts: dict[str, list[npt.NDArray[np.int64]]] = {name: [] for name in ("event", *COLUMNS)}
    while at < end:
        fields, length, event_id = struct.unpack_from(">hiq", view, at)
        if fields != 1 + len(COLUMNS) or length != 8:
            raise ValueError("unexpected COPY BINARY row layout")
        at += 14
        count = 0
        for name in COLUMNS:
            values, at = int8_array(view, at)
            parts[name].append(values)
            count = len(values)
        parts["event"].append(np.full(count, event_id, dtype=np.int64))
    if not parts["event"]:  # a header and a trailer: no countable result in these boards
        return ResultColumns.empty()
    found: dict[str, Any] = {name: np.concatenate(arrays) for name, arrays in parts.items()}
    return ResultColumns(**found)


def int8_array(view: memoryview, at: int) -> tuple[npt.NDArray[np.int64], int]:
    """One non-null, one-dimensional int8[] field (array_send's layout)."""
    size, dims, _nulls, _oid = struct.unpack_from(">iiiI", view, at)
    if dims != 1:
        raise ValueError("unexpected array in COPY BINARY")
    (count, _lower) = struct.unpack_from(">ii", view, at + 16)
    start = at + 24
    elements = np.frombuffer(view, dtype=_ELEMENT, count=count, offset=start)
    if (elements["length"] != 8).any():
        raise ValueError("unexpected NULL in COPY BINARY array")
    return elements["value"].astype(np.int64), at + 4 + size


async def _scores(session: AsyncSession, columns: ResultColumns) -> dict[int, Decimal]:
    """Scores of every scored result of an event where some result has a score but no
    place. Only events with a placeless result can be such events, and the columns say
    which those are, so the scores are read by event id (an index) instead of another
    scan of the season's results."""
    placeless = columns.place == 0
    candidates = np.unique(columns.event[placeless]).tolist()
    if not candidates:
        return {}
    r = results.c
    scored: dict[int, tuple[int, Decimal]] = {}
    for start in range(0, len(candidates), 5000):
        stmt = sa.select(r.id, r.event_id, r.score).where(
            r.event_id.in_(candidates[start : start + 5000]), r.score.is_not(None)
        )
        for result_id, event_id, score in (await session.execute(stmt)).tuples():
            scored[int(result_id)] = (int(event_id), Decimal(score))
    placeless_ids = set(columns.id[placeless].tolist())
    score_only = {event for rid, (event, _) in scored.items() if rid in placeless_ids}
    return {rid: score for rid, (event, score) in scored.items() if event in score_only}
