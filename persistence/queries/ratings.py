"""Read paths of the rating API: leaderboard pages, entries with their
contributions, the figures an explanation derives (ties, boundaries, the rank an
unranked entry would have), rating events, rules and diplomas."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.consents import ConsentPurpose
from domain.ratings import Diploma, RatingBoard, RatingContribution, RatingRules, Tier
from persistence.queries.consent_sql import in_force_condition
from persistence.queries.pages import Page, PageRequest, encode_cursor
from persistence.rating_feed import FeedEvent, read_events
from persistence.rating_store.explanations import decode
from persistence.tables.people import participants
from persistence.tables.ratings import (
    diplomas,
    rating_boards,
    rating_entries,
    rating_events,
    rating_explanations,
    rating_rules,
)


@dataclass(frozen=True, slots=True)
class BoardRow:
    entry_id: int
    season_code: str
    direction_code: str
    participant_id: int
    points: Decimal
    ranked: bool
    rank: int | None
    tier: Tier
    rules_version: int
    computed_at: datetime


@dataclass(frozen=True)
class RowFilter:
    """A filter the viewer may use, and over which rows: a filtered field that the
    viewer may not see on a row never matches it (filters reveal nothing)."""

    region: str | None = None
    region_needs_publication: bool = False
    grade: int | None = None
    grade_university: int | None = None
    """Grade counts only on rows whose sharing covers this university (None: all rows)."""
    now: datetime | None = None

    @property
    def active(self) -> bool:
        return self.region is not None or self.grade is not None


def _row(r: Any) -> BoardRow:
    return BoardRow(
        r.id,
        r.season_code,
        r.direction_code,
        r.participant_id,
        Decimal(r.points),
        bool(r.ranked),
        r.rank,
        Tier(r.tier),
        r.rules_version,
        r.computed_at,
    )


async def board(session: AsyncSession, season: str, direction: str) -> RatingBoard | None:
    b = rating_boards.c
    return (
        await session.scalars(
            sa.select(RatingBoard).where(b.season_code == season, b.direction_code == direction)
        )
    ).first()


def _filtered(stmt: sa.Select[Any], found: RowFilter) -> sa.Select[Any]:
    if not found.active:
        return stmt
    p = participants.c
    stmt = stmt.join(participants, p.id == rating_entries.c.participant_id)
    assert found.now is not None
    if found.region is not None:
        stmt = stmt.where(p.region_code == found.region)
        if found.region_needs_publication:
            stmt = stmt.where(
                in_force_condition(ConsentPurpose.PROCESSING, found.now),
                in_force_condition(ConsentPurpose.PUBLICATION, found.now),
            )
    if found.grade is not None:
        stmt = stmt.where(p.grade == found.grade)
        if found.grade_university is not None:
            stmt = stmt.where(
                in_force_condition(ConsentPurpose.PROCESSING, found.now),
                in_force_condition(
                    ConsentPurpose.UNIVERSITY_SHARING,
                    found.now,
                    organization_id=found.grade_university,
                ),
            )
    return stmt


async def leaderboard_page(
    session: AsyncSession,
    season: str,
    direction: str,
    page: PageRequest,
    found: RowFilter,
    ranked_count: int,
) -> Page[BoardRow]:
    e = rating_entries.c
    base = sa.select(rating_entries).where(
        e.season_code == season, e.direction_code == direction, e.ranked.is_(True)
    )
    base = _filtered(base, found)
    stmt = base
    if page.after is not None:
        rank, pid = (int(v) for v in page.after)
        stmt = stmt.where(sa.or_(e.rank > rank, sa.and_(e.rank == rank, e.participant_id > pid)))
    stmt = stmt.order_by(e.rank, e.participant_id).limit(page.first + 1)
    rows = [_row(r) for r in (await session.execute(stmt)).all()]
    total = ranked_count
    if found.active:
        counted = sa.select(sa.func.count()).select_from(base.subquery())
        total = int(await session.scalar(counted) or 0)
    items = rows[: page.first]
    return Page(
        items=items,
        cursors=[encode_cursor((r.rank, r.participant_id)) for r in items],
        has_next_page=len(rows) > page.first,
        total_count=total,
        has_previous_page=page.after is not None,
    )


async def entries_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, BoardRow]:
    rows = (
        await session.execute(sa.select(rating_entries).where(rating_entries.c.id.in_(ids)))
    ).all()
    return {r.id: _row(r) for r in rows}


async def entries_of_participant(
    session: AsyncSession, participant_id: int, season: str | None
) -> list[BoardRow]:
    e = rating_entries.c
    stmt = sa.select(rating_entries).where(e.participant_id == participant_id)
    if season is not None:
        stmt = stmt.where(e.season_code == season)
    stmt = stmt.order_by(e.season_code.desc(), e.direction_code)
    return [_row(r) for r in (await session.execute(stmt)).all()]


async def contributions_of(
    session: AsyncSession, entry_ids: Sequence[int]
) -> dict[int, list[RatingContribution]]:
    """Each entry's contributions in explanation order (counted first, best first)."""
    x = rating_explanations.c
    rows = await session.execute(sa.select(x.entry_id, x["items"]).where(x.entry_id.in_(entry_ids)))
    found: dict[int, list[RatingContribution]] = {i: [] for i in entry_ids}
    for entry_id, text in rows.tuples():
        found[entry_id] = decode(entry_id, text)
    return found


def _board_where(season: str, direction: str) -> list[sa.ColumnElement[bool]]:
    e = rating_entries.c
    return [e.season_code == season, e.direction_code == direction, e.ranked.is_(True)]


async def tie_count(session: AsyncSession, season: str, direction: str, points: Decimal) -> int:
    stmt = sa.select(sa.func.count()).where(
        *_board_where(season, direction), rating_entries.c.points == points
    )
    return int(await session.scalar(stmt) or 0)


async def tie_counts(
    session: AsyncSession, season: str, direction: str, points: Sequence[Decimal]
) -> dict[Decimal, int]:
    """How many ranked entries hold each of these scores (the ties of a page)."""
    if not points:
        return {}
    e = rating_entries.c
    stmt = (
        sa.select(e.points, sa.func.count())
        .where(*_board_where(season, direction), e.points.in_(sorted(set(points))))
        .group_by(e.points)
    )
    return {Decimal(p): int(n) for p, n in (await session.execute(stmt)).tuples()}


async def points_at(
    session: AsyncSession, season: str, direction: str, position: int, count: int = 2
) -> list[Decimal]:
    """Scores at ordinal positions `position`, `position + 1`, … (1 = best)."""
    if position < 1:
        return []
    e = rating_entries.c
    stmt = (
        sa.select(e.points)
        .where(*_board_where(season, direction))
        .order_by(e.points.desc())
        .offset(position - 1)
        .limit(count)
    )
    return [Decimal(p) for p in (await session.execute(stmt)).scalars()]


async def would_be_rank(
    session: AsyncSession, season: str, direction: str, points: Decimal, ranked_count: int
) -> int:
    """The rank an unranked score would have: the rank of the best ranked score not
    above it (one index lookup), or last + 1."""
    e = rating_entries.c
    stmt = (
        sa.select(e.rank)
        .where(*_board_where(season, direction), e.points <= points)
        .order_by(e.points.desc())
        .limit(1)
    )
    found = await session.scalar(stmt)
    return int(found) if found is not None else ranked_count + 1


async def events_page(
    session: AsyncSession, season: str, direction: str, after: int, first: int
) -> tuple[list[FeedEvent], int]:
    found = await read_events(session, season, direction, after, first)
    e = rating_events.c
    total = await session.scalar(
        sa.select(sa.func.count()).where(
            e.season_code == season, e.direction_code == direction, e.cursor > after
        )
    )
    return found, int(total or 0)


async def rules(session: AsyncSession, version: int | None) -> RatingRules | None:
    stmt = sa.select(RatingRules)
    if version is None:
        stmt = stmt.order_by(rating_rules.c.version.desc()).limit(1)
    else:
        stmt = stmt.where(rating_rules.c.version == version)
    return (await session.scalars(stmt)).first()


async def diploma(session: AsyncSession, number: str) -> Diploma | None:
    return (await session.scalars(sa.select(Diploma).where(diplomas.c.number == number))).first()


async def diplomas_of(session: AsyncSession, participant_id: int) -> list[Diploma]:
    d = diplomas.c
    rows = await session.scalars(
        sa.select(Diploma).where(d.participant_id == participant_id).order_by(d.issued_at, d.id)
    )
    return list(rows)
