"""What a cached leaderboard response is valid against: the versions of the boards it
read (a board that did not exist then must still not exist), and whether an outbox
message that can change a page without moving a board (a consent change, a
verification, an erasure, a profile or event edit, a guardian link…) was committed
since the response was built. Messages whose only effect on a page is through a
board's version (`PAGE_NEUTRAL_TOPICS`: imports, moderation decisions, data-quality
exclusions — the consumer then writes the board — and registrations or security
notices, which no page shows) do not make it stale by themselves: a page built now
would read the same boards.

PostgreSQL: the token holds a transaction snapshot; a message is new if its
writing transaction is not visible in that snapshot, which also catches a
message committed late behind a higher id. SQLite commits in id order, so the
highest outbox id is enough.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import psycopg
import sqlalchemy as sa
from psycopg.rows import TupleRow
from sqlalchemy.ext.asyncio import AsyncSession

from domain.quality_exclusions import EXCLUSIONS_CHANGED
from domain.services.events import REGISTRATION_CHANGED
from domain.services.rating_updates import ACHIEVEMENT_DECIDED, RESULTS_APPLIED
from persistence.tables.audit import outbox
from persistence.tables.ratings import rating_boards

ABSENT = -1
"""The version a token gives a board that did not exist when the page was built."""

PAGE_NEUTRAL_TOPICS = (
    RESULTS_APPLIED,
    ACHIEVEMENT_DECIDED,
    EXCLUSIONS_CHANGED,
    REGISTRATION_CHANGED,
    "security.refresh_token_reuse",
)
"""Outbox topics that reach a leaderboard page only through a board's version. Any
other topic, including one added later, makes every cached page stale."""


@dataclass(frozen=True)
class Token:
    boards: tuple[tuple[str, str, int], ...]
    outbox: str
    """A snapshot (PostgreSQL) or the highest outbox id (SQLite)."""
    participants: tuple[int, ...] | None = None
    """The participants on the page: a message about anyone else (`participant_id` in
    its payload) leaves it as it is. None: every message counts (a page filtered by
    region or grade, which anyone's change may enter or leave)."""

    def scoped(
        self, boards: Collection[tuple[str, str]], participants: Collection[int] | None
    ) -> Token:
        """Only the boards a page read (`ABSENT` for one that did not exist yet) and the
        participants it shows: a change on another board, or about someone else, leaves
        the page as it is."""
        versions = {(s, d): v for s, d, v in self.boards}
        read = sorted((s, d, versions.get((s, d), ABSENT)) for s, d in boards)
        shown = None if participants is None else tuple(sorted(participants))
        return Token(tuple(read), self.outbox, shown)

    def concerns(self, payload: object) -> bool:
        """Whether a (non-neutral) message may change the page (the SQL's rule)."""
        if self.participants is None or not isinstance(payload, dict):
            return True
        found = payload.get("participant_id")
        if not isinstance(found, int) or isinstance(found, bool):
            return True
        return found in self.participants


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


_DATA_VALID = """
    NOT EXISTS (
        SELECT 1 FROM outbox
        WHERE txid >= (pg_snapshot_xmin(CAST(%(snapshot)s AS pg_snapshot))::text)::bigint
          AND NOT pg_visible_in_snapshot(CAST(CAST(txid AS text) AS xid8),
                                         CAST(%(snapshot)s AS pg_snapshot))
          AND topic <> ALL(CAST(%(neutral)s AS text[]))
          AND (CAST(%(anyone)s AS boolean) OR CASE
                 WHEN jsonb_typeof(payload -> 'participant_id') = 'number'
                 THEN CAST(payload ->> 'participant_id' AS numeric)
                      = ANY(CAST(%(participants)s AS numeric[]))
                 ELSE true END)
    ) AND (
        SELECT count(*) FROM jsonb_to_recordset(CAST(%(boards)s AS jsonb))
             AS t(season text, direction text, version bigint)
        LEFT JOIN rating_boards b ON b.season_code = t.season AND b.direction_code = t.direction
        WHERE coalesce(b.version, -1) = t.version  -- -1: ABSENT
    ) = CAST(%(count)s AS bigint)"""
"""Every data check of a cache hit (PostgreSQL), in psycopg's placeholders: no
page-changing outbox message committed since the snapshot, and each board of the token
at its version (or still absent). Used as is by the one-statement hit below, and
through SQLAlchemy by `still_valid`."""

_VALID_ON_POSTGRES = sa.text("SELECT " + re.sub(r"%\((\w+)\)s", r":\1", _DATA_VALID))


async def still_valid(session: AsyncSession, token: Token) -> bool:
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return bool(
            await session.scalar(
                _VALID_ON_POSTGRES,
                {
                    "snapshot": token.outbox,
                    **_message_scope(token),
                    "count": len(token.boards),
                    "boards": boards_document(token),
                },
            )
        )
    current = {(s, d): v for s, d, v in await _boards(session)}
    if any(current.get((s, d), ABSENT) != v for s, d, v in token.boards):
        return False
    o = outbox.c
    newer = sa.select(o.payload).where(
        o.id > int(token.outbox), o.topic.not_in(PAGE_NEUTRAL_TOPICS)
    )
    return not any(token.concerns(payload) for payload in await session.scalars(newer))


def _message_scope(token: Token) -> dict[str, object]:
    """The parameters of the outbox half of the check."""
    return {
        "neutral": list(PAGE_NEUTRAL_TOPICS),
        "anyone": token.participants is None,
        "participants": list(token.participants or ()),
    }


# --- A hit in one round trip (PostgreSQL) ------------------------------------------

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
        + _DATA_VALID
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
        **_message_scope(token),
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
