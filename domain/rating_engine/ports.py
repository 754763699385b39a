"""What the rating use cases need from storage, as protocols and plain records.

One `RatingStore` is one transaction; `persistence.rating_store` implements it
for PostgreSQL (COPY for bulk writes) and SQLite.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

if TYPE_CHECKING:
    from domain.rating_engine.entry_columns import EntryColumns
from domain.rating_engine.inputs import AchievementInput, EventInfo, Exclusions, ResultInput
from domain.rating_engine.items import PricedItem
from domain.rating_engine.pricing import EventField
from domain.rating_engine.result_columns import ResultColumns
from domain.rating_engine.rules import RatingRulesDoc
from domain.rating_engine.selection import Selection
from domain.rating_engine.standings import Standing, StandingChange
from domain.ratings import Diploma, Tier


@dataclass(frozen=True)
class BoardState:
    season_code: str
    direction_code: str
    rules_version: int
    version: int
    ranked_count: int
    entry_count: int
    head_cursor: int | None = None
    frozen: bool = False
    is_new: bool = False


@dataclass(frozen=True, slots=True)
class StoredEntry:
    participant_id: int
    score: int
    """Cents."""
    ranked: bool
    rank: int | None
    tier: Tier
    digest: str | None


@dataclass(frozen=True, slots=True)
class Eligibility:
    """`PROCESSING` in force gives an entry; a verified identity ranks it."""

    verified: bool


@dataclass(frozen=True, slots=True)
class EntryWrite:
    participant_id: int
    score: int
    ranked: bool
    standing: Standing | None
    digest: str


@dataclass
class BoardWrite:
    """Everything one recomputation of a board changes, written in its transaction."""

    board: BoardState
    rules_version: int
    batch_id: str
    now: datetime
    entries: list[EntryWrite] = field(default_factory=list)
    """Entries whose row changes (new, points, ranked, rank, tier or digest)."""
    contributions: Mapping[int, Selection] = field(default_factory=dict)
    """Participants whose contributions are rewritten."""
    deletes: list[int] = field(default_factory=list)
    events: list[StandingChange] = field(default_factory=list)
    ranked_count: int = 0
    entry_count: int = 0


@dataclass(frozen=True)
class WriteOutcome:
    season_code: str
    direction_code: str
    batch_id: str | None
    changes: int
    head_cursor: int | None
    version: int


class RatingStore(Protocol):
    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def lock_board(self, season: str, direction: str, rules_version: int) -> BoardState:
        """Lock the board row for this transaction (creating it with `rules_version`
        if new): every writer of a board goes one at a time, so its event cursors
        commit in order."""
        ...

    async def rules(self, version: int | None = None) -> RatingRulesDoc:
        """A published version, or the latest one."""
        ...

    async def exclusions(self, season: str) -> Exclusions: ...

    async def open_seasons(self) -> list[str]:
        """Seasons not closed: the ones whose boards still change."""
        ...

    async def direction_codes(self) -> list[str]: ...

    async def events(
        self, *, season: str | None = None, ids: Collection[int] | None = None
    ) -> dict[int, EventInfo]: ...

    async def fields(
        self, *, season: str | None = None, event_ids: Collection[int] | None = None
    ) -> dict[int, EventField]:
        """Every event's field (N, shared places, score places) from its results."""
        ...

    async def season_result_columns(
        self, season: str, directions: Collection[str]
    ) -> ResultColumns:
        """Every result of the season's countable events in these directions, as
        columns (PostgreSQL: one binary COPY)."""
        ...

    async def results(
        self,
        *,
        season: str,
        event_ids: Collection[int] | None = None,
        participant_ids: Collection[int] | None = None,
    ) -> list[ResultInput]: ...

    async def achievements(
        self,
        *,
        season: str,
        participant_ids: Collection[int] | None = None,
        event_ids: Collection[int] | None = None,
    ) -> list[AchievementInput]:
        """Approved achievements that may count in the season (their own season, or
        the season of the event they are linked to)."""
        ...

    async def achievement_boards(
        self, ids: Collection[int]
    ) -> dict[int, tuple[int, set[tuple[str, str]]]]:
        """Achievement id → (participant, the boards it can count on)."""
        ...

    async def participant_boards(
        self, participant_ids: Collection[int], seasons: Collection[str]
    ) -> dict[int, set[tuple[str, str]]]:
        """Each participant's (season, direction) of its results, approved achievements
        and entries, among these seasons (participants on none are left out)."""
        ...

    async def event_participants(self, event_ids: Collection[int]) -> set[int]:
        """Participants with a result in these events or an achievement linked to
        them, whatever the event's season or status now."""
        ...

    async def eligibility(
        self, participant_ids: Collection[int] | None, now: datetime
    ) -> dict[int, Eligibility]:
        """Participants with `PROCESSING` in force (all of them when None)."""
        ...

    async def board_entry_columns(self, season: str, direction: str) -> EntryColumns:
        """Every stored entry of the board, as columns (the full recompute compares)."""
        ...

    async def entries(
        self, season: str, direction: str, participant_ids: Collection[int]
    ) -> dict[int, StoredEntry]: ...

    async def ranked_scores(self, season: str, direction: str) -> dict[int, int]: ...

    async def stored_items(
        self, season: str, direction: str, participant_ids: Collection[int]
    ) -> dict[int, list[PricedItem]]:
        """The priced items kept as contributions (counted or not)."""
        ...

    async def write(self, change: BoardWrite) -> WriteOutcome: ...

    async def freeze_season(self, season: str, now: datetime) -> list[BoardState]: ...

    async def issue_diplomas(self, season: str, now: datetime) -> int: ...

    async def diploma(self, number: str) -> Diploma | None: ...

    async def revoke_diploma(
        self, number: str, account_id: int, reason: str, now: datetime
    ) -> Diploma | None: ...

    async def latest_rules_version(self) -> int: ...

    async def publish_rules(
        self, document: dict[str, Any], account_id: int | None, now: datetime
    ) -> None: ...


class RatingStores(Protocol):
    def __call__(self) -> RatingStore: ...


BoardScores = Mapping[int, int]
