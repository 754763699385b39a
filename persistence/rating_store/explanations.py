"""The stored form of an entry's explanation: every contribution of one entry in one
text value (`rating_explanations.items`), in explanation order.

A full recompute of a season stores some six million contributions. As one row each
(18 columns and an index) that write alone took over a minute of PostgreSQL's time;
as one value per entry it is a tenth of the rows and about a quarter of the time. Nothing queries
a single contribution: they are read per entry (the explanation, and the incremental
repricing of a participant's stored items), so nothing is lost by packing them.

Format: items separated by `;`, fields by `,`, an empty field is NULL. No field can
hold either separator (ids, codes, decimals).
"""

from __future__ import annotations

from decimal import Decimal

from domain.rating_engine.items import PricedItem
from domain.rating_engine.selection import Selection
from domain.ratings import RatingContribution

FIELDS = (
    "event_id",
    "result_id",
    "achievement_id",
    "level",
    "place",
    "ties",
    "field_size",
    "status",
    "completion",
    "basis",
    "level_weight",
    "result_factor",
    "field_factor",
    "relevance",
    "points",
    "reason",
)


def _text(value: object) -> str:
    return "" if value is None else str(value)


ShownParts = tuple[str, str, str, str]
ShownMemo = dict[int, tuple[object, ShownParts]]
"""Formatted event sides by `id(EventShown)` (with the object, so a reused id is seen)."""


def _shown_parts(item: PricedItem) -> ShownParts:
    shown = item.shown
    return (
        f"{shown.level},",
        f",{shown.field_size},",
        f"{shown.level_weight},",
        f"{shown.field_factor},{shown.relevance},",
    )


def encode(selection: Selection, memo: ShownMemo | None = None) -> str:
    """A selection's items and reasons as stored. `memo` keeps the formatted event side
    across calls: a full recompute shares each `EventShown` among thousands of items."""
    memo = {} if memo is None else memo
    parts = []
    for item, reason in zip(selection.items, selection.reasons, strict=True):
        found = memo.get(id(item.shown))
        if found is None or found[0] is not item.shown:
            found = memo[id(item.shown)] = (item.shown, _shown_parts(item))
        level, size, weight, factors = found[1]
        parts.append(
            f"{_text(item.event_id)},{_text(item.result_id)},{_text(item.achievement_id)},"
            f"{level}{_text(item.place)},{_text(item.ties)}{size}"
            f"{_text(item.status)},{_text(item.completion)},{item.basis},{weight}"
            f"{item.result_factor},{factors}{item.points},{_text(reason)}"
        )
    return ";".join(parts)


FOUR = Decimal("0.0001")
TWO = Decimal("0.01")


def _factor(value: str) -> Decimal:
    """Factors as the old numeric(12, 4) columns gave them (`100.0000`), so the API's
    decimals keep their shape."""
    return Decimal(value).quantize(FOUR)


def _int(value: str) -> int | None:
    return int(value) if value else None


def _str(value: str) -> str | None:
    return value or None


def decode(entry_id: int, text: str) -> list[RatingContribution]:
    """The stored items of one entry, in explanation order."""
    found = []
    for part in text.split(";") if text else ():
        (
            event_id,
            result_id,
            achievement_id,
            level,
            place,
            ties,
            field_size,
            status,
            completion,
            basis,
            level_weight,
            result_factor,
            field_factor,
            relevance,
            points,
            reason,
        ) = part.split(",")
        found.append(
            RatingContribution(
                entry_id=entry_id,
                event_id=_int(event_id),
                level=level,
                level_weight=_factor(level_weight),
                result_factor=_factor(result_factor),
                field_factor=_factor(field_factor),
                relevance=_factor(relevance),
                points=Decimal(points).quantize(TWO),
                counted=not reason,
                result_id=_int(result_id),
                achievement_id=_int(achievement_id),
                place=_int(place),
                ties=_int(ties),
                field_size=_int(field_size),
                status=_str(status),
                completion=_str(completion),
                basis=_str(basis),
                reason=_str(reason),
            )
        )
    return found
