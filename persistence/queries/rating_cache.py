"""What a cached leaderboard response is valid against: every board's version and
whether any outbox message (consent change, verification, erasure, decision…)
was committed since the response was built.

PostgreSQL: the token holds a transaction snapshot; a message is new if its
writing transaction is not visible in that snapshot, which also catches a
message committed late behind a higher id. SQLite commits in id order, so the
highest outbox id is enough.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import psycopg
import sqlalchemy as sa
from psycopg.rows import TupleRow
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.tables.audit import outbox
from persistence.tables.ratings import rating_boards


@dataclass(frozen=True)
class Token:
    boards: tuple[tuple[str, str, int], ...]
    outbox: str
    """A snapshot (PostgreSQL) or the highest outbox id (SQLite)."""


async def _boards(session: AsyncSession) -> tuple[tuple[str, str, int], ...]:
    b = rating_boards.c
    rows = await session.execute(
        sa.select(b.season_code, b.direction_code, b.version).order_by(
            b.season_code, b.direction_code
        )
    )
    return tuple((s, d, int(v)) for s, d, v in rows.tuples())


async def current_token(session: AsyncSession) -> Token:
    """Read before building a response: anything committed later makes it stale."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        snapshot = await session.scalar(sa.text("SELECT CAST(pg_current_snapshot() AS text)"))
        return Token(await _boards(session), str(snapshot))
    last = await session.scalar(sa.select(sa.func.max(outbox.c.id)))
    return Token(await _boards(session), str(last or 0))


_VALID_ON_POSTGRES = sa.text(
    """
    SELECT NOT EXISTS (
        SELECT 1 FROM outbox
        WHERE txid >= (pg_snapshot_xmin(CAST(:snapshot AS pg_snapshot))::text)::bigint
          AND NOT pg_visible_in_snapshot(CAST(CAST(txid AS text) AS xid8),
                                         CAST(:snapshot AS pg_snapshot))
    ) AND (SELECT count(*) FROM rating_boards) = :count AND (
        SELECT count(*) FROM rating_boards b
        JOIN unnest(CAST(:seasons AS text[]), CAST(:directions AS text[]),
                    CAST(:versions AS bigint[])) AS t(season, direction, version)
          ON b.season_code = t.season AND b.direction_code = t.direction
         AND b.version = t.version
    ) = :count
    """
)
"""Every check of a cache hit in one round trip: no outbox message committed since the
snapshot, and exactly the boards of the token, each at its version."""


async def still_valid(session: AsyncSession, token: Token) -> bool:
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return bool(
            await session.scalar(
                _VALID_ON_POSTGRES,
                {
                    "snapshot": token.outbox,
                    "count": len(token.boards),
                    "seasons": [s for s, _, _ in token.boards],
                    "directions": [d for _, d, _ in token.boards],
                    "versions": [v for _, _, v in token.boards],
                },
            )
        )
    if await _boards(session) != token.boards:
        return False
    last = await session.scalar(sa.select(sa.func.max(outbox.c.id)))
    return str(last or 0) == token.outbox


# --- A hit in one round trip (PostgreSQL) ------------------------------------------

_HIT_DATA_VALID = """
    NOT EXISTS (
        SELECT 1 FROM outbox
        WHERE txid >= (pg_snapshot_xmin(CAST(%(snapshot)s AS pg_snapshot))::text)::bigint
          AND NOT pg_visible_in_snapshot(CAST(CAST(txid AS text) AS xid8),
                                         CAST(%(snapshot)s AS pg_snapshot))
    ) AND (SELECT count(*) FROM rating_boards) = CAST(%(count)s AS bigint) AND (
        SELECT count(*) FROM rating_boards b
        JOIN jsonb_to_recordset(CAST(%(boards)s AS jsonb))
             AS t(season text, direction text, version bigint)
          ON b.season_code = t.season AND b.direction_code = t.direction
         AND b.version = t.version
    ) = CAST(%(count)s AS bigint)"""

_HIT_VIEWER_UNCHANGED = """
    EXISTS (
        SELECT 1 FROM accounts a
        WHERE a.id = CAST(%(account)s AS bigint) AND a.is_active
          AND a.role = CAST(%(role)s AS text)
          AND a.organization_id IS NOT DISTINCT FROM CAST(%(organization)s AS bigint)
          AND (SELECT p.id FROM participants p WHERE p.account_id = a.id)
              IS NOT DISTINCT FROM CAST(%(participant)s AS bigint)
          AND (SELECT g.id FROM guardians g WHERE g.account_id = a.id)
              IS NOT DISTINCT FROM CAST(%(guardian)s AS bigint)
    ) AND"""

_HIT_JOURNAL = """
, journal AS (
    INSERT INTO access_log_journal (viewer_account_id, reads, operation, request_id, at)
    SELECT CAST(%(account)s AS bigint), CAST(%(reads)s AS jsonb),
           CAST(%(operation)s AS varchar), CAST(%(request_id)s AS varchar),
           CAST(%(at)s AS timestamptz)
    FROM checked WHERE valid
    RETURNING 1
)"""


def _hit_statement(viewer: bool, journal: bool) -> str:
    # Constant fragments only; every value is a bound parameter.
    return (
        "WITH checked AS (SELECT"  # noqa: S608
        + (_HIT_VIEWER_UNCHANGED if viewer else "")
        + _HIT_DATA_VALID
        + " AS valid)"
        + (_HIT_JOURNAL if journal else "")
        + " SELECT valid, "
        + ("EXISTS (SELECT 1 FROM journal)" if journal else "valid")
        + " FROM checked"
    )


_HIT_STATEMENTS = {
    (viewer, journal): _hit_statement(viewer, journal)
    for viewer in (False, True)
    for journal in (False, True)
    if viewer or not journal
}
"""Anonymous; a signed-in viewer; a signed-in viewer whose reads are journalled."""


@dataclass(frozen=True)
class HitViewer:
    """The account a hit is for, as the entry's viewer class needs it to be now: the
    token's account, role and organization, and the entry's participant and guardian
    (none for the shared classes). `authenticate` would give exactly this viewer."""

    account_id: int
    role: str
    organization_id: int | None
    participant_id: int | None
    guardian_id: int | None


@dataclass(frozen=True)
class HitJournal:
    """The access-journal row of the hit (`persistence/access_journal.py`)."""

    reads: str
    """The journal's `reads` document as JSON text (`grouped_reads`)."""
    operation: str
    request_id: str | None
    at: datetime


def boards_document(token: Token) -> str:
    return json.dumps(
        [{"season": s, "direction": d, "version": v} for s, d, v in token.boards],
        ensure_ascii=False,
    )


async def serve_hit(
    connection: psycopg.AsyncConnection[TupleRow],
    token: Token,
    boards: str,
    viewer: HitViewer | None,
    journal: HitJournal | None,
) -> bool:
    """Whether a cached page may be served, decided and journalled in one statement on
    a connection in autocommit mode: the viewer's account is active and unchanged
    (`viewer`; None for the public), no outbox message was committed since the page's
    snapshot, every board is at the token's version — and, only if all of that holds,
    the journal row is inserted in the same statement, so it is committed (and
    flushed) when the statement returns. True: serve the page (its reads are durable).
    False: nothing was written; the caller takes the slow path. `boards` is
    `boards_document(token)`, computed once per entry."""
    if journal is not None and viewer is None:
        raise ValueError("only a signed-in viewer's reads are journalled")
    params: dict[str, object] = {
        "snapshot": token.outbox,
        "count": len(token.boards),
        "boards": boards,
    }
    if viewer is not None:
        params |= {
            "account": viewer.account_id,
            "role": viewer.role,
            "organization": viewer.organization_id,
            "participant": viewer.participant_id,
            "guardian": viewer.guardian_id,
        }
    if journal is not None:
        params |= {
            "reads": journal.reads,
            "operation": journal.operation[:200],
            "request_id": journal.request_id[:64] if journal.request_id else None,
            "at": journal.at,
        }
    statement = _HIT_STATEMENTS[(viewer is not None, journal is not None)]
    cursor = await connection.execute(statement, params, prepare=True)
    row = await cursor.fetchone()
    return row is not None and bool(row[0]) and bool(row[1])
