"""Pricing one result or achievement (rating.md, "Pricing one result").

points = level weight × result factor × field factor × relevance, computed with
28 significant digits and rounded half-up to two decimals once, at the end.
The factors are kept (shown) with four decimals for the explanation; the points
come from the unrounded factors, exactly as the rule says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import StrEnum
from functools import lru_cache

from domain.rating_engine.rules import RatingRulesDoc

PRECISION = Context(prec=28)
CENT = Decimal("0.01")
SHOWN = Decimal("0.0001")
ONE = Decimal(1)
ZERO = Decimal(0)


class Basis(StrEnum):
    """Which factor priced the result (the higher one wins where several apply)."""

    PLACE = "PLACE"
    SCORE = "SCORE"
    """A place derived from the event's scores (only a score was known)."""
    STATUS = "STATUS"
    COMPLETION = "COMPLETION"


@dataclass(frozen=True)
class EventField:
    """The field of one event: what pricing needs to know about everyone else.

    `size` is N: the number of results recorded for the event (never less than the
    highest place given). `place_ties` lists only places shared by several results;
    `score_places` maps each score to its derived place and tie count, used where a
    result has a score but no place.
    """

    size: int
    place_ties: Mapping[int, int] = field(default_factory=dict)
    score_places: Mapping[Decimal, tuple[int, int]] = field(default_factory=dict)

    def ties_at(self, place: int) -> int:
        return self.place_ties.get(place, 1)


def field_of(rows: Iterable[tuple[int | None, Decimal | None]]) -> EventField:
    """Build the field from every result of the event as (place, score)."""
    count = 0
    highest = 0
    places: dict[int, int] = {}
    scores: dict[Decimal, int] = {}
    score_only = False
    for place, score in rows:
        count += 1
        if place is not None:
            places[place] = places.get(place, 0) + 1
            highest = max(highest, place)
        elif score is not None:
            score_only = True
        if score is not None:
            scores[score] = scores.get(score, 0) + 1
    return field_from_counts(count, highest, places, scores if score_only else {})


def field_from_counts(
    count: int,
    highest_place: int | None,
    place_ties: Mapping[int, int],
    score_counts: Mapping[Decimal, int],
) -> EventField:
    """The same field as `field_of`, from counts the database aggregates: the
    number of results, the highest place, places held by several results, and the
    number of results per score (only needed where some result has no place)."""
    score_places: dict[Decimal, tuple[int, int]] = {}
    above = 0
    for score in sorted(score_counts, reverse=True):
        score_places[score] = (above + 1, score_counts[score])
        above += score_counts[score]
    return EventField(
        size=max(count, highest_place or 0),
        place_ties={p: n for p, n in place_ties.items() if n > 1},
        score_places=score_places,
    )


def percentile(place: int, ties: int, size: int) -> Decimal:
    """p = (N − place)/(N − 1); equal places share the mean of the places they span
    (place … place + ties − 1); p = 1 when N = 1. Kept within 0–1."""
    if size <= 1:
        return ONE
    span_mean = PRECISION.divide(Decimal(2 * (size - place) - (ties - 1)), Decimal(2 * (size - 1)))
    return min(ONE, max(ZERO, span_mean))


@lru_cache(maxsize=65536)
def _field_factor(size: int, reference: int, floor: Decimal, cap: Decimal) -> Decimal:
    if size <= 1:
        return floor
    c = PRECISION
    value = c.divide(
        c.log10(c.add(ONE, c.log10(Decimal(size)))),
        c.log10(c.add(ONE, c.log10(Decimal(reference)))),
    )
    return min(cap, max(floor, value))


def field_factor(size: int, rules: RatingRulesDoc) -> Decimal:
    """log10(1 + log10 N) / log10(1 + log10 reference), within [floor, cap]:
    N = 10 → 0.50, N = 100 → 0.79, N ≥ 1000 → 1; N = 1 (and N = 2) → the floor."""
    return _field_factor(size, rules.field_reference_size, rules.field_floor, rules.field_cap)


@dataclass(frozen=True, slots=True)
class EventShown:
    """What an explanation shows of the event side of a price: one object per event
    and direction, shared by all its items."""

    level: str
    field_size: int
    level_weight: Decimal
    field_factor: Decimal
    """Rounded half-up to 4 decimals for display."""
    relevance: Decimal


@dataclass(frozen=True, slots=True)
class Fixed:
    """A factor that does not depend on the place (a status, a completion), priced."""

    factor: Decimal
    shown: int
    """The factor in ten-thousandths, rounded half-up (what the explanation shows)."""
    cents: int
    basis: Basis
    threshold: int
    """The smallest place numerator from which the place factor is at least this one."""


@dataclass(frozen=True, slots=True)
class EventTerms:
    """What every result of one event shares for one direction, computed once, in
    exact integers so the millions of results of a full recompute cost little.

    The place factor is base + span·p with p = num / den, num = 2(N − place) −
    (ties − 1) kept within 0…den and den = 2(N − 1) (the mean percentile of the
    places a tie spans). As a fraction: (`f_base` + `f_step`·num) / `f_den`. Points
    are weight × factor, with weight = level weight × field factor × relevance (the
    field factor is irrational, so the weight is taken with 28 significant digits),
    multiplied exactly and rounded half-up to cents once, at the end.
    """

    level: str
    level_weight: Decimal
    relevance: Decimal
    size: int
    field_factor: Decimal
    field_shown: Decimal
    weight: Decimal
    denominator: int
    f_base: int
    f_step: int
    f_den: int
    p_mul: int
    p_add: int
    p_div: int
    fixed: dict[tuple[str | None, str | None], Fixed]
    """(status, completion) → the best factor that does not depend on the place."""
    shown: EventShown

    def place_cents(self, num: int) -> tuple[int, int]:
        """(cents, shown factor in ten-thousandths) of a place numerator."""
        top = self.f_base + self.f_step * num
        return (self.p_mul * top + self.p_add) // self.p_div, (20000 * top + self.f_den) // (
            2 * self.f_den
        )

    def numerator(self, place: int, ties: int) -> int:
        if self.denominator <= 0:  # N = 1: p = 1
            return 1
        num = 2 * (self.size - place) - (ties - 1)
        return self.denominator if num > self.denominator else 0 if num < 0 else num


def _ratio(value: Decimal) -> tuple[int, int]:
    top, bottom = value.as_integer_ratio()
    return top, bottom


def _round_cents(top: int, bottom: int) -> int:
    """Half-up rounding of top/bottom to a whole number (both positive)."""
    return (2 * top + bottom) // (2 * bottom)


def event_terms(rules: RatingRulesDoc, level: str, relevance: Decimal, size: int) -> EventTerms:
    ff = field_factor(size, rules)
    level_weight = rules.level_weights[level]
    weight = PRECISION.multiply(PRECISION.multiply(level_weight, ff), relevance)
    denominator = 2 * (size - 1)
    den = max(denominator, 1)
    bn, bd = _ratio(rules.result_base)
    sn, sd = _ratio(rules.result_span)
    f_base, f_step, f_den = bn * sd * den, sn * bd, bd * sd * den
    wn, wd = _ratio(weight)
    terms = EventTerms(
        level=level,
        level_weight=level_weight,
        relevance=relevance,
        size=size,
        field_factor=ff,
        field_shown=ff.quantize(SHOWN, rounding=ROUND_HALF_UP),
        weight=weight,
        denominator=denominator,
        f_base=f_base,
        f_step=f_step,
        f_den=f_den,
        p_mul=200 * wn,
        p_add=wd * f_den,
        p_div=2 * wd * f_den,
        fixed={},
        shown=EventShown(
            level, size, level_weight, ff.quantize(SHOWN, rounding=ROUND_HALF_UP), relevance
        ),
    )
    choices: list[tuple[str | None, str | None]] = [(None, None)]
    choices += [(status, None) for status in rules.status_factors]
    choices += [
        (status, completion)
        for status in (None, *rules.status_factors)
        for completion in rules.completion_factors
    ]
    for status, completion in choices:
        factor, basis = ZERO, Basis.STATUS
        if status is not None and rules.status_factors[status] > factor:
            factor = rules.status_factors[status]
        if completion is not None and rules.completion_factors[completion] > factor:
            factor, basis = rules.completion_factors[completion], Basis.COMPLETION
        n, d = _ratio(factor)
        # place wins from num on where (f_base + f_step·num)/f_den ≥ n/d
        need = n * f_den - f_base * d
        threshold = 0 if need <= 0 else -(-need // (f_step * d)) if f_step else den + 1
        terms.fixed[(status, completion)] = Fixed(
            factor=factor,
            shown=_round_cents(10_000 * n, d),
            cents=_round_cents(100 * wn * n, wd * d),
            basis=basis,
            threshold=threshold,
        )
    return terms


Quote = tuple[Basis, int, int]
"""(which factor won, its shown value in ten-thousandths, the points in cents)."""


def quote(
    terms: EventTerms,
    status: str | None,
    place: int | None,
    ties: int,
    completion: str | None,
    place_basis: Basis = Basis.PLACE,
) -> Quote:
    """The higher of the factors that apply (place vs status; for courses and tests
    without places, completion vs status), and the points it gives."""
    if place is None:
        fixed = terms.fixed[(status, completion)]
        return fixed.basis, fixed.shown, fixed.cents
    fixed = terms.fixed[(status, None)]
    num = terms.numerator(place, ties)
    if num >= fixed.threshold:
        cents_value, shown = terms.place_cents(num)
        return place_basis, shown, cents_value
    return fixed.basis, fixed.shown, fixed.cents


@dataclass(frozen=True)
class Priced:
    basis: Basis
    result_factor: Decimal
    field_factor: Decimal
    points: Decimal


def price(
    rules: RatingRulesDoc,
    *,
    level: str,
    relevance: Decimal,
    field_size: int,
    status: str | None,
    place: int | None = None,
    ties: int = 1,
    completion: str | None = None,
    place_basis: Basis = Basis.PLACE,
) -> Priced:
    """The factors and points of one result (the same `quote` the batch paths use)."""
    terms = event_terms(rules, level, relevance, field_size)
    basis, shown, cents_value = quote(terms, status, place, ties, completion, place_basis)
    return Priced(
        basis=basis,
        result_factor=Decimal(shown).scaleb(-4),
        field_factor=terms.field_shown,
        points=Decimal(cents_value).scaleb(-2),
    )


def cents(points: Decimal) -> int:
    """Points as whole cents: the exact integer the standings sort on."""
    return int(points.scaleb(2))


def from_cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)
