"""Even-odd and psychometric synonyms/antonyms against a literal port of careless 1.2.2."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from domain.analytics.careless_consistency import (
    NoItemPairsError,
    evenodd,
    item_pairs,
    psychant,
    psychsyn,
)
from domain.analytics.response_matrix import rowwise_pearson
from tests.unit.analytics import load_reference

NA = math.nan


def r_cor(xs: list[float], ys: list[float]) -> float:
    """cor(x, y, use = "pairwise.complete.obs"): NA under 2 pairs or without spread."""
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if not (math.isnan(x) or math.isnan(y))]
    if len(pairs) < 2:
        return NA
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    if min(a) == max(a) or min(b) == max(b):
        return NA
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    sxy = sum((x - ma) * (y - mb) for x, y in pairs)
    sxx = sum((x - ma) ** 2 for x in a)
    syy = sum((y - mb) ** 2 for y in b)
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def mean_na(values: list[float]) -> float:
    present = [v for v in values if not math.isnan(v)]
    return sum(present) / len(present) if present else NA


def r_evenodd(row: list[float], factors: list[int]) -> tuple[float, int]:
    """careless::evenodd for one person (data-frame input), plus its diag count."""
    even, odd, start = [], [], 0
    for size in factors:
        scale = row[start : start + size]
        start += size
        even.append(mean_na([v for i, v in enumerate(scale, 1) if i % 2 == 0]))
        odd.append(mean_na([v for i, v in enumerate(scale, 1) if i % 2 == 1]))
    complete = sum(not (math.isnan(e) or math.isnan(o)) for e, o in zip(even, odd, strict=True))
    r = r_cor(even, odd)
    if math.isnan(r):
        return NA, complete
    sb = -math.inf if r == -1 else 2 * r / (1 + r)
    return -max(sb, -1.0), complete


def r_correlations(data: np.ndarray) -> np.ndarray:
    """cor(x, use = "pairwise.complete.obs"), one item pair at a time."""
    k = data.shape[1]
    cor = np.full((k, k), NA)
    for i, j in itertools.combinations(range(k), 2):
        both = ~np.isnan(data[:, i]) & ~np.isnan(data[:, j])
        a, b = data[both, i], data[both, j]
        if len(a) > 1 and a.std() > 0 and b.std() > 0:
            cor[i, j] = cor[j, i] = np.corrcoef(a, b)[0, 1]
    return cor


def r_item_pairs(data: np.ndarray, critval: float, anto: bool) -> list[tuple[int, int]]:
    """get_item_pairs(): lower triangle of as.table(cor), read column-major."""
    cor, k, limit = r_correlations(data), data.shape[1], abs(critval)
    keep = (lambda r: r < -limit) if anto else (lambda r: r > limit)
    return [(i, j) for j in range(k) for i in range(k) if i > j and keep(cor[i, j])]


def r_syn_for_one(row: list[float], pairs: list[tuple[int, int]]) -> tuple[int, float]:
    complete = [
        (row[i], row[j]) for i, j in pairs if not (math.isnan(row[i]) or math.isnan(row[j]))
    ]
    if len(complete) <= 2:
        return len(complete), NA
    return len(complete), r_cor([p[0] for p in complete], [p[1] for p in complete])


@pytest.mark.parametrize(
    ("name", "factors"),
    [
        ("careless_dataset.csv", [5] * 10),
        ("careless_testing_na.csv", [5] * 10),
        ("careless_dataset2.csv", [10] * 10),
    ],
)
def test_evenodd_equals_the_port_row_by_row(name: str, factors: list[int]) -> None:
    data = load_reference(name)
    result = evenodd(data, factors, chunk_rows=64)
    for i, row in enumerate(data.tolist()):
        expected, complete = r_evenodd(row, factors)
        np.testing.assert_allclose(result.value[i], expected, atol=1e-9, equal_nan=True)
        assert result.n_pairs[i] == complete


def test_evenodd_edge_cases() -> None:
    rows = np.array(
        [
            [1, 2] * 6,  # even items all 2, odd items all 1: no spread → NA
            [1, 1, 5, 5, 3, 3, 2, 2, 4, 4, 3, 3],  # halves agree: r = 1 → SB 1 → −1
            [1, 5, 5, 1, 3, 3, 1, 5, 5, 1, 3, 3],  # halves opposed: r = −1 → floored → 1
        ],
        dtype=float,
    )
    result = evenodd(rows, [2] * 6)
    assert math.isnan(result.value[0])
    assert result.value[1] == pytest.approx(-1.0)
    assert result.value[2] == pytest.approx(1.0)
    assert result.n_pairs.tolist() == [6, 6, 6]


def test_evenodd_rejects_what_careless_rejects() -> None:
    data = np.ones((3, 10))
    with pytest.raises(ValueError, match="two scales"):
        evenodd(data, [10])
    with pytest.raises(ValueError, match="more items"):
        evenodd(data, [6, 6])
    with pytest.warns(UserWarning, match="do not cover"):
        evenodd(data, [4, 4])


def test_item_pairs_are_those_and_in_the_order_careless_lists_them() -> None:
    data = load_reference("careless_testing_na.csv")
    pairs = item_pairs(data, 0.60)
    expected = r_item_pairs(data, 0.60, anto=False)
    assert list(zip(pairs.first.tolist(), pairs.second.tolist(), strict=True)) == expected
    with pytest.raises(NoItemPairsError, match=r"No Psychometric Antonyms found\."):
        item_pairs(data, -0.60, anto=True)


@pytest.mark.parametrize("name", ["careless_dataset.csv", "careless_testing_na.csv"])
def test_psychsyn_equals_the_port_row_by_row(name: str) -> None:
    data = load_reference(name)
    pairs = r_item_pairs(data, 0.60, anto=False)
    result = psychsyn(data, 0.60, resample_na=False, chunk_rows=50)
    for i, row in enumerate(data.tolist()):
        count, expected = r_syn_for_one(row, pairs)
        assert result.n_pairs[i] == count
        np.testing.assert_allclose(result.value[i], expected, atol=1e-9, equal_nan=True)
    if name == "careless_testing_na.csv":
        assert result.n_pairs[102] == 0 and math.isnan(result.value[102])  # row 103: no answer


def test_psychant_uses_negative_pairs_and_the_critval_magnitude() -> None:
    data = load_reference("careless_dataset2.csv")
    expected_pairs = r_item_pairs(data, 0.50, anto=True)
    pairs = item_pairs(data, -0.50, anto=True)
    assert list(zip(pairs.first.tolist(), pairs.second.tolist(), strict=True)) == expected_pairs
    a = psychant(data, -0.50, resample_na=False)
    b = psychant(data, 0.50, resample_na=False)
    np.testing.assert_array_equal(a.value, b.value)
    defined = np.flatnonzero(~np.isnan(a.value))
    assert defined.size > 100
    for i in defined[:50]:
        expected = r_syn_for_one(data[i].tolist(), expected_pairs)[1]
        assert a.value[i] == pytest.approx(expected, abs=1e-9)


def _population(seed: int = 3) -> np.ndarray:
    """Six items, pairs (0,1), (2,3), (4,5) strongly correlated, integer answers."""
    rng = np.random.default_rng(seed)
    trait = rng.standard_normal((300, 3))
    noise = rng.standard_normal((300, 6)) * 0.3
    return np.round(np.repeat(trait, 2, axis=1) + noise) + 3


def test_psychsyn_needs_more_than_two_complete_pairs() -> None:
    data = _population()
    data[0] = [1, 2, 3, 4, NA, 5]  # two complete pairs left
    data[1] = [1, 2, 3, 4, 4, 5]
    result = psychsyn(data, resample_na=False)
    assert result.n_pairs[0] == 2 and math.isnan(result.value[0])
    assert result.n_pairs[1] == 3 and result.value[1] == pytest.approx(r_cor([2, 4, 5], [1, 3, 4]))


def test_resampling_rescues_a_one_sided_constant_row_with_an_attainable_value() -> None:
    data = _population()
    data[0] = [3, 1, 3, 4, 3, 5]  # first items constant: NA without resampling
    data[1] = [2, 2, 2, 2, 2, 2]  # straight-liner: NA whatever the swaps
    fixed = psychsyn(data, resample_na=False)
    assert math.isnan(fixed.value[0]) and math.isnan(fixed.value[1])
    pairs = item_pairs(data)
    left, right = data[0, pairs.first], data[0, pairs.second]
    attainable = set()
    for mask in itertools.product([False, True], repeat=len(left)):
        swap = np.array(mask)
        r, _ = rowwise_pearson(
            np.where(swap, right, left)[None, :], np.where(swap, left, right)[None, :]
        )
        attainable.add(round(float(r[0]), 12))
    resampled = psychsyn(data, resample_na=True, seed=5)
    assert not math.isnan(resampled.value[0])
    assert round(float(resampled.value[0]), 12) in attainable
    assert math.isnan(resampled.value[1])
    defined = ~np.isnan(fixed.value)
    np.testing.assert_array_equal(resampled.value[defined], fixed.value[defined])
    again = psychsyn(data, resample_na=True, seed=5)
    np.testing.assert_array_equal(again.value, resampled.value)
