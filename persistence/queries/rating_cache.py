"""What a cached leaderboard response is valid against: every board's version and
whether any outbox message (consent change, verification, erasure, decision…)
was committed since the response was built.

PostgreSQL: the token holds a transaction snapshot; a message is new if its
writing transaction is not visible in that snapshot, which also catches a
message committed late behind a higher id. SQLite commits in id order, so the
highest outbox id is enough.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
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
