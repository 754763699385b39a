"""The full recompute's column form (numpy) equals the exact one-item-at-a-time path:
every price (cents, shown factor, basis, place, ties), every selection (score, item
order, reasons) and every digest, on generated seasons with large fields, shared
places, score-only events, completions, series, fractional relevances and
achievements linked to events or not. Float pricing is checked where it is most
fragile: relevances and sizes that put many prices on a half cent."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.rating_engine.inputs import (
    NO_EXCLUSIONS,
    AchievementInput,
    EventInfo,
    Pricer,
    ResultInput,
    fields_of_results,
)
from domain.rating_engine.item_columns import (
    concatenate,
    price_achievements_columns,
    price_results_columns,
)
from domain.rating_engine.items import PricedItem
from domain.rating_engine.pricing import EventShown
from domain.rating_engine.result_columns import Fields, ResultColumns, fields_of_columns
from domain.rating_engine.rules import parse_rules
from domain.rating_engine.selection import select
from domain.rating_engine.selection_columns import SelectionColumns, select_columns
from migrations.reference_data import rating_rules_v1

RULES = parse_rules(rating_rules_v1())
SEASON = "2026/27"
DIRECTIONS = ("ROBOTICS_PROGRAMMING", "PYTHON_PROGRAMMING")
LEVELS = ("INTERNATIONAL", "FEDERAL", "REGIONAL", "MUNICIPAL", "SCHOOL")
STATUSES = ("WINNER", "PRIZE_WINNER", "FINALIST", "PARTICIPANT")
RELEVANCES = ("1", "0.5", "0.25", "0.125", "0.3", "0.7", "0.05", "0.333")


@st.composite
def seasons(draw: st.DrawFn) -> tuple[dict[int, EventInfo], list[ResultInput], list[AchievementInput], set[int]]:  # fmt: skip
    events: dict[int, EventInfo] = {}
    for event_id in range(1, draw(st.integers(1, 7)) + 1):
        relevance = {
            d: Decimal(draw(st.sampled_from(RELEVANCES)))
            for d in DIRECTIONS
            if draw(st.booleans()) or d == DIRECTIONS[0]
        }
        parent = draw(st.sampled_from([None, None, 1])) if event_id > 1 else None
        events[event_id] = EventInfo(
            event_id,
            draw(st.sampled_from(LEVELS)),
            SEASON,
            draw(st.sampled_from(["PUBLISHED", "COMPLETED", "COMPLETED", "CANCELLED"])),
            relevance,
            parent,
        )
    results: list[ResultInput] = []
    rid = 0
    for event_id in events:
        size = draw(st.sampled_from([1, 2, 3, 10, 40, 150]))
        score_only = draw(st.booleans())
        for n in range(size):
            rid += 1
            participant = draw(st.integers(1, 30))
            place = None if score_only else draw(st.one_of(st.none(), st.integers(1, size + 2)))
            score = draw(st.one_of(st.none(), st.integers(0, 8).map(lambda v: Decimal(v * 5))))
            results.append(
                ResultInput(
                    rid * 3 + n % 2,
                    event_id,
                    participant,
                    draw(st.sampled_from(STATUSES)),
                    place,
                    score,
                    draw(st.sampled_from([None, None, "COMPLETED", "DISTINCTION"])),
                )
            )
    achievements = [
        AchievementInput(
            900 + i,
            draw(st.integers(1, 30)),
            draw(st.sampled_from(LEVELS)),
            draw(st.sampled_from(STATUSES)),
            SEASON,
            (draw(st.sampled_from(DIRECTIONS)),),
            draw(st.one_of(st.none(), st.sampled_from(sorted(events)))),
        )
        for i in range(draw(st.integers(0, 8)))
    ]
    eligible = set(draw(st.lists(st.integers(1, 30), max_size=30)))
    return events, results, achievements, eligible


def _shown(item: PricedItem) -> tuple[object, ...]:
    return (item.participant_id, item.result_id, item.achievement_id, item.event_id,
            item.series_id, item.place, item.ties, item.status, item.completion, item.basis,
            item.factor, item.cents, item.shown, item.key)  # fmt: skip


Season = tuple[dict[int, EventInfo], list[ResultInput], list[AchievementInput], set[int]]


def column_boards(season: Season) -> Iterator[tuple[str, SelectionColumns, Fields]]:
    """Each direction's selections as the full recompute computes them (columns)."""
    events, results, achievements, eligible_ids = season
    eligible = {pid: object() for pid in eligible_ids}
    pricer = Pricer(RULES)
    columns = ResultColumns.from_inputs(results)
    found = fields_of_columns(columns)
    counted = np.isin(columns.participant, np.fromiter(eligible_ids, dtype=np.int64))
    for direction in DIRECTIONS:
        index: dict[int, int] = {}
        table: list[EventShown] = []
        parts = [
            price_results_columns(pricer, direction, events, found, columns, counted, index, table),
            price_achievements_columns(pricer, direction, SEASON, events, found, achievements,
                                       eligible, NO_EXCLUSIONS, index, table),
        ]  # fmt: skip
        yield (
            direction,
            select_columns(concatenate(parts, table), RULES.best_n, RULES.version),
            found,
        )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seasons())
def test_columns_price_and_select_like_the_exact_path(season: Season) -> None:
    events, results, achievements, eligible_ids = season
    pricer = Pricer(RULES)
    assert fields_of_columns(ResultColumns.from_inputs(results)).by_event == fields_of_results(
        results
    )
    for direction, chosen, found in column_boards(season):
        exact: dict[int, list[PricedItem]] = {}
        for r in results:
            event = events[r.event_id]
            if r.participant_id in eligible_ids:
                item = pricer.result(direction, event, found.by_event[r.event_id], r)
                if item is not None:
                    exact.setdefault(r.participant_id, []).append(item)
        for a in achievements:
            if a.participant_id in eligible_ids:
                event = events.get(a.event_id) if a.event_id else None
                field = found.by_event.get(a.event_id) if a.event_id else None
                item = pricer.achievement(direction, SEASON, a, event, field)
                if item is not None:
                    exact.setdefault(a.participant_id, []).append(item)
        assert sorted(chosen) == sorted(exact)
        for pid, items in exact.items():
            expected = select(items, RULES.best_n)
            got = chosen[pid]
            assert got.score == expected.score
            assert [_shown(i) for i in got.items] == [_shown(i) for i in expected.items]
            assert got.reasons == expected.reasons
            assert got.digest(RULES.version) == expected.digest(RULES.version)
        digests = dict(zip(chosen.participants.tolist(), chosen.digest_texts(), strict=True))
        for pid, items in exact.items():
            assert digests[pid] == select(items, RULES.best_n).digest(RULES.version)


def test_a_price_on_a_half_cent_rounds_up_as_the_exact_path_does() -> None:
    """100 × 1 × 1 × 0.333 × 0.25 (N = 1, the floor) = 8.325 exactly: float64 makes it
    832.4999…; the column path must still give 833 cents, as must N = 1000 places whose
    price lands on half a cent."""
    events = {
        1: EventInfo(1, "INTERNATIONAL", SEASON, "COMPLETED", {DIRECTIONS[0]: Decimal("0.333")}),
        2: EventInfo(2, "INTERNATIONAL", SEASON, "COMPLETED", {DIRECTIONS[0]: Decimal("0.333")}),
    }
    results = [ResultInput(1, 1, 1, "PARTICIPANT", 1)]
    results += [ResultInput(10 + p, 2, 100 + p, "PARTICIPANT", p) for p in range(1, 1001)]
    columns = ResultColumns.from_inputs(results)
    found = fields_of_columns(columns)
    pricer = Pricer(RULES)
    priced = price_results_columns(pricer, DIRECTIONS[0], events, found, columns,
                                   np.ones(len(results), dtype=np.bool_), {}, [])  # fmt: skip
    exact = [pricer.result(DIRECTIONS[0], events[r.event_id], found.by_event[r.event_id], r)
             for r in results]  # fmt: skip
    assert priced.cents.tolist() == [item.cents for item in exact if item is not None]
    assert priced.cents[0] == 833
    weight = float(pricer.event_terms(events[1], DIRECTIONS[0], 1).weight)
    assert np.floor(100.0 * weight + 0.5) == 832  # what float64 alone would have given
