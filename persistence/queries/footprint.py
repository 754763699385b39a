"""A participant's own results and achievements, in the rows its viewer may reach."""

from __future__ import annotations

from typing import Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.achievements import Achievement, AchievementStatus
from domain.results import Result
from persistence.queries.pages import Page, PageRequest, encode_cursor
from persistence.tables.achievements import achievements
from persistence.tables.events import events, results


class _HasId(Protocol):
    id: int | None


T = TypeVar("T", bound=_HasId)


def _page(rows: list[T], page: PageRequest, total: int) -> Page[T]:
    items = rows[: page.first]
    return Page(
        items=items,
        cursors=[encode_cursor([item.id]) for item in items],
        has_next_page=len(rows) > page.first,
        has_previous_page=page.after is not None,
        total_count=total,
    )


async def results_of(
    session: AsyncSession, participant_id: int, organizer_id: int | None, page: PageRequest
) -> Page[Result]:
    """By id; `organizer_id` limits them to that organizer's events (its row scope)."""
    conditions = [results.c.participant_id == participant_id]
    if organizer_id is not None:
        conditions.append(
            results.c.event_id.in_(
                sa.select(events.c.id).where(events.c.organizer_id == organizer_id)
            )
        )
    stmt = sa.select(Result).where(*conditions)
    if page.after is not None:
        stmt = stmt.where(results.c.id > int(page.after[0]))
    rows = list(await session.scalars(stmt.order_by(results.c.id).limit(page.first + 1)))
    total = await session.scalar(sa.select(sa.func.count()).select_from(results).where(*conditions))
    return _page(rows, page, int(total or 0))


async def achievements_of(
    session: AsyncSession, participant_id: int, approved_only: bool, page: PageRequest
) -> Page[Achievement]:
    conditions = [achievements.c.participant_id == participant_id]
    if approved_only:
        conditions.append(achievements.c.status == AchievementStatus.APPROVED)
    stmt = sa.select(Achievement).where(*conditions)
    if page.after is not None:
        stmt = stmt.where(achievements.c.id > int(page.after[0]))
    rows = list(await session.scalars(stmt.order_by(achievements.c.id).limit(page.first + 1)))
    total = await session.scalar(
        sa.select(sa.func.count()).select_from(achievements).where(*conditions)
    )
    return _page(rows, page, int(total or 0))
