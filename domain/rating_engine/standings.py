"""Ranks, tiers and the incremental board (rating.md, "From results to a standing").

Scores are handled as whole cents (points have two decimals), so sorting and
comparing are exact. Rank is the competition ranking (1, 2, 2, 4). A tier takes
a group of equal scores whole or not at all: a group is WINNER when its last
position is within the top `floor(N × winner_share)` and its score reaches the
minimum; PRIZE_WINNER likewise within `floor(N × (winner_share +
prize_winner_share))`. Groups that would straddle a boundary fall below it, so a
tier never holds more than its share.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from domain.rating_engine.rules import RatingRulesDoc
from domain.ratings import Tier

_LOW = -1
_HIGH = 1 << 62


@dataclass(frozen=True)
class TierRules:
    winner_share: Decimal
    prize_winner_share: Decimal
    min_cents: int

    @classmethod
    def of(cls, rules: RatingRulesDoc) -> TierRules:
        return cls(rules.winner_share, rules.prize_winner_share, int(rules.min_score * 100))

    def quotas(self, ranked: int) -> tuple[int, int]:
        """Last positions that WINNER and PRIZE_WINNER (cumulative) may reach."""
        winners = int((self.winner_share * ranked).to_integral_value(rounding=ROUND_FLOOR))
        both = (self.winner_share + self.prize_winner_share) * ranked
        return winners, int(both.to_integral_value(rounding=ROUND_FLOOR))

    def tier(self, score: int, last_position: int, quotas: tuple[int, int]) -> Tier:
        if score < self.min_cents:
            return Tier.NONE
        if last_position <= quotas[0]:
            return Tier.WINNER
        if last_position <= quotas[1]:
            return Tier.PRIZE_WINNER
        return Tier.NONE


@dataclass(frozen=True, slots=True)
class Standing:
    score: int
    """Cents."""
    rank: int
    tier: Tier


def rank_all(scores: Mapping[int, int], tiers: TierRules) -> dict[int, Standing]:
    """Standings of every ranked participant from scratch (the full recompute)."""
    ordered = sorted(scores.items(), key=lambda item: -item[1])
    count = len(ordered)
    quotas = tiers.quotas(count)
    result: dict[int, Standing] = {}
    start = 0
    while start < count:
        score = ordered[start][1]
        end = start
        while end < count and ordered[end][1] == score:
            end += 1
        tier = tiers.tier(score, end, quotas)
        for participant_id, _ in ordered[start:end]:
            result[participant_id] = Standing(score, start + 1, tier)
        start = end
    return result


@dataclass(frozen=True, slots=True)
class StandingChange:
    participant_id: int
    old: Standing | None
    new: Standing | None


class Board:
    """The ranked scores of one season × direction, kept sorted so that a change
    of a few scores yields exactly the standings it moves, without re-ranking
    everyone: only participants whose score lies between the old and new scores
    of the changed ones (everyone below, when someone enters or leaves), and the
    groups at a tier boundary when the number of ranked participants changes.
    `Board.apply` equals the difference of two `rank_all` runs (a property test
    holds it to that)."""

    def __init__(self, scores: Mapping[int, int], tiers: TierRules) -> None:
        self.tiers = tiers
        self._score: dict[int, int] = dict(scores)
        self._keys: list[tuple[int, int]] = sorted((s, p) for p, s in self._score.items())

    def __len__(self) -> int:
        return len(self._keys)

    def score_of(self, participant_id: int) -> int | None:
        return self._score.get(participant_id)

    def scores(self) -> dict[int, int]:
        return dict(self._score)

    def _group(self, score: int) -> tuple[int, int]:
        """Index range [lo, hi) of the group holding `score` (ascending order)."""
        return bisect_left(self._keys, (score, _LOW)), bisect_right(self._keys, (score, _HIGH))

    def standing(self, participant_id: int) -> Standing | None:
        score = self._score.get(participant_id)
        if score is None:
            return None
        return self._standing(score, self.tiers.quotas(len(self._keys)))

    def _standing(self, score: int, quotas: tuple[int, int]) -> Standing:
        count = len(self._keys)
        lo, hi = self._group(score)
        return Standing(score, count - hi + 1, self.tiers.tier(score, count - lo, quotas))

    def rank_of_score(self, score: int) -> int:
        """The rank a score would have (unranked until verified): 1 + those above."""
        return len(self._keys) - bisect_right(self._keys, (score, _HIGH)) + 1

    def score_at(self, position: int) -> int | None:
        """The score at an ordinal position (1 = best), or None past the end."""
        if not 1 <= position <= len(self._keys):
            return None
        return self._keys[len(self._keys) - position][0]

    def _candidates(self, changed: Mapping[int, int | None]) -> set[int]:
        values: list[int] = []
        entering_or_leaving = False
        for participant_id, new in changed.items():
            old = self._score.get(participant_id)
            if old is None or new is None:
                entering_or_leaving = True
            values.extend(v for v in (old, new) if v is not None)
        high = max(values)
        low = _LOW if entering_or_leaving else min(values)
        start = bisect_left(self._keys, (low, _LOW))
        stop = bisect_right(self._keys, (high, _HIGH))
        found = {p for _, p in self._keys[start:stop]}
        count = len(self._keys)
        new_count = count + sum(
            (new is not None) - (participant_id in self._score)
            for participant_id, new in changed.items()
        )
        if new_count != count:
            for before, after in zip(
                self.tiers.quotas(count), self.tiers.quotas(new_count), strict=True
            ):
                # groups whose last position lies between the old and new quota
                for position in range(min(before, after) + 1, max(before, after) + 1):
                    score = self.score_at(position)
                    if score is not None:
                        lo, hi = self._group(score)
                        found.update(p for _, p in self._keys[lo:hi])
        return found

    def apply(self, changes: Mapping[int, int | None]) -> list[StandingChange]:
        """Set new scores (None = no longer ranked) and return every standing that
        changed, in participant order."""
        changed = {p: s for p, s in changes.items() if self._score.get(p) != s}
        if not changed:
            return []
        watch = self._candidates(changed) | set(changed)
        quotas = self.tiers.quotas(len(self._keys))
        before = {p: self._standing(self._score[p], quotas) for p in watch if p in self._score}
        for participant_id, new in changed.items():
            old = self._score.pop(participant_id, None)
            if old is not None:
                del self._keys[bisect_left(self._keys, (old, participant_id))]
            if new is not None:
                self._score[participant_id] = new
                insort(self._keys, (new, participant_id))
        quotas = self.tiers.quotas(len(self._keys))
        result = []
        for participant_id in sorted(watch):
            old_standing = before.get(participant_id)
            score = self._score.get(participant_id)
            new_standing = None if score is None else self._standing(score, quotas)
            if old_standing != new_standing:
                result.append(StandingChange(participant_id, old_standing, new_standing))
        return result


def diff(
    old: Mapping[int, Standing], new: Mapping[int, Standing], among: Iterable[int] | None = None
) -> list[StandingChange]:
    """Changes between two complete standings (what the full recompute records)."""
    keys = set(old) | set(new) if among is None else set(among)
    return [
        StandingChange(p, old.get(p), new.get(p)) for p in sorted(keys) if old.get(p) != new.get(p)
    ]
