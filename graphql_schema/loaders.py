"""Per-request data loaders: one query per type and request, not one per row."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from domain.accounts import Organization
from domain.achievements import Achievement, AchievementTransition, Evidence
from domain.events import Event, EventDirection
from domain.guardians import Guardian
from domain.participants import Participant
from domain.reference import Direction, Region, Season
from domain.results import ImportBatch
from persistence.queries import achievements as achievement_queries
from persistence.queries import events as event_queries
from persistence.queries import imports as import_queries
from persistence.queries import people as people_queries
from persistence.queries import reference as reference_queries

K = TypeVar("K")
V = TypeVar("V")

Reader = Callable[[Callable[[AsyncSession], Awaitable[Any]]], Awaitable[Any]]


def _by_key(
    read: Reader, fetch: Callable[[AsyncSession, Sequence[Any]], Awaitable[dict[Any, Any]]]
) -> Callable[[list[Any]], Awaitable[list[Any]]]:
    async def load(keys: list[Any]) -> list[Any]:
        found = await read(lambda session: fetch(session, keys))
        return [found.get(key) for key in keys]

    return load


class Loaders:
    """Everything a resolver may batch. Reference tables are read whole once."""

    def __init__(self, read: Reader) -> None:
        self._read = read
        self.participant: DataLoader[int, Participant | None] = DataLoader(
            _by_key(read, people_queries.participants_by_ids)
        )
        self.guardian: DataLoader[int, Guardian | None] = DataLoader(
            _by_key(read, people_queries.guardians_by_ids)
        )
        self.organization: DataLoader[int, Organization | None] = DataLoader(
            _by_key(read, people_queries.organizations_by_ids)
        )
        self.event: DataLoader[int, Event | None] = DataLoader(
            _by_key(read, event_queries.events_by_ids)
        )
        self.event_directions: DataLoader[int, list[EventDirection]] = DataLoader(
            _by_key(read, event_queries.directions_of_events)
        )
        self.event_stages: DataLoader[int, list[Event]] = DataLoader(
            _by_key(read, event_queries.stages_of_events)
        )
        # events, imports and achievements (issue 4)
        self.registration_count: DataLoader[int, int] = DataLoader(
            _by_key(read, event_queries.registration_counts)
        )
        self.import_batch: DataLoader[int, ImportBatch | None] = DataLoader(
            _by_key(read, import_queries.batches_by_ids)
        )
        self.achievement: DataLoader[int, Achievement | None] = DataLoader(
            _by_key(read, achievement_queries.achievements_by_ids)
        )
        self.achievement_directions: DataLoader[int, list[str]] = DataLoader(
            _by_key(read, achievement_queries.directions_of)
        )
        self.achievement_evidence: DataLoader[int, list[Evidence]] = DataLoader(
            _by_key(read, achievement_queries.evidence_of)
        )
        self.achievement_history: DataLoader[int, list[AchievementTransition]] = DataLoader(
            _by_key(read, achievement_queries.transitions_of)
        )
        self._regions: dict[str, Region] | None = None
        self._directions: dict[str, Direction] | None = None
        self._seasons: dict[str, Season] | None = None
        self._ward_ids: dict[int, frozenset[int]] = {}
        self._once = asyncio.Lock()
        """Sibling resolvers run concurrently: without it, 100 rows asking for the
        regions at once would read the table 100 times (measured, issue 3)."""

    async def regions(self) -> dict[str, Region]:
        async with self._once:
            if self._regions is None:
                rows = await self._read(reference_queries.regions)
                self._regions = {r.code: r for r in rows}
        return self._regions

    async def directions(self) -> dict[str, Direction]:
        async with self._once:
            if self._directions is None:
                rows = await self._read(reference_queries.directions)
                self._directions = {d.code: d for d in rows}
        return self._directions

    async def seasons(self) -> dict[str, Season]:
        async with self._once:
            if self._seasons is None:
                rows = await self._read(reference_queries.seasons)
                self._seasons = {s.code: s for s in rows}
        return self._seasons

    async def ward_ids(self, guardian_id: int) -> frozenset[int]:
        """A guardian's confirmed wards, read once per request (current data)."""
        async with self._once:
            if guardian_id not in self._ward_ids:
                self._ward_ids[guardian_id] = await self._read(
                    lambda session: people_queries.confirmed_ward_ids(session, guardian_id)
                )
        return self._ward_ids[guardian_id]
