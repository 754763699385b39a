"""An in-memory `RatingStore` for the domain's unit tests (the cosmicpython fake):
the same contract as `persistence.rating_store`, kept as plain dictionaries."""

from __future__ import annotations

import copy
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from domain.rating_engine.entry_columns import EntryColumns
from domain.rating_engine.inputs import (
    NO_EXCLUSIONS,
    AchievementInput,
    EventInfo,
    Exclusions,
    ResultInput,
)
from domain.rating_engine.items import PricedItem
from domain.rating_engine.ports import (
    BoardState,
    BoardWrite,
    Eligibility,
    StoredEntry,
    WriteOutcome,
)
from domain.rating_engine.pricing import EventField, field_of
from domain.rating_engine.result_columns import ResultColumns
from domain.rating_engine.rules import RatingRulesDoc
from domain.ratings import Diploma, Tier


@dataclass
class World:
    """The footprint: what the aggregator, moderators and consents produce."""

    rules: RatingRulesDoc
    seasons: list[str] = field(default_factory=lambda: ["2026/27"])
    directions: list[str] = field(default_factory=lambda: ["ROBOTICS_PROGRAMMING"])
    events: dict[int, EventInfo] = field(default_factory=dict)
    results: dict[tuple[int, int], ResultInput] = field(default_factory=dict)
    achievements: dict[int, AchievementInput] = field(default_factory=dict)
    eligible: dict[int, Eligibility] = field(default_factory=dict)


@dataclass
class Boards:
    """What the engine stores: boards, entries with their items, events."""

    state: dict[tuple[str, str], BoardState] = field(default_factory=dict)
    entries: dict[tuple[str, str], dict[int, StoredEntry]] = field(default_factory=dict)
    items: dict[tuple[str, str], dict[int, list[PricedItem]]] = field(default_factory=dict)
    events: list[tuple[str, str, str, int]] = field(default_factory=list)
    cursor: int = 0


class FakeRatingStore:
    def __init__(self, world: World, boards: Boards) -> None:
        self.world = world
        self.saved = boards
        self.work = copy.deepcopy(boards)

    async def __aenter__(self) -> Self:
        self.work = copy.deepcopy(self.saved)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        self.saved.__dict__.update(copy.deepcopy(self.work).__dict__)

    async def lock_board(self, season: str, direction: str, rules_version: int) -> BoardState:
        key = (season, direction)
        if key not in self.work.state:
            self.work.state[key] = BoardState(
                season, direction, rules_version, 0, 0, 0, is_new=True
            )
            self.work.entries[key] = {}
            self.work.items[key] = {}
        return self.work.state[key]

    async def rules(self, version: int | None = None) -> RatingRulesDoc:
        return self.world.rules

    async def exclusions(self, season: str) -> Exclusions:
        return NO_EXCLUSIONS

    async def open_seasons(self) -> list[str]:
        return list(self.world.seasons)

    async def direction_codes(self) -> list[str]:
        return list(self.world.directions)

    async def events(
        self, *, season: str | None = None, ids: Collection[int] | None = None
    ) -> dict[int, EventInfo]:
        return {
            i: e
            for i, e in self.world.events.items()
            if (season is None or e.season_code == season) and (ids is None or i in ids)
        }

    async def fields(
        self, *, season: str | None = None, event_ids: Collection[int] | None = None
    ) -> dict[int, EventField]:
        wanted = await self.events(season=season, ids=event_ids)
        found: dict[int, EventField] = {}
        for event_id in wanted:
            rows = [
                (r.place, r.score) for r in self.world.results.values() if r.event_id == event_id
            ]
            if rows:
                found[event_id] = field_of(rows)
        return found

    def _season_results(
        self, season: str, directions: Collection[str] | None = None
    ) -> list[ResultInput]:
        return [
            r
            for r in self.world.results.values()
            if self.world.events[r.event_id].season_code == season
            and self.world.events[r.event_id].countable
            and (
                directions is None or set(self.world.events[r.event_id].relevance) & set(directions)
            )
        ]

    async def season_result_columns(
        self, season: str, directions: Collection[str]
    ) -> ResultColumns:
        return ResultColumns.from_inputs(self._season_results(season, directions))

    async def results(
        self,
        *,
        season: str,
        event_ids: Collection[int] | None = None,
        participant_ids: Collection[int] | None = None,
    ) -> list[ResultInput]:
        return [
            r
            for r in self._season_results(season)
            if (event_ids is None or r.event_id in event_ids)
            and (participant_ids is None or r.participant_id in participant_ids)
        ]

    async def achievements(
        self,
        *,
        season: str,
        participant_ids: Collection[int] | None = None,
        event_ids: Collection[int] | None = None,
    ) -> list[AchievementInput]:
        found = []
        for a in self.world.achievements.values():
            event = self.world.events.get(a.event_id) if a.event_id else None
            in_season = event.season_code == season if event else a.season_code == season
            if not in_season:
                continue
            if participant_ids is not None and a.participant_id not in participant_ids:
                continue
            if event_ids is not None and a.event_id not in event_ids:
                continue
            found.append(a)
        return found

    async def achievement_boards(
        self, ids: Collection[int]
    ) -> dict[int, tuple[int, set[tuple[str, str]]]]:
        found: dict[int, tuple[int, set[tuple[str, str]]]] = {}
        for i in ids:
            a = self.world.achievements.get(i)
            if a is None:
                continue
            event = self.world.events.get(a.event_id) if a.event_id else None
            if event is not None:
                boards = {(event.season_code, d) for d in event.relevance}
            else:
                boards = {(a.season_code, d) for d in a.directions}
            found[i] = (a.participant_id, boards)
        return found

    async def participant_boards(
        self, participant_ids: Collection[int], seasons: Collection[str]
    ) -> dict[int, set[tuple[str, str]]]:
        found: dict[int, set[tuple[str, str]]] = {}
        for r in self.world.results.values():
            if r.participant_id in participant_ids:
                event = self.world.events[r.event_id]
                found.setdefault(r.participant_id, set()).update(
                    (event.season_code, d) for d in event.relevance
                )
        for a in self.world.achievements.values():
            if a.participant_id in participant_ids:
                if a.event_id is not None:
                    event = self.world.events[a.event_id]
                    keys = {(event.season_code, d) for d in event.relevance}
                else:
                    keys = {(a.season_code, d) for d in a.directions}
                found.setdefault(a.participant_id, set()).update(keys)
        for key, entries in self.work.entries.items():
            for pid in participant_ids:
                if pid in entries:
                    found.setdefault(pid, set()).add(key)
        return {
            pid: {k for k in keys if k[0] in seasons}
            for pid, keys in found.items()
            if any(k[0] in seasons for k in keys)
        }

    async def event_participants(self, event_ids: Collection[int]) -> set[int]:
        return {
            r.participant_id for r in self.world.results.values() if r.event_id in event_ids
        } | {a.participant_id for a in self.world.achievements.values() if a.event_id in event_ids}

    async def eligibility(
        self, participant_ids: Collection[int] | None, now: datetime
    ) -> dict[int, Eligibility]:
        return {
            p: e
            for p, e in self.world.eligible.items()
            if participant_ids is None or p in participant_ids
        }

    async def board_entry_columns(self, season: str, direction: str) -> EntryColumns:
        return EntryColumns.of(self.work.entries.get((season, direction), {}))

    async def entries(
        self, season: str, direction: str, participant_ids: Collection[int]
    ) -> dict[int, StoredEntry]:
        found = self.work.entries.get((season, direction), {})
        return {p: found[p] for p in participant_ids if p in found}

    async def ranked_scores(self, season: str, direction: str) -> dict[int, int]:
        found = self.work.entries.get((season, direction), {})
        return {p: e.score for p, e in found.items() if e.ranked}

    async def stored_items(
        self, season: str, direction: str, participant_ids: Collection[int]
    ) -> dict[int, list[PricedItem]]:
        found = self.work.items.get((season, direction), {})
        return {p: list(found[p]) for p in participant_ids if p in found}

    async def write(self, change: BoardWrite) -> WriteOutcome:
        key = (change.board.season_code, change.board.direction_code)
        entries, items = self.work.entries[key], self.work.items[key]
        for pid in change.deletes:
            entries.pop(pid, None)
            items.pop(pid, None)
        for row in change.entries:
            standing = row.standing
            entries[row.participant_id] = StoredEntry(
                row.participant_id,
                row.score,
                row.ranked,
                standing.rank if standing else None,
                standing.tier if standing else Tier.NONE,
                row.digest or None,
            )
        for pid, selection in change.contributions.items():
            items[pid] = list(selection.items)
        head = None
        for moved in change.events:
            self.work.cursor += 1
            self.work.events.append((*key, change.batch_id, moved.participant_id))
            head = self.work.cursor
        state = change.board
        version = self.work.state[key].version + 1
        self.work.state[key] = BoardState(
            state.season_code,
            state.direction_code,
            change.rules_version,
            version,
            change.ranked_count,
            change.entry_count,
            head,
            False,
            False,
        )
        return WriteOutcome(
            *key, change.batch_id if head else None, len(change.events), head, version
        )

    async def freeze_season(self, season: str, now: datetime) -> list[BoardState]:
        raise NotImplementedError

    async def issue_diplomas(self, season: str, now: datetime) -> int:
        raise NotImplementedError

    async def diploma(self, number: str) -> Diploma | None:
        raise NotImplementedError

    async def revoke_diploma(
        self, number: str, account_id: int, reason: str, now: datetime
    ) -> Diploma | None:
        raise NotImplementedError

    async def latest_rules_version(self) -> int:
        return self.world.rules.version

    async def publish_rules(
        self, document: dict[str, Any], account_id: int | None, now: datetime
    ) -> None:
        raise NotImplementedError
