"""Bulk reads and the revision counter of the analytics data.

`answer_matrix` turns every stored response (or attempt) of one instrument into the
respondents × items float matrix the indices take; JSON lists decode straight into
numpy, `None` becoming NaN. `bump_revision` marks the data as changed so that every API
process drops its cached regional-index reports.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics_ports import AnswerMatrix
from domain.analytics_records import FlagSubject
from persistence.tables import analytics as t


def _as_matrix(lists: list[object], rows: int, width: int) -> np.ndarray:
    if rows == 0:
        return np.empty((0, width), dtype=np.float64)
    if all(isinstance(values, list) and len(values) == width for values in lists):
        return np.array(lists, dtype=np.float64)  # None → NaN
    matrix = np.full((rows, width), np.nan, dtype=np.float64)
    for i, values in enumerate(lists):
        if isinstance(values, list) and len(values) == width:
            matrix[i] = np.array(values, dtype=np.float64)
    return matrix


async def fetch_all(session: AsyncSession, stmt: Any) -> list[tuple[Any, ...]]:
    """All rows of a large read straight from the driver's cursor.

    SQLAlchemy's result rows cost several microseconds each on the async path; a season
    has millions of them. The statement is compiled with literal values (they come from
    validated codes) and run on the raw psycopg or aiosqlite connection.
    """
    connection = await session.connection()
    sql = str(stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    if connection.dialect.name == "postgresql":
        async with driver.cursor() as cursor:
            await cursor.execute(sql)
            return list(await cursor.fetchall())
    cursor = await driver.execute(sql)
    try:
        return list(await cursor.fetchall())
    finally:
        await cursor.close()


def _decoded(value: Any) -> Any:
    """aiosqlite hands JSON columns back as text; psycopg decodes JSONB itself."""
    return json.loads(value) if isinstance(value, str) else value


async def answer_matrix(
    session: AsyncSession,
    subject: FlagSubject,
    instrument_id: int,
    width: int,
    season: str | None,
) -> AnswerMatrix:
    """Responses (or attempts) of one questionnaire (or test), ordered by id."""
    if subject is FlagSubject.QUESTIONNAIRE_RESPONSE:
        table, fk = t.questionnaire_responses, t.questionnaire_responses.c.questionnaire_id
    else:
        table, fk = t.knowledge_test_attempts, t.knowledge_test_attempts.c.test_id
    stmt = (
        sa.select(
            table.c.id, table.c.participant_id, table.c.season_code, table.c.answers, table.c.times
        )
        .where(fk == instrument_id)
        .order_by(table.c.id)
    )
    if season is not None:
        stmt = stmt.where(table.c.season_code == season)
    rows = await fetch_all(session, stmt)
    n = len(rows)
    return AnswerMatrix(
        ids=np.fromiter((r[0] for r in rows), np.int64, count=n),
        participant_ids=np.fromiter((r[1] for r in rows), np.int64, count=n),
        seasons=tuple(r[2] for r in rows),
        answers=_as_matrix([_decoded(r[3]) for r in rows], n, width),
        times=_as_matrix([_decoded(r[4]) for r in rows], n, width),
    )


async def bump_revision(session: AsyncSession) -> None:
    table = t.analytics_revision
    result = await session.execute(
        sa.update(table).where(table.c.id == 1).values(revision=table.c.revision + 1)
    )
    if not getattr(result, "rowcount", 0):
        await session.execute(sa.insert(table).values(id=1, revision=1))


async def current_revision(session: AsyncSession) -> int:
    value = await session.scalar(
        sa.select(t.analytics_revision.c.revision).where(t.analytics_revision.c.id == 1)
    )
    return int(value or 0)
