"""Mahalanobis D² against a literal port of careless::mahad → psych::outlier."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from domain.analytics.careless_outliers import mahad, pairwise_moments
from tests.unit.analytics import load_reference


def r_pairwise_cov(data: np.ndarray) -> np.ndarray:
    """cov(x, use = "pairwise"): each pair over its complete rows, with their own means."""
    k = data.shape[1]
    cov = np.empty((k, k))
    for i, j in itertools.product(range(k), repeat=2):
        both = ~np.isnan(data[:, i]) & ~np.isnan(data[:, j])
        a, b = data[both, i], data[both, j]
        cov[i, j] = ((a - a.mean()) * (b - b.mean())).sum() / (len(a) - 1)
    return cov


def r_outlier(data: np.ndarray) -> list[float]:
    """psych::outlier(x, na.rm = TRUE) with careless' NA for all-missing rows, row by row."""
    inverse = np.linalg.inv(r_pairwise_cov(data)).tolist()
    means = [float(np.mean(col[~np.isnan(col)])) for col in data.T]
    result = []
    for row in data.tolist():
        if all(math.isnan(v) for v in row):
            result.append(math.nan)
            continue
        centred = [v - m for v, m in zip(row, means, strict=True)]
        partial = [
            sum(c * inverse[i][j] for i, c in enumerate(centred) if not math.isnan(c))
            for j in range(len(centred))
        ]
        result.append(
            sum(p * c for p, c in zip(partial, centred, strict=True) if not math.isnan(c))
        )
    return result


@pytest.mark.parametrize("name", ["careless_dataset.csv", "careless_testing_na.csv"])
def test_d2_equals_the_port_row_by_row(name: str) -> None:
    data = load_reference(name)
    result = mahad(data, chunk_rows=33)
    np.testing.assert_allclose(result.d_sq, r_outlier(data), rtol=1e-9, equal_nan=True)


def test_pairwise_covariance_equals_r_cov_pairwise() -> None:
    data = load_reference("careless_testing_na.csv")
    np.testing.assert_allclose(
        pairwise_moments(data, chunk_rows=17).covariance(), r_pairwise_cov(data), rtol=1e-10
    )


def test_flags_use_the_chi_square_quantile_with_df_items() -> None:
    data = load_reference("careless_testing_na.csv")
    result = mahad(data, confidence=0.99)
    assert result.cutoff == pytest.approx(stats.chi2.ppf(0.99, 50))
    assert result.cutoff == pytest.approx(76.15389, abs=1e-5)
    defined = ~np.isnan(result.d_sq)
    np.testing.assert_array_equal(result.flagged[defined], result.d_sq[defined] > result.cutoff)
    # row 103 has no answer at all: NA distance, never flagged
    assert math.isnan(result.d_sq[102]) and not result.flagged[102]
    assert defined.sum() == 199
    stricter = mahad(data, confidence=0.999)
    assert stricter.flagged.sum() <= result.flagged.sum()


def test_complete_data_gives_the_textbook_distance() -> None:
    data = load_reference("careless_dataset.csv")
    centred = data - data.mean(axis=0)
    textbook = np.einsum("ij,jk,ik->i", centred, np.linalg.inv(np.cov(data, rowvar=False)), centred)
    np.testing.assert_allclose(mahad(data).d_sq, textbook, rtol=1e-9)


def test_singular_covariance_and_bad_confidence_are_refused() -> None:
    rng = np.random.default_rng(0)
    data = rng.integers(1, 6, size=(40, 4)).astype(float)
    with pytest.raises(ValueError, match="singular"):
        mahad(np.column_stack([data, data[:, 0]]))
    with pytest.raises(ValueError, match="confidence"):
        mahad(data, confidence=1.0)
