"""The stored form of an entry's explanation: every contribution of one entry in one
text value (`rating_explanations.items`), in explanation order.

A full recompute of a season stores some six million contributions. As one row each
(18 columns and an index) that write alone took over a minute of PostgreSQL's time;
as one value per entry it is a tenth of the rows and about a quarter of the time. Nothing queries
a single contribution: they are read per entry (the explanation, and the incremental
repricing of a participant's stored items), so nothing is lost by packing them.

Format: items separated by `;`, fields by `,`, an empty field is NULL. No field can
hold either separator (ids, codes, decimals). Names are written as one-letter codes
(`LEVELS`, `STATUSES`, `COMPLETIONS`, `BASES_SHORT`, `REASONS`) and decimals without
trailing zeros (`number`): an explanation is ~700 bytes, a third less than with the
names and padded decimals, and its write was most of a full recompute's WAL
(docs/decisions.md). `decode` reads both forms — a name is never one letter — and
gives the same contributions from either: factors to four places, points to two.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from domain.rating_engine.item_columns import BASES
from domain.rating_engine.items import PricedItem, points_decimal, shown_decimal
from domain.rating_engine.result_columns import COMPLETION_NAMES, STATUS_NAMES
from domain.rating_engine.selection import REASON_CODES, Selection
from domain.rating_engine.selection_columns import SelectionColumns
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


LEVELS = {"INTERNATIONAL": "I", "FEDERAL": "F", "REGIONAL": "R", "MUNICIPAL": "M", "SCHOOL": "S"}
STATUSES = {"WINNER": "W", "PRIZE_WINNER": "P", "FINALIST": "F", "PARTICIPANT": "A"}
COMPLETIONS = {"COMPLETED": "C", "DISTINCTION": "D"}
BASES_SHORT = {"PLACE": "P", "SCORE": "S", "STATUS": "T", "COMPLETION": "C"}
REASONS = {"SAME_EVENT": "E", "SAME_SERIES": "S", "BEYOND_BEST_N": "N"}
"""The stored letter of each name (a name not listed is stored as it is)."""
_NAMES = {
    field: {code: name for name, code in codes.items()}
    for field, codes in (
        ("level", LEVELS),
        ("status", STATUSES),
        ("completion", COMPLETIONS),
        ("basis", BASES_SHORT),
        ("reason", REASONS),
    )
}


def short(codes: dict[str, str], value: object) -> str:
    """The stored form of a name (`""` for None)."""
    text = _text(value)
    return codes.get(text, text)


def number(value: object) -> str:
    """A decimal without trailing zeros (`1.0000` → `1`, `0.5000` → `0.5`)."""
    text = str(value)
    if "." in text and "E" not in text.upper():
        text = text.rstrip("0").rstrip(".")
    return text


ShownParts = tuple[str, str, str, str]
ShownMemo = dict[int, tuple[object, ShownParts]]
"""Formatted event sides by `id(EventShown)` (with the object, so a reused id is seen)."""


def _shown_parts(item: PricedItem) -> ShownParts:
    shown = item.shown
    return (
        f"{short(LEVELS, shown.level)},",
        f",{shown.field_size},",
        f"{number(shown.level_weight)},",
        f"{number(shown.field_factor)},{number(shown.relevance)},",
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
            f"{short(STATUSES, item.status)},{short(COMPLETIONS, item.completion)},"
            f"{short(BASES_SHORT, item.basis)},{weight}"
            f"{number(item.result_factor)},{factors}{number(item.points)},"
            f"{short(REASONS, reason)}"
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


def _name(field: str, value: str) -> str | None:
    return _NAMES[field].get(value, value) or None


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
                level=_name("level", level) or "",
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
                status=_name("status", status),
                completion=_name("completion", completion),
                basis=_name("basis", basis),
                reason=_name("reason", reason),
            )
        )
    return found


def _ranges(starts: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The concatenated ranges start … start + count − 1."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    steps = np.ones(total, dtype=np.int64)
    heads = np.cumsum(counts)[:-1]
    steps[0] = starts[0]
    steps[heads] = starts[1:] - (starts[:-1] + counts[:-1] - 1)
    return np.cumsum(steps)


def encode_columns(chosen: SelectionColumns) -> Iterator[tuple[int, str]]:
    """`encode` of every selection the columns hold (the full recompute's write),
    character for character the same text, without building an item object."""
    items = chosen.item_columns
    shown = [
        (f"{short(LEVELS, s.level)},", f",{s.field_size},", f"{number(s.level_weight)},",
         f"{number(s.field_factor)},{number(s.relevance)},")
        for s in items.shown_table
    ]  # fmt: skip
    statuses = [short(STATUSES, name) for name in STATUS_NAMES]
    completions = [short(COMPLETIONS, name) for name in COMPLETION_NAMES]
    bases = [short(BASES_SHORT, b) for b in BASES]
    reasons = {code: short(REASONS, reason) for reason, code in REASON_CODES.items()}
    factors: dict[int, str] = {}
    points: dict[int, str] = {}
    positions = chosen.positions()
    counts = chosen.counts[positions]
    at = _ranges(chosen.starts[positions], counts)
    columns = [
        getattr(items, name)[at].tolist()
        for name in ("event", "result_id", "achievement_id", "place", "ties", "status",
                     "completion", "basis", "factor", "cents", "shown")
    ]  # fmt: skip
    columns.append(chosen.reasons[at].tolist())
    rows = zip(*columns, strict=True)
    for pid, count in zip(chosen.participants[positions].tolist(), counts.tolist(), strict=True):
        parts = []
        for _ in range(count):
            ev, rid, aid, place, ties, st, co, ba, fa, ce, sh, re = next(rows)
            level, size, weight, tail = shown[sh]
            factor = factors.get(fa)
            if factor is None:
                factor = factors[fa] = number(shown_decimal(fa))
            point = points.get(ce)
            if point is None:
                point = points[ce] = number(points_decimal(ce))
            parts.append(
                f"{ev or ''},{rid or ''},{aid or ''},{level}{place or ''},{ties or ''}{size}"
                f"{statuses[st]},{completions[co]},{bases[ba]},{weight}{factor},{tail}"
                f"{point},{reasons[re]}"
            )
        yield pid, ";".join(parts)
