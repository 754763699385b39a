"""From priced items to a participant's score (rating.md, "From results to a standing").

Each series (an event, or an olympiad with its stages) counts once — its best-priced
item, whether an imported result or an approved achievement — and the score is
the sum of the best N of those (N is a rule), so breadth counts but farming
small events does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from operator import attrgetter

from domain.rating_engine.fingerprint import ENTRY_SEED, digest_text, entry_value, fold, fold_all
from domain.rating_engine.items import PricedItem


class NotCounted(StrEnum):
    """Why an item does not add to the score; shown in the explanation."""

    SAME_EVENT = "SAME_EVENT"
    """A better item for the same event counts (a result and an achievement)."""
    SAME_SERIES = "SAME_SERIES"
    """A better-priced stage of the same series counts."""
    BEYOND_BEST_N = "BEYOND_BEST_N"
    """Not among the best N."""


@dataclass(slots=True)
class Contribution:
    item: PricedItem
    counted: bool
    reason: NotCounted | None = None


REASON_CODES: dict[NotCounted | None, int] = {
    None: 0,
    **{reason: n for n, reason in enumerate(NotCounted, start=1)},
}


@dataclass(frozen=True)
class Selection:
    """Items in explanation order — counted ones first (best first), then the rest
    (best first) — with why each is not counted (None: counted)."""

    score: Decimal
    items: tuple[PricedItem, ...]
    reasons: tuple[NotCounted | None, ...]

    @property
    def contributions(self) -> tuple[Contribution, ...]:
        return tuple(
            Contribution(item, reason is None, reason)
            for item, reason in zip(self.items, self.reasons, strict=True)
        )

    def digest(self, rules_version: int) -> str:
        """A fingerprint of everything the explanation shows: equal digests mean
        the stored contributions need no rewrite (see `item_key`; the full recompute
        computes the same fold over columns in `selection_columns`)."""
        return digest_text(
            fold_all(
                fold(ENTRY_SEED, rules_version),
                tuple(
                    entry_value(item.key, REASON_CODES[reason])
                    for item, reason in zip(self.items, self.reasons, strict=True)
                ),
            )
        )


_ORDER = attrgetter("order")


def select(items: Iterable[PricedItem], best_n: int) -> Selection:
    winners: dict[int, PricedItem] = {}
    losers: list[tuple[PricedItem, NotCounted]] = []
    for item in sorted(items, key=_ORDER):  # best first
        series = item.series_id
        group = series if series is not None else -(item.achievement_id or 0)
        best = winners.get(group)
        if best is None:
            winners[group] = item
        elif best.event_id == item.event_id:
            losers.append((item, NotCounted.SAME_EVENT))
        else:
            losers.append((item, NotCounted.SAME_SERIES))
    chosen = list(winners.values())  # dict keeps the best-first order
    counted = chosen[:best_n]
    rest: list[tuple[PricedItem, NotCounted]] = [
        (item, NotCounted.BEYOND_BEST_N) for item in chosen[best_n:]
    ]
    if losers:
        rest.extend(losers)
        rest.sort(key=lambda pair: pair[0].order)
    score = Decimal(sum(item.cents for item in counted)).scaleb(-2)
    return Selection(
        score,
        tuple(counted) + tuple(item for item, _ in rest),
        (None,) * len(counted) + tuple(reason for _, reason in rest),
    )
