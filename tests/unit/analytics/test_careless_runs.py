"""longstring and IRV against careless 1.2.2's published values and a row-by-row R port."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from domain.analytics.careless_runs import irv, irv_split, longstring, r_cut_bins
from tests.unit.analytics import load_reference

NA = math.nan


def rle_lengths(row: list[float]) -> list[int]:
    """R's rle(): a run continues only while x[i] == x[i-1] is TRUE (NA breaks it)."""
    lengths: list[int] = []
    for i, value in enumerate(row):
        previous = row[i - 1] if i else NA
        if i and not math.isnan(value) and not math.isnan(previous) and value == previous:
            lengths[-1] += 1
        else:
            lengths.append(1)
    return lengths


def r_sd(values: list[float]) -> float:
    """R's sd(x, na.rm = TRUE)."""
    present = [v for v in values if not math.isnan(v)]
    return statistics.stdev(present) if len(present) >= 2 else NA


def r_cut_codes(n_items: int, n_parts: int) -> list[int]:
    """cut(seq_len(n_items), n_parts, labels = FALSE) - 1, following cut.default line by line."""
    low, high = 1.0, float(n_items)
    dx = high - low
    by = dx / n_parts
    breaks = [low] + [low + i * by for i in range(1, n_parts)] + [high]
    breaks[0], breaks[-1] = low - dx / 1000, high + dx / 1000
    codes = []
    for x in range(1, n_items + 1):
        codes.append(next(j for j in range(n_parts) if breaks[j] < x <= breaks[j + 1]))
    return codes


def test_longstring_matches_the_spec_examples() -> None:
    result = longstring(np.array([[1, 2, 2, 2, 3, 3], [1, 1, NA, NA, 1, 1]]))
    assert result.longstr.tolist() == [3.0, 2.0]
    assert result.avgstr.tolist() == [2.0, 1.5]


def test_longstring_test_data_gives_the_packaged_expectations() -> None:
    data = load_reference("longstring_test_data.csv")
    assert longstring(data).longstr.tolist() == [10, 20, 30, 40, 50, 60, 70, 80, 90, 10]


def test_every_missing_answer_is_a_run_of_its_own() -> None:
    result = longstring([[NA] * 8, [2, NA, 2, 2, NA, NA, NA, 2]])
    assert result.longstr.tolist() == [1.0, 2.0]
    assert result.avgstr.tolist() == [1.0, 8 / 7]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ([3] * 10, 0.0),
        ([1, 2, 3, 4, 5] * 2, 1.49071198499986),
        ([1] * 5 + [5] * 5, 2.10818510677892),
    ],
)
def test_irv_matches_the_spec_examples(row: list[float], expected: float) -> None:
    assert irv([row])[0] == pytest.approx(expected, abs=1e-13)


def test_irv_is_undefined_under_two_answers_and_ignores_missing_ones() -> None:
    values = irv([[4, NA, NA], [NA, NA, NA], [1, NA, 3]])
    assert math.isnan(values[0]) and math.isnan(values[1])
    assert values[2] == pytest.approx(math.sqrt(2))
    assert math.isnan(irv([[1, NA, 3]], na_rm=False)[0])


@pytest.mark.parametrize(
    ("n_items", "n_parts", "sizes"),
    [(10, 4, [3, 2, 2, 3]), (50, 3, [17, 16, 17]), (50, 4, [13, 12, 12, 13]), (5, 5, [1] * 5)],
)
def test_cut_bins_follow_r(n_items: int, n_parts: int, sizes: list[int]) -> None:
    assert np.bincount(r_cut_bins(n_items, n_parts)).tolist() == sizes


def test_cut_bins_agree_with_a_literal_port_of_cut_default() -> None:
    for n_items in range(2, 61):
        for n_parts in range(2, n_items + 1):
            assert r_cut_bins(n_items, n_parts).tolist() == r_cut_codes(n_items, n_parts), (
                n_items,
                n_parts,
            )


@pytest.mark.parametrize(("n_items", "n_parts"), [(10, 1), (3, 4)])
def test_cut_bins_reject_what_r_cannot_split(n_items: int, n_parts: int) -> None:
    with pytest.raises(ValueError, match=r"cut|split"):
        r_cut_bins(n_items, n_parts)


@pytest.mark.parametrize("name", ["careless_dataset.csv", "careless_testing_na.csv"])
def test_runs_and_irv_equal_a_row_by_row_port_on_reference_data(name: str) -> None:
    data = load_reference(name)
    runs = longstring(data, chunk_rows=37)
    total = irv(data, chunk_rows=37)
    parts = irv_split(data, 4)
    codes = r_cut_codes(data.shape[1], 4)
    for i, row in enumerate(data.tolist()):
        lengths = rle_lengths(row)
        assert runs.longstr[i] == max(lengths)
        assert runs.avgstr[i] == pytest.approx(statistics.mean(lengths), abs=1e-12)
        np.testing.assert_allclose(total[i], r_sd(row), atol=1e-9, equal_nan=True)
        for part in range(4):
            block = [v for v, c in zip(row, codes, strict=True) if c == part]
            np.testing.assert_allclose(parts[i, part], r_sd(block), atol=1e-9, equal_nan=True)


def test_rows_documented_as_missing_behave_as_in_r() -> None:
    data = load_reference("careless_testing_na.csv")
    runs, total, parts = longstring(data), irv(data), irv_split(data, 4)
    # row 103: all missing → 50 runs of one, no SD anywhere
    assert (runs.longstr[102], runs.avgstr[102]) == (1.0, 1.0)
    assert math.isnan(total[102]) and np.isnan(parts[102]).all()
    # row 138: the last 20 answers are missing → the last quarter (items 38–50) has no SD
    assert math.isnan(parts[137, 3]) and not np.isnan(parts[137, :3]).any()
    # row 144: the first 10 are missing → still 3 answers in the first quarter
    assert not math.isnan(parts[143, 0])


rows_with_gaps = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=12),
    elements=st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, NA]),
)


@settings(max_examples=60, deadline=None)
@given(rows_with_gaps)
def test_vectorised_runs_and_irv_equal_the_port_on_any_matrix(matrix: np.ndarray) -> None:
    runs = longstring(matrix, chunk_rows=3)
    total = irv(matrix, chunk_rows=3)
    for i, row in enumerate(matrix.tolist()):
        lengths = rle_lengths(row)
        assert runs.longstr[i] == max(lengths)
        assert runs.avgstr[i] == pytest.approx(len(row) / len(lengths))
        np.testing.assert_allclose(total[i], r_sd(row), atol=1e-9, equal_nan=True)
