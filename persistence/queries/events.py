"""Read path of the event catalog: filters, keyset pages, direction relevances."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.events import Event, EventDirection, EventKind, EventLevel, EventStatus
from persistence.queries.pages import Page, PageRequest, encode_cursor
from persistence.tables.events import event_directions, events, registrations


@dataclass(frozen=True)
class EventFilter:
    season: str | None = None
    direction: str | None = None
    level: EventLevel | None = None
    kind: EventKind | None = None
    region: str | None = None
    status: EventStatus | None = None
    text: str | None = None
    organizer_id: int | None = None
    visible_statuses: frozenset[EventStatus] | None = None
    """Statuses the viewer may see at all (drafts only to their organizer and staff)."""
    own_organizer_id: int | None = None
    """An organizer also sees its own events in any status."""


def _conditions(f: EventFilter) -> list[sa.ColumnElement[bool]]:
    c = events.c
    conditions: list[sa.ColumnElement[bool]] = []
    if f.season:
        conditions.append(c.season_code == f.season)
    if f.level:
        conditions.append(c.level == f.level)
    if f.kind:
        conditions.append(c.kind == f.kind)
    if f.region:
        conditions.append(sa.or_(c.region_code == f.region, c.is_online.is_(True)))
    if f.status:
        conditions.append(c.status == f.status)
    if f.organizer_id is not None:
        conditions.append(c.organizer_id == f.organizer_id)
    if f.text:
        pattern = "%" + f.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(sa.func.lower(c.title).like(pattern.lower(), escape="\\"))
    if f.direction:
        conditions.append(
            sa.exists().where(
                event_directions.c.event_id == c.id,
                event_directions.c.direction_code == f.direction,
            )
        )
    if f.visible_statuses is not None:
        visible: sa.ColumnElement[bool] = c.status.in_(sorted(f.visible_statuses))
        if f.own_organizer_id is not None:
            visible = sa.or_(visible, c.organizer_id == f.own_organizer_id)
        conditions.append(visible)
    return conditions


async def list_events(session: AsyncSession, f: EventFilter, page: PageRequest) -> Page[Event]:
    """Ordered by start date then id; the cursor is that pair."""
    conditions = _conditions(f)
    stmt = sa.select(Event).where(*conditions)
    if page.after is not None:
        after_date, after_id = date.fromisoformat(str(page.after[0])), int(page.after[1])
        stmt = stmt.where(
            sa.tuple_(events.c.starts_on, events.c.id) > sa.tuple_(after_date, after_id)
        )
    stmt = stmt.order_by(events.c.starts_on, events.c.id).limit(page.first + 1)
    rows = list((await session.scalars(stmt)).all())
    total = await session.scalar(sa.select(sa.func.count()).select_from(events).where(*conditions))
    items = rows[: page.first]
    return Page(
        items=items,
        cursors=[encode_cursor([e.starts_on.isoformat(), e.id]) for e in items],
        has_next_page=len(rows) > page.first,
        has_previous_page=page.after is not None,
        total_count=int(total or 0),
    )


async def events_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Event]:
    rows = await session.scalars(sa.select(Event).where(events.c.id.in_(ids)))
    return {e.id: e for e in rows if e.id is not None}


async def directions_of_events(
    session: AsyncSession, event_ids: Sequence[int]
) -> dict[int, list[EventDirection]]:
    rows = await session.scalars(
        sa.select(EventDirection)
        .where(event_directions.c.event_id.in_(event_ids))
        .order_by(event_directions.c.event_id, event_directions.c.relevance.desc())
    )
    grouped: dict[int, list[EventDirection]] = {event_id: [] for event_id in event_ids}
    for row in rows:
        grouped[row.event_id].append(row)
    return grouped


async def stages_of_events(
    session: AsyncSession, parent_ids: Sequence[int]
) -> dict[int, list[Event]]:
    rows = await session.scalars(
        sa.select(Event)
        .where(events.c.parent_id.in_(parent_ids))
        .order_by(events.c.parent_id, events.c.stage_order, events.c.id)
    )
    grouped: dict[int, list[Event]] = {parent_id: [] for parent_id in parent_ids}
    for row in rows:
        if row.parent_id is not None:
            grouped[row.parent_id].append(row)
    return grouped


async def registration_counts(session: AsyncSession, event_ids: Sequence[int]) -> dict[int, int]:
    """Active (not cancelled) registrations per event."""
    rows = await session.execute(
        sa.select(registrations.c.event_id, sa.func.count())
        .where(registrations.c.event_id.in_(event_ids), registrations.c.cancelled_at.is_(None))
        .group_by(registrations.c.event_id)
    )
    counts = dict.fromkeys(event_ids, 0)
    counts.update({event_id: int(n) for event_id, n in rows})
    return counts


async def active_registration(session: AsyncSession, event_id: int, participant_id: int) -> bool:
    value = await session.scalar(
        sa.select(registrations.c.id).where(
            registrations.c.event_id == event_id,
            registrations.c.participant_id == participant_id,
            registrations.c.cancelled_at.is_(None),
        )
    )
    return value is not None
