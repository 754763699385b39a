"""Repositories of events, registrations and achievements (the write side)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.achievements import (
    Achievement,
    AchievementDirection,
    AchievementStatus,
    AchievementTransition,
    Evidence,
)
from domain.events import Event, EventDirection, Registration
from persistence.tables import reference
from persistence.tables.achievements import achievement_directions, achievements, evidence
from persistence.tables.events import event_directions, events, registrations, results

_REFERENCE = {
    "seasons": reference.seasons,
    "regions": reference.regions,
    "directions": reference.directions,
}


class SqlAlchemyEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, event: Event) -> None:
        self.session.add(event)

    async def get(self, event_id: int, *, lock: bool = False) -> Event | None:
        """`lock` takes the row lock on PostgreSQL (capacity checks, status changes);
        SQLite has one writer at a time, which serialises them anyway."""
        stmt = sa.select(Event).where(events.c.id == event_id)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def replace_directions(self, event_id: int, links: Sequence[EventDirection]) -> None:
        await self.session.execute(
            sa.delete(event_directions).where(event_directions.c.event_id == event_id)
        )
        if links:
            await self.session.execute(
                sa.insert(event_directions),
                [
                    {
                        "event_id": event_id,
                        "direction_code": link.direction_code,
                        "relevance": link.relevance,
                    }
                    for link in links
                ],
            )

    async def known_codes(self, table: str, codes: Sequence[str]) -> set[str]:
        t = _REFERENCE[table]
        rows = await self.session.scalars(sa.select(t.c.code).where(t.c.code.in_(set(codes))))
        return set(rows)

    async def registration(self, event_id: int, participant_id: int) -> Registration | None:
        stmt = sa.select(Registration).where(
            registrations.c.event_id == event_id,
            registrations.c.participant_id == participant_id,
        )
        return (await self.session.scalars(stmt)).first()

    def add_registration(self, registration: Registration) -> None:
        self.session.add(registration)

    async def active_registrations(self, event_id: int) -> int:
        value = await self.session.scalar(
            sa.select(sa.func.count()).where(
                registrations.c.event_id == event_id, registrations.c.cancelled_at.is_(None)
            )
        )
        return int(value or 0)


class SqlAlchemyAchievementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, achievement: Achievement) -> None:
        self.session.add(achievement)

    async def get(self, achievement_id: int) -> Achievement | None:
        return await self.session.get(Achievement, achievement_id, populate_existing=True)

    async def replace_directions(self, achievement_id: int, codes: Sequence[str]) -> None:
        await self.session.execute(
            sa.delete(achievement_directions).where(
                achievement_directions.c.achievement_id == achievement_id
            )
        )
        for code in codes:
            self.session.add(AchievementDirection(achievement_id, code))

    def add_evidence(self, item: Evidence) -> None:
        self.session.add(item)

    async def evidence_count(self, achievement_id: int) -> int:
        value = await self.session.scalar(
            sa.select(sa.func.count()).where(
                evidence.c.achievement_id == achievement_id, evidence.c.deleted_at.is_(None)
            )
        )
        return int(value or 0)

    async def get_evidence(self, evidence_id: int) -> Evidence | None:
        return await self.session.get(Evidence, evidence_id)

    def add_transition(self, transition: AchievementTransition) -> None:
        self.session.add(transition)

    async def move(
        self,
        achievement_id: int,
        *,
        expected_version: int,
        expected_status: AchievementStatus,
        values: dict[str, object],
    ) -> bool:
        """One conditional UPDATE: on PostgreSQL the loser waits for the winner's
        row lock and then sees the new version; on SQLite writers queue. Either way
        exactly one of two concurrent moves matches."""
        result = await self.session.execute(
            sa.update(achievements)
            .where(
                achievements.c.id == achievement_id,
                achievements.c.version == expected_version,
                achievements.c.status == expected_status,
            )
            .values(**values, version=achievements.c.version + 1)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def result_id_for(self, participant_id: int, event_id: int) -> int | None:
        value = await self.session.scalar(
            sa.select(results.c.id).where(
                results.c.participant_id == participant_id, results.c.event_id == event_id
            )
        )
        return int(value) if value is not None else None
