"""Hand-computed pricing examples for every rule of rating.md (rules v1).

Each expected number is worked out in the comment above it, from the formula
points = level weight × result factor × field factor × relevance, rounded half-up
to two decimals once at the end.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import InvalidInput
from domain.rating_engine.inputs import (
    AchievementInput,
    EventInfo,
    ResultInput,
    price_achievement,
    price_result,
)
from domain.rating_engine.pricing import Basis, field_factor, field_of, percentile, price
from domain.rating_engine.rules import parse_rules, rules_document
from migrations.reference_data import rating_rules_v1

RULES = parse_rules(rating_rules_v1())
D = Decimal


def points(**kwargs: object) -> Decimal:
    return price(RULES, **kwargs).points  # type: ignore[arg-type]


def test_field_factor_reference_points_of_the_spec() -> None:
    # log10(1+log10 10)/log10(1+log10 1000) = log10 2 / log10 4 = 0.5 exactly
    assert field_factor(10, RULES) == D("0.5")
    # log10 3 / log10 4 = 0.7924812503605780907268694720…
    assert field_factor(100, RULES).quantize(D("0.0001")) == D("0.7925")
    assert field_factor(1000, RULES) == D(1)


def test_field_factor_cap_and_floor() -> None:
    # N = 5000: log10(1 + 3.69897)/log10 4 = 1.116… → capped at 1
    assert field_factor(5000, RULES) == D(1)
    # N = 1 → the floor 0.25; N = 2: log10(1.30103)/log10 4 = 0.1899… → floor 0.25
    assert field_factor(1, RULES) == D("0.25")
    assert field_factor(2, RULES) == D("0.25")
    # N = 3: log10(1.47712)/log10 4 = 0.2814… → above the floor
    assert field_factor(3, RULES).quantize(D("0.0001")) == D("0.2814")


def test_percentile_with_shared_places() -> None:
    assert percentile(1, 1, 10) == D(1)
    assert percentile(10, 1, 10) == D(0)
    # places 3 and 4 shared by two of ten: mean of 7/9 and 6/9 = 13/18
    assert percentile(3, 2, 10) == D(13) / D(18)
    assert percentile(1, 1, 1) == D(1)  # N = 1 → p = 1


def test_shared_place() -> None:
    # REGIONAL 50 × (0.3 + 0.7·13/18 = 0.80555…) × 0.5 (N=10) × 1 = 20.1388… → 20.14
    priced = price(
        RULES,
        level="REGIONAL",
        relevance=D(1),
        field_size=10,
        status="PARTICIPANT",
        place=3,
        ties=2,
    )
    assert priced.points == D("20.14")
    assert priced.basis is Basis.PLACE
    assert priced.result_factor == D("0.8056")


def test_single_participant_event() -> None:
    # FEDERAL 80 × 1.0 (p = 1 when N = 1) × 0.25 (floor) × 1 = 20.00
    assert points(
        level="FEDERAL", relevance=D(1), field_size=1, status="PARTICIPANT", place=1
    ) == D("20.00")


def test_status_only() -> None:
    # MUNICIPAL 30 × 1.0 (WINNER) × 0.79248125… (N=100) × 1 = 23.774437… → 23.77
    priced = price(RULES, level="MUNICIPAL", relevance=D(1), field_size=100, status="WINNER")
    assert priced.points == D("23.77")
    assert priced.basis is Basis.STATUS


def test_place_and_status_take_the_higher_factor() -> None:
    # place 50 of 100: 0.3 + 0.7·50/99 = 0.65353…; PRIZE_WINNER 0.75 is higher:
    # INTERNATIONAL 100 × 0.75 × 0.79248125… × 1 = 59.436… → 59.44
    priced = price(
        RULES,
        level="INTERNATIONAL",
        relevance=D(1),
        field_size=100,
        status="PRIZE_WINNER",
        place=50,
    )
    assert (priced.points, priced.basis) == (D("59.44"), Basis.STATUS)
    # place 2 of 100: 0.3 + 0.7·98/99 = 0.99292…, above FINALIST 0.5:
    # 100 × 0.99292… × 0.79248125… = 78.687… → 78.69
    priced = price(
        RULES, level="INTERNATIONAL", relevance=D(1), field_size=100, status="FINALIST", place=2
    )
    assert (priced.points, priced.basis) == (D("78.69"), Basis.PLACE)


def test_relevance_scales_points() -> None:
    # REGIONAL 50 × 1.0 (1st of 10) × 0.5 × 0.5 = 12.50; relevance 0 → 0.00
    assert points(
        level="REGIONAL", relevance=D("0.5"), field_size=10, status="WINNER", place=1
    ) == D("12.50")
    assert points(level="REGIONAL", relevance=D(0), field_size=10, status="WINNER", place=1) == D(
        "0.00"
    )


def test_rounding_is_half_up_once_at_the_end() -> None:
    # SCHOOL 15 × 0.3 (PARTICIPANT) × 0.25 (N=1) × 1 = 1.125 exactly → 1.13 (half-up,
    # where banker's rounding would give 1.12)
    assert points(level="SCHOOL", relevance=D(1), field_size=1, status="PARTICIPANT") == D("1.13")
    # Rounding once: 15 × 0.3 × 0.25 × 0.333 = 0.3746… → 0.37; rounding the
    # intermediate 1.125 to 1.13 first would give 0.3763 → 0.38
    assert points(level="SCHOOL", relevance=D("0.333"), field_size=1, status="PARTICIPANT") == D(
        "0.37"
    )


def test_completion_factors_for_courses_without_places() -> None:
    # SCHOOL 15 × 0.8 (distinction) × 1.0 (N=1000) × 1 = 12.00; completion 0.5 → 7.50
    assert points(
        level="SCHOOL",
        relevance=D(1),
        field_size=1000,
        status="PARTICIPANT",
        completion="DISTINCTION",
    ) == D("12.00")
    priced = price(
        RULES,
        level="SCHOOL",
        relevance=D(1),
        field_size=1000,
        status="PARTICIPANT",
        completion="COMPLETED",
    )
    assert (priced.points, priced.basis) == (D("7.50"), Basis.COMPLETION)


EVENT = EventInfo(
    id=7,
    level="REGIONAL",
    season_code="2026/27",
    status="COMPLETED",
    relevance={"ROBOTICS_PROGRAMMING": D("1.000")},
)


def test_places_from_scores_where_only_a_score_is_known() -> None:
    # scores 90, 80, 80, 70 (N = 4): the 80s share places 2–3: p = mean(2/3, 1/3) = 0.5
    # → factor 0.65; field factor log10(1 + log10 4)/log10 4 = 0.33997…
    # REGIONAL 50 × 0.65 × 0.33997… × 1 = 11.049… → 11.05
    field = field_of([(None, D(90)), (None, D(80)), (None, D(80)), (None, D(70))])
    item = price_result(
        RULES,
        "ROBOTICS_PROGRAMMING",
        EVENT,
        field,
        ResultInput(1, 7, 100, "PARTICIPANT", score=D(80)),
    )
    assert item is not None
    assert (item.place, item.ties, item.basis, item.points) == (2, 2, Basis.SCORE, D("11.05"))


def test_field_size_is_never_below_the_highest_place() -> None:
    assert field_of([(1, None), (57, None)]).size == 57
    assert field_of([(1, None), (1, None), (3, None)]).place_ties == {1: 2}


def test_result_outside_the_direction_or_in_a_cancelled_event_does_not_count() -> None:
    field = field_of([(1, None)])
    result = ResultInput(1, 7, 100, "WINNER", place=1)
    assert price_result(RULES, "PYTHON_PROGRAMMING", EVENT, field, result) is None
    cancelled = EventInfo(7, "REGIONAL", "2026/27", "CANCELLED", {"ROBOTICS_PROGRAMMING": D(1)})
    assert price_result(RULES, "ROBOTICS_PROGRAMMING", cancelled, field, result) is None


def test_achievement_without_a_known_field_uses_the_typical_size() -> None:
    # REGIONAL typical size 300: log10(1 + 2.47712)/log10 4 = 0.89895…;
    # 50 × 0.75 (PRIZE_WINNER) × 0.89895… × 1.0 (achievement relevance) = 33.710… → 33.71
    achievement = AchievementInput(
        5, 100, "REGIONAL", "PRIZE_WINNER", "2026/27", ("ROBOTICS_PROGRAMMING",)
    )
    item = price_achievement(RULES, "ROBOTICS_PROGRAMMING", "2026/27", achievement, None, None)
    assert item is not None and (item.field_size, item.points) == (300, D("33.71"))
    assert (
        price_achievement(RULES, "PYTHON_PROGRAMMING", "2026/27", achievement, None, None) is None
    )


def test_achievement_linked_to_an_event_is_priced_as_that_event() -> None:
    # linked to a REGIONAL event of 10 results: 50 × 1.0 (WINNER) × 0.5 × 1 = 25.00
    achievement = AchievementInput(5, 100, "FEDERAL", "WINNER", "2026/27", (), event_id=7)
    field = field_of([(p, None) for p in range(1, 11)])
    item = price_achievement(RULES, "ROBOTICS_PROGRAMMING", "2026/27", achievement, EVENT, field)
    assert item is not None
    assert (item.level, item.field_size, item.series_id, item.points) == (
        "REGIONAL",
        10,
        7,
        D("25.00"),
    )


def test_rules_document_round_trips_and_bad_documents_name_the_key() -> None:
    assert parse_rules(rules_document(RULES)) == RULES
    broken = rating_rules_v1()
    broken["tiers"] = {**broken["tiers"], "winner_share": "0.9", "prize_winner_share": "0.2"}
    with pytest.raises(InvalidInput) as error:
        parse_rules(broken)
    assert error.value.field == "tiers"
    broken = rating_rules_v1()
    broken["level_weights"] = {**broken["level_weights"], "GALACTIC": "500"}
    with pytest.raises(InvalidInput, match="unknown GALACTIC"):
        parse_rules(broken)
    broken = rating_rules_v1()
    broken["best_n"] = 0
    with pytest.raises(InvalidInput) as error:
        parse_rules(broken)
    assert error.value.field == "best_n"
