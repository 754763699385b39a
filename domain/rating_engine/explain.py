"""What an entry's explanation adds to its contributions: the percentile among
ranked participants and the distance to the next tier."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from domain.rating_engine.pricing import percentile
from domain.rating_engine.standings import TierRules
from domain.ratings import Tier

NEXT_TIER: dict[Tier, Tier | None] = {
    Tier.NONE: Tier.PRIZE_WINNER,
    Tier.PRIZE_WINNER: Tier.WINNER,
    Tier.WINNER: None,
}


def standing_percentile(rank: int, ties: int, ranked: int) -> Decimal:
    """Percentile among ranked participants, with the same rule as places in an
    event: (N − rank)/(N − 1), equal scores sharing the mean of their positions."""
    return percentile(rank, ties, ranked)


@dataclass(frozen=True)
class TierDistance:
    tier: Tier
    """The next tier up."""
    points_needed: int
    """Cents to add (with everyone else unchanged) to reach it."""


def distance_to_next_tier(
    score: int,
    tier: Tier,
    *,
    rank: int,
    ranked: int,
    is_ranked: bool,
    tiers: TierRules,
    score_at: Callable[[int], int | None],
) -> TierDistance | None:
    """Points to move above whoever holds the last place of the next tier now
    (and at least to the minimum score); None at the top, or when the field is too
    small for that tier to hold anyone.

    `rank` is the participant's rank (or the rank it would have, unranked);
    `score_at(position)` gives the score at an ordinal position among the ranked
    participants (1 = best); for a ranked participant that list includes itself,
    so the boundary among the others is one position further down.
    """
    target = NEXT_TIER[tier]
    if target is None:
        return None
    field_size = ranked if is_ranked else ranked + 1
    quota = tiers.quotas(field_size)[0 if target is Tier.WINNER else 1]
    if quota == 0:
        return None
    above = rank - 1  # participants with a higher score
    position = quota + 1 if is_ranked and quota > above else quota
    boundary = score_at(position)
    needed = tiers.min_cents - score
    if boundary is not None:
        needed = max(needed, boundary + 1 - score)
    return TierDistance(target, max(needed, 1))
