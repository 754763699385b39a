"""Reading a board's stored entries as columns (`domain.rating_engine.entry_columns`).

PostgreSQL: one binary COPY of one row holding the board as six `int8` arrays (the
digest's 16 hex digits as the bits of an int8); SQLite reads rows as usual.
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from domain.rating_engine.entry_columns import TIERS, EntryColumns
from persistence.rating_store.reads import load_entries
from persistence.rating_store.result_columns import HEADER, HEADER_SIZE, copy_out, int8_array

_NAMES = ("participant", "score", "ranked", "rank", "tier", "digest")
_TIERS = "ARRAY[" + ", ".join(f"'{t.value}'" for t in TIERS) + "]"
_COPY = (
    "COPY (SELECT array_agg(participant_id::int8 ORDER BY participant_id), "  # noqa: S608
    "array_agg(round(points * 100)::int8 ORDER BY participant_id), "
    "array_agg(ranked::int::int8 ORDER BY participant_id), "
    "array_agg(coalesce(rank, 0)::int8 ORDER BY participant_id), "
    f"array_agg((array_position({_TIERS}, tier::text) - 1)::int8 ORDER BY participant_id), "
    "array_agg(coalesce(('x' || contributions_digest)::bit(64)::int8, 0) "
    "ORDER BY participant_id) "
    "FROM rating_entries WHERE season_code = {season} AND direction_code = {direction} "
    "HAVING count(*) > 0) TO STDOUT (FORMAT binary)"
)


async def read_entry_columns(
    session: AsyncSession, season: str, direction: str, *, postgres: bool
) -> EntryColumns:
    if not postgres:
        return EntryColumns.of(await load_entries(session, season, direction, None))
    statement = _COPY.format(season=_literal(season), direction=_literal(direction))
    data = await copy_out(session, statement)
    return _parse(data)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parse(data: bytes) -> EntryColumns:
    found: dict[str, Any] = {name: np.zeros(0, dtype=np.int64) for name in _NAMES}
    if len(data) > HEADER_SIZE + 2:
        if not data.startswith(HEADER):
            raise ValueError("unexpected COPY BINARY framing")
        view = memoryview(data)
        (fields,) = struct.unpack_from(">h", view, HEADER_SIZE)
        if fields != len(_NAMES):
            raise ValueError("unexpected COPY BINARY row layout")
        at = HEADER_SIZE + 2
        for name in _NAMES:
            found[name], at = int8_array(view, at)
    found["ranked"] = found["ranked"].astype(np.bool_)
    found["digest"] = found["digest"].view(np.uint64)
    return EntryColumns(**found)
