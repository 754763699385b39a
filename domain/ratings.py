"""Rating rules, entries, contributions and the stream of rating events.

Rules are a versioned document (data, not constants); every entry records the
version it was computed with so a recomputation is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Tier(StrEnum):
    WINNER = "WINNER"
    PRIZE_WINNER = "PRIZE_WINNER"
    NONE = "NONE"


class RatingEventKind(StrEnum):
    CHANGE = "CHANGE"
    BATCH_COMPLETE = "BATCH_COMPLETE"


@dataclass(eq=False)
class RatingRules:
    version: int
    document: dict[str, Any]
    published_at: datetime
    published_by_account_id: int | None = None
    id: int | None = None


@dataclass(eq=False)
class RatingEntry:
    season_code: str
    direction_code: str
    participant_id: int
    rules_version: int
    points: Decimal
    ranked: bool
    computed_at: datetime
    rank: int | None = None
    """Competition rank among ranked participants; None while unranked (the rank it
    would have is derived on read, like the percentile)."""
    tier: Tier = Tier.NONE
    contributions_digest: str | None = None
    id: int | None = None


@dataclass(eq=False)
class RatingContribution:
    """One priced result or achievement: every factor, so a point can be traced."""

    entry_id: int
    event_id: int | None
    level: str
    level_weight: Decimal
    result_factor: Decimal
    field_factor: Decimal
    relevance: Decimal
    points: Decimal
    counted: bool
    result_id: int | None = None
    achievement_id: int | None = None
    place: int | None = None
    ties: int | None = None
    field_size: int | None = None
    status: str | None = None
    completion: str | None = None
    basis: str | None = None
    reason: str | None = None
    """Why it does not count (SAME_EVENT, SAME_SERIES, BEYOND_BEST_N); None if counted."""
    id: int | None = None


@dataclass(eq=False)
class RatingEvent:
    """A change of one participant's standing; `cursor` only grows."""

    batch_id: str
    season_code: str
    direction_code: str
    kind: RatingEventKind
    created_at: datetime
    participant_id: int | None = None
    old_points: Decimal | None = None
    new_points: Decimal | None = None
    old_rank: int | None = None
    new_rank: int | None = None
    old_tier: Tier | None = None
    new_tier: Tier | None = None
    cursor: int | None = None


@dataclass(eq=False)
class RatingBoard:
    """One season × direction: the rules version in use and what readers validate
    caches against (`version` grows with every write)."""

    season_code: str
    direction_code: str
    rules_version: int
    version: int
    ranked_count: int
    entry_count: int
    head_cursor: int | None = None
    last_batch_id: str | None = None
    computed_at: datetime | None = None
    frozen_at: datetime | None = None


@dataclass(eq=False)
class Diploma:
    """Issued at season close to winners and prize-winners; revocable."""

    number: str
    season_code: str
    direction_code: str
    participant_id: int
    tier: Tier
    rank: int
    points: Decimal
    ranked_count: int
    rules_version: int
    issued_at: datetime
    revoked_at: datetime | None = None
    revoked_by_account_id: int | None = None
    revocation_reason: str | None = None
    id: int | None = None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
