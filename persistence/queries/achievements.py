"""Read paths of achievements: the moderators' queue, a participant's claims,
their directions, evidence and decision history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.achievements import Achievement, AchievementStatus, AchievementTransition, Evidence
from domain.events import EventLevel
from persistence.queries.pages import Page, PageRequest, encode_cursor
from persistence.tables.achievements import (
    achievement_directions,
    achievement_transitions,
    achievements,
    evidence,
)
from persistence.tables.people import participants


@dataclass(frozen=True)
class QueueFilter:
    status: AchievementStatus | None = AchievementStatus.SUBMITTED
    direction: str | None = None
    level: EventLevel | None = None
    region: str | None = None
    submitted_before: datetime | None = None
    """Claims waiting at least this long (the age of the claim)."""
    submitted_after: datetime | None = None
    participant_id: int | None = None


def _conditions(f: QueueFilter) -> list[sa.ColumnElement[bool]]:
    c = achievements.c
    conditions: list[sa.ColumnElement[bool]] = []
    if f.status is not None:
        conditions.append(c.status == f.status)
    if f.level is not None:
        conditions.append(c.level == f.level)
    if f.participant_id is not None:
        conditions.append(c.participant_id == f.participant_id)
    if f.submitted_before is not None:
        conditions.append(c.submitted_at <= f.submitted_before)
    if f.submitted_after is not None:
        conditions.append(c.submitted_at >= f.submitted_after)
    if f.direction is not None:
        conditions.append(
            sa.exists().where(
                achievement_directions.c.achievement_id == c.id,
                achievement_directions.c.direction_code == f.direction,
            )
        )
    if f.region is not None:
        conditions.append(
            c.participant_id.in_(
                sa.select(participants.c.id).where(participants.c.region_code == f.region)
            )
        )
    return conditions


async def list_achievements(
    session: AsyncSession, f: QueueFilter, page: PageRequest
) -> Page[Achievement]:
    """Oldest claim first (by id, which follows creation), so none waits forever."""
    conditions = _conditions(f)
    stmt = sa.select(Achievement).where(*conditions)
    if page.after is not None:
        stmt = stmt.where(achievements.c.id > int(page.after[0]))
    found = list(await session.scalars(stmt.order_by(achievements.c.id).limit(page.first + 1)))
    total = await session.scalar(
        sa.select(sa.func.count()).select_from(achievements).where(*conditions)
    )
    items = found[: page.first]
    return Page(
        items=items,
        cursors=[encode_cursor([a.id]) for a in items],
        has_next_page=len(found) > page.first,
        has_previous_page=page.after is not None,
        total_count=int(total or 0),
    )


async def achievements_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Achievement]:
    rows = await session.scalars(sa.select(Achievement).where(achievements.c.id.in_(ids)))
    return {a.id: a for a in rows if a.id is not None}


async def directions_of(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[str]]:
    rows = await session.execute(
        sa.select(achievement_directions.c.achievement_id, achievement_directions.c.direction_code)
        .where(achievement_directions.c.achievement_id.in_(ids))
        .order_by(achievement_directions.c.direction_code)
    )
    grouped: dict[int, list[str]] = defaultdict(list)
    for achievement_id, code in rows:
        grouped[achievement_id].append(code)
    return {i: grouped.get(i, []) for i in ids}


async def evidence_of(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[Evidence]]:
    rows = await session.scalars(
        sa.select(Evidence)
        .where(evidence.c.achievement_id.in_(ids), evidence.c.deleted_at.is_(None))
        .order_by(evidence.c.id)
    )
    grouped: dict[int, list[Evidence]] = defaultdict(list)
    for item in rows:
        grouped[item.achievement_id].append(item)
    return {i: grouped.get(i, []) for i in ids}


async def transitions_of(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, list[AchievementTransition]]:
    rows = await session.scalars(
        sa.select(AchievementTransition)
        .where(achievement_transitions.c.achievement_id.in_(ids))
        .order_by(achievement_transitions.c.id)
    )
    grouped: dict[int, list[AchievementTransition]] = defaultdict(list)
    for item in rows:
        grouped[item.achievement_id].append(item)
    return {i: grouped.get(i, []) for i in ids}


async def evidence_by_id(session: AsyncSession, evidence_id: int) -> Evidence | None:
    return await session.get(Evidence, evidence_id)
