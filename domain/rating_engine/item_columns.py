"""Pricing a whole board at once (the full recompute): priced items as columns.

The arithmetic is the one `pricing.quote` does for one result, taken apart: what an
event shares for a direction (`EventTerms`: its field, weight, thresholds and fixed
factors) is computed once per event in Python, and each result then needs only a
handful of integer operations, done for millions at once with numpy:

- the place numerator and the shown factor are exact int64 arithmetic (events whose
  terms would not fit in 53 bits are priced row by row with `quote`);
- the points are `round_half_up(100 · weight · top / f_den)`, computed in float64
  (relative error ~1e-15 on values below 10⁴) and recomputed exactly with Python
  integers wherever the float lands within 1e-6 of a half cent, so every cent equals
  the exact path's (a property test compares them).

Approved achievements are few and are priced one by one with the same `Pricer`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from domain.rating_engine.fingerprint import ITEM_SEED, U64, fold_columns
from domain.rating_engine.inputs import (
    AchievementInput,
    EventInfo,
    Exclusions,
    Pricer,
)
from domain.rating_engine.items import (
    BASIS_CODES,
    COMPLETION_CODES,
    LEVEL_CODES,
    STATUS_CODES,
    PricedItem,
    item_codes,
)
from domain.rating_engine.pricing import Basis, EventShown, EventTerms, quote
from domain.rating_engine.result_columns import (
    COMPLETION_NAMES,
    STATUS_NAMES,
    Fields,
    ResultColumns,
)

I64 = npt.NDArray[np.int64]
SAFE = 1 << 48
"""Terms below this stay exact in int64 (×20000) and in float64."""
HALF_CENT_MARGIN = 1e-6
_STATUSES = len(STATUS_NAMES)
_COMPLETIONS = len(COMPLETION_NAMES)
_PLACE, _SCORE = BASIS_CODES[Basis.PLACE], BASIS_CODES[Basis.SCORE]
BASES: tuple[Basis, ...] = tuple(sorted(BASIS_CODES, key=lambda b: BASIS_CODES[b]))


@dataclass
class ItemColumns:
    """Priced items as columns; 0 stands for "none" in the id, place and code columns."""

    participant: I64
    result_id: I64
    achievement_id: I64
    event: I64
    group: I64
    """The series (a stage's parent, or the event), or −(achievement id) for an
    achievement that names no event: one item counts per group."""
    place: I64
    ties: I64
    status: I64
    completion: I64
    basis: I64
    factor: I64
    """The shown result factor, in ten-thousandths."""
    cents: I64
    shown: I64
    """Index into `shown_table`."""
    shown_table: list[EventShown]

    def __len__(self) -> int:
        return len(self.participant)

    def take(self, index: I64) -> ItemColumns:
        taken: dict[str, Any] = {
            f.name: getattr(self, f.name)[index] for f in fields(self) if f.name != "shown_table"
        }
        return ItemColumns(**taken, shown_table=self.shown_table)

    def keys(self) -> U64:
        """`items.item_key` of every item, as the same fold over the same integers."""
        levels = np.array([LEVEL_CODES.get(s.level, 9) for s in self.shown_table], np.int64)
        sizes = np.array([s.field_size for s in self.shown_table], dtype=np.int64)
        if not self.shown_table:
            levels = sizes = np.zeros(1, dtype=np.int64)
        record = np.where(self.result_id > 0, self.result_id * 2, self.achievement_id * 2 + 1)
        codes = item_codes(levels[self.shown], self.status, self.completion, self.basis)  # type: ignore[arg-type]
        h = np.full(len(self), ITEM_SEED, dtype=np.uint64)
        for value in (record, self.event, self.place, self.ties, sizes[self.shown], self.cents):
            h = fold_columns(h, value)
        return fold_columns(h, codes)  # type: ignore[arg-type]

    def item(self, i: int) -> PricedItem:
        """One item as the exact path builds it (explanations in tests, small boards)."""
        from domain.rating_engine.items import make_item

        def none(value: Any) -> int | None:
            return int(value) or None

        group = int(self.group[i])
        place = none(self.place[i])
        return make_item(
            int(self.participant[i]),
            none(self.result_id[i]),
            none(self.achievement_id[i]),
            none(self.event[i]),
            group if group > 0 else None,
            place,
            none(self.ties[i]) if place is not None else None,
            STATUS_NAMES[int(self.status[i])],
            COMPLETION_NAMES[int(self.completion[i])],
            BASES[int(self.basis[i])],
            int(self.factor[i]),
            int(self.cents[i]),
            self.shown_table[int(self.shown[i])],
        )


def _column(values: Iterable[int]) -> I64:
    return np.fromiter(values, dtype=np.int64)


@dataclass
class _EventTable:
    """What each event of the columns shares for one direction, indexed by event."""

    ok: npt.NDArray[np.bool_]
    exact: npt.NDArray[np.bool_]
    size: I64
    den: I64
    f_base: I64
    f_step: I64
    f_den: I64
    weight: npt.NDArray[np.float64]
    series: I64
    shown: I64
    threshold: I64
    """[event, status]: the smallest place numerator that beats the status factor."""
    fixed_cents: I64
    """[event, status, completion]: the factors that do not depend on the place."""
    fixed_shown: I64
    fixed_basis: I64
    terms: list[EventTerms | None]


def _event_table(
    pricer: Pricer,
    direction: str,
    event_ids: list[int],
    events: Mapping[int, EventInfo],
    found: Fields,
    shown_index: dict[int, int],
    shown_table: list[EventShown],
) -> _EventTable:
    count = len(event_ids)
    ints = {name: np.zeros(count, dtype=np.int64) for name in
            ("size", "den", "f_base", "f_step", "f_den", "series", "shown")}  # fmt: skip
    table = _EventTable(
        ok=np.zeros(count, dtype=np.bool_),
        exact=np.zeros(count, dtype=np.bool_),
        weight=np.zeros(count, dtype=np.float64),
        threshold=np.zeros((count, _STATUSES), dtype=np.int64),
        fixed_cents=np.zeros((count, _STATUSES, _COMPLETIONS), dtype=np.int64),
        fixed_shown=np.zeros((count, _STATUSES, _COMPLETIONS), dtype=np.int64),
        fixed_basis=np.zeros((count, _STATUSES, _COMPLETIONS), dtype=np.int64),
        terms=[None] * count,
        **ints,
    )
    for i, event_id in enumerate(event_ids):
        event = events.get(event_id)
        event_field = found.by_event.get(event_id)
        if event is None or event_field is None:
            continue
        if not event.countable or direction not in event.relevance:
            continue
        terms = pricer.event_terms(event, direction, event_field.size)
        table.terms[i] = terms
        table.ok[i] = True
        den = max(terms.denominator, 1)
        top = terms.f_base + terms.f_step * den
        table.exact[i] = max(top, terms.f_den) >= SAFE
        if not table.exact[i]:
            table.size[i], table.den[i] = terms.size, terms.denominator
            table.f_base[i], table.f_step[i], table.f_den[i] = (
                terms.f_base,
                terms.f_step,
                terms.f_den,
            )
        table.weight[i] = float(terms.weight)
        table.series[i] = event.series_id
        key = id(terms.shown)
        if key not in shown_index:
            shown_index[key] = len(shown_table)
            shown_table.append(terms.shown)
        table.shown[i] = shown_index[key]
        for s, status in enumerate(STATUS_NAMES):
            if status is None:
                continue
            table.threshold[i, s] = terms.fixed[(status, None)].threshold
            for c, completion in enumerate(COMPLETION_NAMES):
                fixed = terms.fixed[(status, completion)]
                table.fixed_cents[i, s, c] = fixed.cents
                table.fixed_shown[i, s, c] = fixed.shown
                table.fixed_basis[i, s, c] = BASIS_CODES[fixed.basis]
    return table


def price_results_columns(
    pricer: Pricer,
    direction: str,
    events: Mapping[int, EventInfo],
    found: Fields,
    columns: ResultColumns,
    counted: npt.NDArray[np.bool_],
    shown_index: dict[int, int],
    shown_table: list[EventShown],
) -> ItemColumns:
    """Every counted result of a countable event of the direction, priced."""
    event_ids, event_of = np.unique(columns.event, return_inverse=True)
    table = _event_table(
        pricer, direction, event_ids.tolist(), events, found, shown_index, shown_table
    )
    rows = np.nonzero(counted & table.ok[event_of])[0]
    e = event_of[rows]
    place = columns.place[rows].copy()
    ties = found.ties[rows].copy()
    basis_of_place = np.full(len(rows), _PLACE, dtype=np.int64)
    if columns.scores:
        _places_from_scores(columns, found, rows, place, ties, basis_of_place)
    status, completion = columns.status[rows], columns.completion[rows]
    has_place = place > 0
    den = table.den[e]
    num = np.where(den <= 0, 1, np.clip(2 * (table.size[e] - place) - (ties - 1), 0, den))
    place_wins = has_place & (num >= table.threshold[e, status])
    top = table.f_base[e] + table.f_step[e] * num
    f_den = table.f_den[e]
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = 100.0 * table.weight[e] * top / f_den  # inf/nan only for `exact` events
        place_cents = np.floor(raw + 0.5).astype(np.int64)
    place_shown = (20000 * top + f_den) // np.maximum(2 * f_den, 1)
    fixed_at = (e, status, np.where(has_place, 0, completion))
    cents = np.where(place_wins, place_cents, table.fixed_cents[fixed_at])
    factor = np.where(place_wins, place_shown, table.fixed_shown[fixed_at])
    basis = np.where(place_wins, basis_of_place, table.fixed_basis[fixed_at])
    with np.errstate(invalid="ignore"):
        near = place_wins & (np.abs(raw - np.floor(raw) - 0.5) < HALF_CENT_MARGIN)
    for i in np.nonzero(near | table.exact[e])[0].tolist():
        terms = table.terms[int(e[i])]
        assert terms is not None
        p = int(place[i])
        b, shown, value = quote(
            terms,
            STATUS_NAMES[int(status[i])],
            p or None,
            int(ties[i]) or 1,
            COMPLETION_NAMES[int(completion[i])],
            BASES[int(basis_of_place[i])],
        )
        cents[i], factor[i], basis[i] = value, shown, BASIS_CODES[b]
    result_ids = columns.id[rows]
    return ItemColumns(
        participant=columns.participant[rows],
        result_id=result_ids,
        achievement_id=np.zeros(len(rows), dtype=np.int64),
        event=event_ids[e],
        group=table.series[e],
        place=np.where(has_place, place, 0),
        ties=np.where(has_place, ties, 0),
        status=status,
        completion=completion,
        basis=basis,
        factor=factor,
        cents=cents,
        shown=table.shown[e],
        shown_table=shown_table,
    )


def _places_from_scores(
    columns: ResultColumns,
    found: Fields,
    rows: I64,
    place: I64,
    ties: I64,
    basis: I64,
) -> None:
    """Where only a score is known, its place among the event's scores (ties share)."""
    scored = np.nonzero(
        (place == 0) & np.isin(columns.id[rows], np.fromiter(columns.scores, dtype=np.int64))
    )[0]
    for i in scored.tolist():
        row = int(rows[i])
        score = columns.scores[int(columns.id[row])]
        at = found.by_event[int(columns.event[row])].score_places.get(score)
        if at is not None:
            place[i], ties[i] = at
            basis[i] = _SCORE


def price_achievements_columns(
    pricer: Pricer,
    direction: str,
    season: str,
    events: Mapping[int, EventInfo],
    found: Fields,
    achievements: Iterable[AchievementInput],
    eligible: Mapping[int, object],
    exclusions: Exclusions,
    shown_index: dict[int, int],
    shown_table: list[EventShown],
) -> ItemColumns:
    """Approved achievements, priced one by one (`Pricer.achievement`) into columns."""
    priced: list[PricedItem] = []
    for a in achievements:
        if a.participant_id not in eligible or a.id in exclusions.achievement_ids:
            continue
        event = events.get(a.event_id) if a.event_id is not None else None
        if a.event_id is not None and event is None:
            continue
        event_field = found.by_event.get(a.event_id) if a.event_id else None
        item = pricer.achievement(direction, season, a, event, event_field)
        if item is not None:
            priced.append(item)
    for item in priced:
        if id(item.shown) not in shown_index:
            shown_index[id(item.shown)] = len(shown_table)
            shown_table.append(item.shown)
    return ItemColumns(
        participant=_column(i.participant_id for i in priced),
        result_id=np.zeros(len(priced), dtype=np.int64),
        achievement_id=_column(i.achievement_id or 0 for i in priced),
        event=_column(i.event_id or 0 for i in priced),
        group=_column(
            i.series_id if i.series_id is not None else -(i.achievement_id or 0) for i in priced
        ),
        place=np.zeros(len(priced), dtype=np.int64),
        ties=np.zeros(len(priced), dtype=np.int64),
        status=_column(STATUS_CODES.get(i.status, 0) for i in priced),
        completion=_column(COMPLETION_CODES.get(i.completion, 0) for i in priced),
        basis=_column(BASIS_CODES[i.basis] for i in priced),
        factor=_column(i.factor for i in priced),
        cents=_column(i.cents for i in priced),
        shown=_column(shown_index[id(i.shown)] for i in priced),
        shown_table=shown_table,
    )


def concatenate(parts: list[ItemColumns], shown_table: list[EventShown]) -> ItemColumns:
    names = [f.name for f in fields(ItemColumns) if f.name != "shown_table"]
    joined: dict[str, Any] = {
        name: np.concatenate([getattr(p, name) for p in parts]) for name in names
    }
    return ItemColumns(**joined, shown_table=shown_table)
