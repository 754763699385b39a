"""Best-N, once per event and series, ranks, tiers at boundaries with ties, and the
incremental board: golden examples and hypothesis properties."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rating_engine.explain import distance_to_next_tier, standing_percentile
from domain.rating_engine.items import PricedItem, make_item
from domain.rating_engine.pricing import Basis, EventShown, cents
from domain.rating_engine.selection import NotCounted, select
from domain.rating_engine.standings import Board, Standing, TierRules, diff, rank_all
from domain.ratings import Tier

TIERS = TierRules(Decimal("0.05"), Decimal("0.20"), 4000)
D = Decimal


def item(
    points: str,
    *,
    result: int | None = None,
    achievement: int | None = None,
    event: int | None = None,
    series: int | None = None,
) -> PricedItem:
    return make_item(
        participant_id=1,
        result_id=result,
        achievement_id=achievement,
        event_id=event,
        series_id=series if series is not None else event,
        place=None,
        ties=None,
        status="WINNER",
        completion=None,
        basis=Basis.STATUS,
        factor=10000,
        cents_value=cents(D(points)),
        shown=EventShown("REGIONAL", 10, D(50), D("0.5"), D(1)),
    )


def test_best_eight_count_and_the_rest_are_shown_uncounted() -> None:
    items = [item(f"{p}.00", result=p, event=100 + p) for p in range(1, 11)]
    chosen = select(items, 8)
    # 10 + 9 + … + 3 = 52
    assert chosen.score == D("52.00")
    counted = [c for c in chosen.contributions if c.counted]
    assert [c.item.points for c in counted] == [D(p) for p in range(10, 2, -1)]
    rest = [(c.item.points, c.reason) for c in chosen.contributions if not c.counted]
    assert rest == [(D(2), NotCounted.BEYOND_BEST_N), (D(1), NotCounted.BEYOND_BEST_N)]


def test_result_and_achievement_for_one_event_count_once_the_better() -> None:
    chosen = select([item("20.00", result=1, event=7), item("25.00", achievement=9, event=7)], 8)
    assert chosen.score == D("25.00")
    loser = chosen.contributions[1]
    assert (loser.item.result_id, loser.counted, loser.reason) == (1, False, NotCounted.SAME_EVENT)


def test_stages_of_a_series_count_once_the_best_priced() -> None:
    qualifier = item("30.00", result=1, event=11, series=10)
    final = item("40.00", result=2, event=12, series=10)
    chosen = select([qualifier, final, item("5.00", result=3, event=13)], 8)
    assert chosen.score == D("45.00")
    assert [(c.item.result_id, c.counted, c.reason) for c in chosen.contributions] == [
        (2, True, None),
        (3, True, None),
        (1, False, NotCounted.SAME_SERIES),
    ]


def test_competition_ranking_shares_places() -> None:
    standings = rank_all({1: 9000, 2: 8000, 3: 8000, 4: 7000}, TIERS)
    assert [standings[p].rank for p in (1, 2, 3, 4)] == [1, 2, 2, 4]


def test_tiers_at_boundaries_never_split_ties() -> None:
    # 40 ranked: WINNER quota floor(40 × 0.05) = 2, cumulative floor(40 × 0.25) = 10.
    scores = {p: 10_000 - p * 100 for p in range(1, 41)}
    scores[1] = scores[2] = scores[3] = 20_000  # three tie at the top: the group ends at 3 > 2
    standings = rank_all(scores, TIERS)
    assert {standings[p].tier for p in (1, 2, 3)} == {Tier.PRIZE_WINNER}
    # positions 4..10 are prize-winners; 11 is not
    assert [standings[p].tier for p in (4, 10, 11)] == [
        Tier.PRIZE_WINNER,
        Tier.PRIZE_WINNER,
        Tier.NONE,
    ]
    # a group straddling the prize boundary (positions 10 and 11) falls below it
    scores[10] = scores[11]
    standings = rank_all(scores, TIERS)
    assert standings[9].tier is Tier.PRIZE_WINNER
    assert standings[10].tier is standings[11].tier is Tier.NONE


def test_tiers_need_the_minimum_score() -> None:
    # 20 ranked: quotas 1 and 5; the fourth has 39.99 points, under the minimum of 40
    scores = {p: 9_000 - p for p in range(1, 21)}
    scores[4] = 3_999
    standings = rank_all(scores, TIERS)
    assert standings[1].tier is Tier.WINNER
    assert standings[4].tier is Tier.NONE
    assert standings[5].tier is Tier.PRIZE_WINNER


def test_percentile_and_distance_to_next_tier() -> None:
    scores = {p: 10_000 - p * 100 for p in range(1, 41)}  # 9900, 9800, … 6000
    board = Board(scores, TIERS)
    standing = board.standing(12)
    assert standing == Standing(8800, 12, Tier.NONE)
    assert standing_percentile(12, 1, 40) == D(28) / D(39)
    # prize boundary: the 10th among the others holds 9000 → 90.01 − 88.00 = 2.01 points
    found = distance_to_next_tier(
        8800, Tier.NONE, rank=12, ranked=40, is_ranked=True, tiers=TIERS, score_at=board.score_at
    )
    assert found is not None and (found.tier, found.points_needed) == (Tier.PRIZE_WINNER, 201)
    # a prize-winner at 5th: WINNER needs to pass the 2nd (9800): 98.01 − 95.00 = 3.01
    found = distance_to_next_tier(
        9500,
        Tier.PRIZE_WINNER,
        rank=5,
        ranked=40,
        is_ranked=True,
        tiers=TIERS,
        score_at=board.score_at,
    )
    assert found is not None and found.points_needed == 301
    assert (
        distance_to_next_tier(
            9900,
            Tier.WINNER,
            rank=1,
            ranked=40,
            is_ranked=True,
            tiers=TIERS,
            score_at=board.score_at,
        )
        is None
    )


def test_unranked_participant_sees_the_rank_it_would_have() -> None:
    board = Board({1: 9000, 2: 8000, 3: 7000}, TIERS)
    assert board.rank_of_score(8500) == 2
    assert board.rank_of_score(8000) == 2
    assert board.rank_of_score(100) == 4


scores_strategy = st.dictionaries(
    st.integers(1, 60), st.integers(0, 12).map(lambda v: v * 1000), max_size=60
)


@given(scores_strategy)
def test_ranks_are_a_valid_competition_ranking(scores: dict[int, int]) -> None:
    standings = rank_all(scores, TIERS)
    winners, both = TIERS.quotas(len(scores))
    for pid, standing in standings.items():
        above = sum(1 for s in scores.values() if s > scores[pid])
        assert standing.rank == above + 1
        group = [q for q in scores if scores[q] == scores[pid]]
        assert {standings[q].tier for q in group} == {standing.tier}  # ties never split
        if standing.tier is not Tier.NONE:
            assert scores[pid] >= TIERS.min_cents
    assert sum(s.tier is Tier.WINNER for s in standings.values()) <= winners
    assert sum(s.tier is not Tier.NONE for s in standings.values()) <= both


@given(
    scores_strategy,
    st.lists(st.tuples(st.integers(1, 70), st.none() | st.integers(0, 12)), min_size=1, max_size=8),
)
@settings(max_examples=300)
def test_incremental_board_equals_ranking_from_scratch(
    scores: dict[int, int], changes: list[tuple[int, int | None]]
) -> None:
    board = Board(scores, TIERS)
    before = rank_all(scores, TIERS)
    update = {pid: (None if value is None else value * 1000) for pid, value in changes}
    moved = board.apply(update)
    after_scores = {**scores, **{p: v for p, v in update.items() if v is not None}}
    for pid, value in update.items():
        if value is None:
            after_scores.pop(pid, None)
    after = rank_all(after_scores, TIERS)
    assert moved == diff(before, after)
    assert board.scores() == after_scores


@given(
    st.lists(st.integers(0, 5000).map(lambda v: D(v).scaleb(-2)), max_size=20),
    st.integers(0, 5000).map(lambda v: D(v).scaleb(-2)),
    st.integers(1, 12),
)
def test_adding_a_result_never_lowers_a_score(
    existing: list[Decimal], extra: Decimal, best_n: int
) -> None:
    items = [item(str(p), result=i + 1, event=(i % 7) + 1) for i, p in enumerate(existing)]
    before = select(items, best_n).score
    after = select([*items, item(str(extra), result=999, event=(len(items) % 9) + 1)], best_n).score
    assert after >= before
