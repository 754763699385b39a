"""Priced items and their order: what selection sorts and the explanation shows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.rating_engine.fingerprint import ITEM_SEED, fold_all
from domain.rating_engine.pricing import Basis, EventShown

ORDER_SPAN = 1 << 41
"""Record ids stay below this (2.2 × 10^12) in the packed sort order."""
MAX_CENTS = 1 << 40


def order_of(cents_value: int, is_result: bool, record: int) -> int:
    """One integer that sorts items best first: more points, then a result before an
    achievement, then the older record — deterministic, so ties never flip."""
    return (((MAX_CENTS - cents_value) << 1 | (0 if is_result else 1)) * ORDER_SPAN) + record


LEVEL_CODES: dict[str, int] = {
    v: n for n, v in enumerate(("INTERNATIONAL", "FEDERAL", "REGIONAL", "MUNICIPAL", "SCHOOL"))
}
STATUS_CODES: dict[str | None, int] = {
    None: 0,
    **{v: n for n, v in enumerate(("WINNER", "PRIZE_WINNER", "FINALIST", "PARTICIPANT"), 1)},
}
COMPLETION_CODES: dict[str | None, int] = {None: 0, "COMPLETED": 1, "DISTINCTION": 2}
BASIS_CODES: dict[Basis, int] = {b: n for n, b in enumerate(Basis)}


def item_key(
    result_id: int | None,
    achievement_id: int | None,
    event_id: int | None,
    place: int | None,
    ties: int | None,
    cents_value: int,
    shown: EventShown,
    status: str | None,
    completion: str | None,
    basis: Basis,
) -> int:
    """A fingerprint of everything an item's explanation shows (under one rules
    version), as `fingerprint.fold_all` over non-negative integers, so the full
    recompute's numpy form (`item_columns.item_keys`) gives the same number."""
    codes = item_codes(LEVEL_CODES.get(shown.level, 9), STATUS_CODES.get(status, 9),
                       COMPLETION_CODES.get(completion, 3), BASIS_CODES[basis])  # fmt: skip
    record = result_id * 2 if result_id else (achievement_id or 0) * 2 + 1
    return fold_all(
        ITEM_SEED,
        (record, event_id or 0, place or 0, ties or 0, shown.field_size, cents_value, codes),
    )


def item_codes(level: int, status: int, completion: int, basis: int) -> int:
    return ((level * 16 + status) * 4 + completion) * 8 + basis


@dataclass(slots=True)
class PricedItem:
    """One priced result or approved achievement, with every factor shown. (Not
    frozen: a frozen dataclass costs a microsecond more to build, times millions.)"""

    participant_id: int
    result_id: int | None
    achievement_id: int | None
    event_id: int | None
    series_id: int | None
    """The series root (a stage's parent, or the event itself): one item counts per
    series. None for an achievement that names no catalog event."""
    place: int | None
    ties: int | None
    status: str | None
    completion: str | None
    basis: Basis
    factor: int
    """The result factor shown, in ten-thousandths."""
    cents: int
    order: int
    """`order_of(...)`: ascending = best first."""
    shown: EventShown
    """Level, N, level weight, field factor, relevance: shared by the event's items."""
    key: int
    """`item_key(...)`: what the entry's digest is made of."""

    @property
    def is_result(self) -> bool:
        return self.result_id is not None

    @property
    def result_factor(self) -> Decimal:
        return shown_decimal(self.factor)

    @property
    def points(self) -> Decimal:
        return points_decimal(self.cents)

    @property
    def level(self) -> str:
        return self.shown.level

    @property
    def field_size(self) -> int:
        return self.shown.field_size

    @property
    def level_weight(self) -> Decimal:
        return self.shown.level_weight

    @property
    def field_factor(self) -> Decimal:
        return self.shown.field_factor

    @property
    def relevance(self) -> Decimal:
        return self.shown.relevance


def make_item(
    participant_id: int,
    result_id: int | None,
    achievement_id: int | None,
    event_id: int | None,
    series_id: int | None,
    place: int | None,
    ties: int | None,
    status: str | None,
    completion: str | None,
    basis: Basis,
    factor: int,
    cents_value: int,
    shown: EventShown,
) -> PricedItem:
    """A priced item with its order and key derived (the one constructor to use)."""
    return PricedItem(
        participant_id,
        result_id,
        achievement_id,
        event_id,
        series_id,
        place,
        ties,
        status,
        completion,
        basis,
        factor,
        cents_value,
        order_of(cents_value, result_id is not None, result_id or achievement_id or 0),
        shown,
        item_key(
            result_id,
            achievement_id,
            event_id,
            place,
            ties,
            cents_value,
            shown,
            status,
            completion,
            basis,
        ),
    )


_POINTS: dict[int, Decimal] = {}
_SHOWN: dict[int, Decimal] = {}


def points_decimal(cents_value: int) -> Decimal:
    """The Decimal of a cents value, shared: millions of items hold few distinct values."""
    found = _POINTS.get(cents_value)
    if found is None:
        found = Decimal(cents_value).scaleb(-2)
        if len(_POINTS) < 1_000_000:
            _POINTS[cents_value] = found
    return found


def shown_decimal(ten_thousandths: int) -> Decimal:
    found = _SHOWN.get(ten_thousandths)
    if found is None:
        found = _SHOWN[ten_thousandths] = Decimal(ten_thousandths).scaleb(-4)
    return found
