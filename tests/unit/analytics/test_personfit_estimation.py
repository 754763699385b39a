"""Ability and item-parameter estimation, and missing-answer imputation, as PerFit runs them."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from scipy import optimize

from domain.analytics.personfit_estimation import (
    R_OPTIMIZE_TOL,
    estimate_abilities,
    estimate_item_parameters,
    impute_npmodel,
)
from tests.unit.analytics import load_reference


def brent_fmin_port(f: Callable[[float], float], ax: float, bx: float, tol: float) -> float:
    """R's Brent_fmin (stats/src/optimize.c), one problem, line by line."""
    c = (3.0 - math.sqrt(5.0)) * 0.5
    eps = math.sqrt(2.220446049250313e-16)
    a, b = ax, bx
    v = w = x = a + c * (b - a)
    d = e = 0.0
    fx = fv = fw = f(x)
    tol3 = tol / 3.0
    while True:
        xm = (a + b) * 0.5
        tol1 = eps * abs(x) + tol3
        t2 = tol1 * 2.0
        if abs(x - xm) <= t2 - (b - a) * 0.5:
            return x
        p = q = r = 0.0
        if abs(e) > tol1:
            r = (x - w) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - w) * r
            q = (q - r) * 2.0
            if q > 0.0:
                p = -p
            else:
                q = -q
            r = e
            e = d
        if abs(p) >= abs(q * 0.5 * r) or p <= q * (a - x) or p >= q * (b - x):
            e = b - x if x < xm else a - x
            d = c * e
        else:
            d = p / q
            u = x + d
            if u - a < t2 or b - u < t2:
                d = -tol1 if x >= xm else tol1
        if abs(d) >= tol1:
            u = x + d
        elif d > 0.0:
            u = x + tol1
        else:
            u = x - tol1
        fu = f(u)
        if fu <= fx:
            if u < x:
                b = x
            else:
                a = x
            v, w, x = w, x, u
            fv, fw, fx = fw, fx, fu
        else:
            if u < x:
                a = u
            else:
                b = u
            if fu <= fw or w == x:
                v, fv, w, fw = w, fw, u, fu
            elif fu <= fv or v == x or v == w:
                v, fv = u, fu


def mlebme_port(row: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """irtoys' mle.one: optimize(llf, c(-4, 4), maximum = TRUE) on the answered items."""
    answered = ~np.isnan(row)
    r, aa, bb, cc = row[answered], a[answered], b[answered], c[answered]

    def negative_llf(theta: float) -> float:
        total = 0.0
        for resp, ai, bi, ci in zip(r.tolist(), aa.tolist(), bb.tolist(), cc.tolist(), strict=True):
            pr = ci + (1.0 - ci) / (1.0 + math.exp(ai * (bi - theta)))
            pr = min(max(pr, 0.00001), 0.99999)
            total += resp * math.log(pr) + (1 - resp) * math.log(1.0 - pr)
        return -total

    return brent_fmin_port(negative_llf, -4.0, 4.0, R_OPTIMIZE_TOL)


def test_tolerance_is_rs_default() -> None:
    assert R_OPTIMIZE_TOL == pytest.approx(1.220703125e-04, rel=1e-12)


def test_vectorised_ml_abilities_equal_the_brent_port() -> None:
    """Same steps, same optimum; only the log-likelihood sums round differently (≈1e-11)."""
    data = load_reference("perfit_IntelligenceData.csv")[:250].copy()
    data[3, :5] = np.nan
    data[4], data[5] = 0.0, 1.0  # boundary optima, where the probability clipping acts
    rng = np.random.default_rng(2)
    a, b, c = rng.uniform(0.6, 2, 26), rng.normal(0, 1, 26), rng.uniform(0, 0.2, 26)
    theta = estimate_abilities(data, a, b, c)
    expected = [mlebme_port(row, a, b, c) for row in data]
    np.testing.assert_allclose(theta, expected, rtol=0, atol=1e-9)


def test_probability_clipping_shapes_the_optimum_as_in_irtoys() -> None:
    """Steep items and a missed easy item: P(wrong) falls below 1e-5 near the optimum."""
    a, b, c = np.full(4, 4.0), np.array([-2.0, -1.0, 1.0, 2.0]), np.zeros(4)
    data = np.array([[0, 1, 1, 1], [1, 0, 1, 1], [0, 0, 1, 1], [1, 1, 1, 0]], dtype=float)
    theta = estimate_abilities(data, a, b, c)
    np.testing.assert_allclose(theta, [mlebme_port(row, a, b, c) for row in data], atol=1e-9)


def test_ml_abilities_are_within_rs_tolerance_of_the_maximum() -> None:
    data = load_reference("perfit_IntelligenceData.csv")[:200]
    a, b, c = np.full(26, 1.2), np.linspace(-2, 2, 26), np.zeros(26)
    theta = estimate_abilities(data, a, b, c)

    def nll(t: float, row: np.ndarray) -> float:
        p = np.clip(1 / (1 + np.exp(a * (b - t))), 1e-5, 1 - 1e-5)
        return float(-(row * np.log(p) + (1 - row) * np.log(1 - p)).sum())

    exact = [
        optimize.minimize_scalar(
            nll, bounds=(-4, 4), args=(row,), method="bounded", options={"xatol": 1e-10}
        ).x
        for row in data
    ]
    assert np.abs(theta - exact).max() < 3 * R_OPTIMIZE_TOL


def test_extreme_and_empty_patterns() -> None:
    a, b, c = np.ones(5), np.linspace(-1, 1, 5), np.zeros(5)
    data = np.array([[0] * 5, [1] * 5, [np.nan] * 5, [1, 1, 0, np.nan, 0]], dtype=float)
    theta = estimate_abilities(data, a, b, c)
    assert theta[0] < -3.99 and theta[1] > 3.99 and math.isnan(theta[2])
    bayes = estimate_abilities(data, a, b, c, method="BM")
    assert -4 < bayes[0] < theta[0] + 3 and abs(bayes[3]) <= abs(theta[3]) + 1e-9


def _simulate_2pl(n: int, a: np.ndarray, b: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal(n)
    prob = 1 / (1 + np.exp(-a * (theta[:, None] - b)))
    return (rng.random(prob.shape) < prob).astype(float)


def test_mml_recovers_simulated_2pl_parameters() -> None:
    a_true = np.array([0.8, 1.0, 1.2, 1.5, 0.9, 1.1, 1.3, 0.7, 1.0, 1.4])
    b_true = np.linspace(-1.5, 1.5, 10)
    data = _simulate_2pl(5000, a_true, b_true, seed=8)
    data[:50, 0] = np.nan
    a, b = estimate_item_parameters(data)
    assert np.abs(b - b_true).max() < 0.15
    assert np.abs(a - a_true).max() < 0.2
    rasch_data = _simulate_2pl(5000, np.ones(10), b_true, seed=9)
    rasch_a, rasch_b = estimate_item_parameters(rasch_data, model="1PL")
    assert (rasch_a == 1).all() and np.abs(rasch_b - b_true).max() < 0.1


def test_mml_solution_is_a_stationary_point_of_the_marginal_likelihood() -> None:
    data = load_reference("perfit_IntelligenceData.csv")
    a, b = estimate_item_parameters(data)
    nodes, weights = np.polynomial.hermite.hermgauss(20)
    theta, w = np.sqrt(2) * nodes, weights / np.sqrt(np.pi)

    def marginal(a_: np.ndarray, b_: np.ndarray) -> float:
        p = 1 / (1 + np.exp(-a_ * (theta[:, None] - b_)))
        like = np.exp(data @ np.log(p).T + (1 - data) @ np.log(1 - p).T) @ w
        return float(np.log(like).sum())

    best = marginal(a, b)
    for j in (0, 10, 25):
        for delta in (-1e-3, 1e-3):
            shifted_a, shifted_b = a.copy(), b.copy()
            shifted_a[j] += delta
            shifted_b[j] += delta
            assert marginal(shifted_a, b) <= best + 1e-7
            assert marginal(a, shifted_b) <= best + 1e-7


def test_npmodel_imputation_fills_only_gaps_from_the_closest_donors() -> None:
    donors = np.array([[1, 1, 1, 0], [1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 1]], dtype=float)
    recipients = np.array([[1, 1, np.nan, np.nan], [0, 0, np.nan, 1]], dtype=float)
    data = np.vstack([donors, recipients])
    filled = impute_npmodel(data, np.random.default_rng(0))
    np.testing.assert_array_equal(filled[:4], donors)
    # recipient 1 has 2 correct on items 1–2: donors 1 and 2 match exactly; both solved
    # item 3 (→ 1 for sure); item 4 is solved by one of them (→ a coin flip, still 0/1)
    assert filled[4, 2] == 1 and filled[4, 3] in (0, 1)
    # recipient 2 has 1 correct on items 1, 2, 4: only donor 4 matches; item 3 → 0
    assert filled[5, 2] == 0
    again = impute_npmodel(data, np.random.default_rng(0))
    np.testing.assert_array_equal(filled, again)
    with pytest.raises(ValueError, match="no donors"):
        impute_npmodel(recipients, np.random.default_rng(0))
