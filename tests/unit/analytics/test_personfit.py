"""lz, lz*, U3, ZU3 and response-time effort against PerFit 1.4.6's formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from domain.analytics.personfit import (
    ItemParameters,
    lz,
    lzstar,
    person_fit,
    response_time_effort,
    u3,
    zu3,
)
from tests.unit.analytics import load_reference

SPEC_ITEMS = ItemParameters.of([1, 1.2, 0.8, 1.5, 1, 0.9], [-1.5, -1, -0.5, 0, 0.5, 1])


def test_lz_matches_the_spec_examples() -> None:
    patterns = [[0, 0, 0, 1, 1, 1], [1, 1, 1, 0, 0, 0]]
    assert lz(patterns, SPEC_ITEMS, [0.3, 0.0]).tolist() == [-3.6273, 1.2551]


def test_u3_is_one_for_the_reversed_and_zero_for_the_guttman_pattern() -> None:
    rng = np.random.default_rng(42)
    theta = rng.standard_normal(3000)
    sample = (rng.random((3000, 6)) < SPEC_ITEMS.probability(theta)).astype(float)
    data = np.vstack([[0, 0, 0, 1, 1, 1], [1, 1, 1, 0, 0, 0], sample])
    assert (np.diff(data.mean(axis=0)) < 0).all()  # items get harder left to right
    assert u3(data)[:2].tolist() == [1.0, 0.0]


def lz_port(row: list[float], items: ItemParameters, theta: float) -> float:
    l0 = e = v = 0.0
    for x, a, b, c in zip(row, items.a, items.b, items.c, strict=True):
        p = c + (1 - c) / (1 + math.exp(-a * (theta - b)))
        q = 1 - p
        l0 += x * math.log(p) + (1 - x) * math.log(q)
        e += p * math.log(p) + q * math.log(q)
        v += p * q * math.log(p / q) ** 2
    return (l0 - e) / math.sqrt(v)


def lzstar_port(row: list[float], items: ItemParameters, theta: float, r0: float = 0.0) -> float:
    """lzstar.R for one person; r0 = 0 for Ability.PModel = "ML"."""
    terms = []
    for a, b, c in zip(items.a, items.b, items.c, strict=True):
        p = c + (1 - c) / (1 + math.exp(-a * (theta - b)))
        ex = math.exp(a * (theta - b))
        d1 = (1 - c) * a * ex / (1 + ex) ** 2
        terms.append((p, 1 - p, d1, d1 / (p * (1 - p)), math.log(p / (1 - p))))
    wn = sum((x - p) * w for x, (p, _q, _d, _r, w) in zip(row, terms, strict=True))
    cn = sum(d * w for _p, _q, d, _r, w in terms) / sum(d * r for _p, _q, d, r, _w in terms)
    tau2 = sum((w - cn * r) ** 2 * p * q for p, q, _d, r, w in terms) / len(terms)
    return (wn - (-cn * r0)) / math.sqrt(len(terms) * tau2)


def test_lz_and_lzstar_equal_a_person_by_person_port() -> None:
    data = load_reference("perfit_IntelligenceData.csv")[:300]
    rng = np.random.default_rng(1)
    items = ItemParameters.of(
        rng.uniform(0.5, 2, 26), rng.normal(0, 1, 26), rng.uniform(0, 0.25, 26)
    )
    theta = rng.normal(0, 1, len(data))
    got_lz = lz(data, items, theta, decimals=None)
    got_star = lzstar(data, items, theta, decimals=None)
    for i, row in enumerate(data.tolist()):
        assert got_lz[i] == pytest.approx(lz_port(row, items, theta[i]), abs=1e-9)
        assert got_star[i] == pytest.approx(lzstar_port(row, items, theta[i]), abs=1e-9)
    np.testing.assert_array_equal(lz(data, items, theta), np.round(got_lz, 4))


def test_lzstar_corrections_for_other_ability_estimators() -> None:
    x = [[0, 1, 0, 1, 1, 0]]
    ml = lzstar(x, SPEC_ITEMS, [0.2], decimals=None)[0]
    bm = lzstar(x, SPEC_ITEMS, [0.2], ability_method="BM", mu=0.0, sigma=1.0, decimals=None)[0]
    wl = lzstar(x, SPEC_ITEMS, [0.2], ability_method="WL", decimals=None)[0]
    assert len({ml, bm, wl}) == 3
    mu, sigma = 0.5, 1.5
    bayes = lzstar(x, SPEC_ITEMS, [0.2], ability_method="BM", mu=mu, sigma=sigma, decimals=None)
    assert bayes[0] == pytest.approx(
        lzstar_port(x[0], SPEC_ITEMS, 0.2, r0=(mu - 0.2) / sigma**2), abs=1e-12
    )
    assert lzstar(x, SPEC_ITEMS, [0.0], ability_method="BM", decimals=None)[0] == pytest.approx(
        lzstar(x, SPEC_ITEMS, [0.0], decimals=None)[0]
    )  # r0 = (mu - theta) / sigma^2 vanishes at theta = mu


def u3_port(data: np.ndarray) -> tuple[list[float], list[float]]:
    """U3.R and ZU3.R literally: perfect rows removed, sorted cumulative log-odds."""
    k = data.shape[1]
    p = [float(data[:, j].mean()) for j in range(k)]
    w = []
    for pj in p:
        odds = math.inf if pj == 1 else (0.0 if pj == 0 else pj / (1 - pj))
        w.append(0.0 if odds in (0.0, math.inf) else math.log(odds))
    desc, asc = sorted(w, reverse=True), sorted(w)
    pq = [pj * (1 - pj) for pj in p]
    s_pq = sum(pq)
    beta = (
        sum(a * b * b for a, b in zip(pq, w, strict=True))
        - sum(a * b for a, b in zip(pq, w, strict=True)) ** 2 / s_pq
    )
    out_u3, out_z = [], []
    for row in data.tolist():
        nc = int(sum(row))
        if nc in (0, k):
            out_u3.append(math.nan)
            out_z.append(math.nan)
            continue
        first, last = sum(desc[:nc]), sum(asc[:nc])
        value = (first - sum(x * wj for x, wj in zip(row, w, strict=True))) / (first - last)
        alpha = (
            sum(a * b for a, b in zip(p, w, strict=True))
            + sum(a * b for a, b in zip(pq, w, strict=True)) * (nc - sum(p)) / s_pq
        )
        expected = (first - alpha) / (first - last)
        out_u3.append(value)
        out_z.append((value - expected) / math.sqrt(beta / (first - last) ** 2))
    return out_u3, out_z


def test_u3_and_zu3_equal_the_port_on_the_intelligence_data() -> None:
    data = load_reference("perfit_IntelligenceData.csv")
    expected_u3, expected_z = u3_port(data)
    np.testing.assert_allclose(u3(data, decimals=None), expected_u3, atol=1e-9)
    np.testing.assert_allclose(zu3(data, decimals=None), expected_z, atol=1e-9)
    np.testing.assert_array_equal(u3(data), np.round(expected_u3, 4))


def test_perfect_patterns_and_items_without_variance() -> None:
    rng = np.random.default_rng(7)
    solved_by_all = (rng.random((60, 8)) < 0.6).astype(float)
    solved_by_all[:, 2] = 1.0  # p = 1: infinite weight, set to 0
    solved_by_all[1] = 1.0  # an all-1 pattern
    solved_by_none = (rng.random((60, 8)) < 0.6).astype(float)
    solved_by_none[:, 5] = 0.0  # p = 0: infinite weight, set to 0
    solved_by_none[0] = 0.0  # an all-0 pattern
    for data, perfect in ((solved_by_all, 1), (solved_by_none, 0)):
        expected_u3, expected_z = u3_port(data)
        got_u3, got_z = u3(data, decimals=None), zu3(data, decimals=None)
        np.testing.assert_allclose(got_u3, expected_u3, atol=1e-9)
        np.testing.assert_allclose(got_z, expected_z, atol=1e-9)
        assert math.isnan(got_u3[perfect]) and math.isnan(got_z[perfect])
        others = np.delete(np.arange(60), perfect)
        assert np.isfinite(got_u3[others]).all() and np.isfinite(got_z[others]).all()
    spread = ItemParameters.of(np.ones(8), np.linspace(-1, 1, 8))
    assert np.isfinite(lz(solved_by_all, spread, np.zeros(60))).all()
    # every P = .5 leaves lz without a variance: NaN, as R's 0/0
    flat = ItemParameters.of(np.ones(8), np.zeros(8))
    assert np.isnan(lz(solved_by_all, flat, np.zeros(60))).all()


def test_statistics_refuse_non_dichotomous_or_incomplete_data() -> None:
    with pytest.raises(ValueError, match="0/1"):
        u3([[0, 1, 2]])
    with pytest.raises(ValueError, match="impute"):
        lz([[0, math.nan, 1, 1, 0, 1]], SPEC_ITEMS, [0.0])
    with pytest.raises(ValueError, match="one ability per respondent"):
        lz([[0, 1, 1, 1, 0, 1]], SPEC_ITEMS, [0.0, 1.0])


def test_response_time_effort_uses_ten_percent_of_the_item_mean() -> None:
    times = np.array(
        [
            [30.0, 60.0, 10.0],
            [40.0, 50.0, 20.0],
            [2.0, 4.0, math.nan],  # rapid on item 1 only (thresholds 2.45 and 3.8)
            [26.0, 38.0, 30.0],
        ]
    )
    result = response_time_effort(times)
    np.testing.assert_allclose(result.thresholds, [2.45, 3.8, 2.0])
    assert result.rapid[2].tolist() == [True, False, False]
    assert result.rte.tolist() == [1.0, 1.0, 0.5, 1.0]
    looser = response_time_effort(times, threshold_fraction=0.2)
    assert looser.rapid[2].tolist() == [True, True, False] and looser.rte[2] == 0.0
    # "under" the threshold is strict: a time exactly on it (4 = 25% of 16) is not rapid
    on_the_line = response_time_effort([[4.0], [12.0], [16.0], [32.0]], threshold_fraction=0.25)
    assert on_the_line.thresholds[0] == 4.0 and not on_the_line.rapid.any()
    assert math.isnan(response_time_effort([[math.nan, 1.0], [math.nan, 2.0]]).thresholds[0])
    with pytest.raises(ValueError, match="negative"):
        response_time_effort([[-1.0, 2.0]])


def test_person_fit_with_given_parameters_matches_the_single_statistics() -> None:
    data = load_reference("perfit_IntelligenceData.csv")[:200]
    items = ItemParameters.of(np.full(26, 1.1), np.linspace(-2, 2, 26))
    theta = np.linspace(-1.5, 1.5, 200)
    result = person_fit(data, items, theta)
    np.testing.assert_array_equal(result.lz, lz(data, items, theta))
    np.testing.assert_array_equal(result.lzstar, lzstar(data, items, theta))
    np.testing.assert_array_equal(result.u3, u3(data))
    np.testing.assert_array_equal(result.zu3, zu3(data))
    assert not result.imputed


def test_person_fit_imputes_missing_answers_reproducibly() -> None:
    data = load_reference("perfit_IntelligenceData.csv")[:300].copy()
    data[5, [0, 3]] = math.nan
    data[9, 7] = math.nan
    items = ItemParameters.of(np.ones(26), np.linspace(-2, 2, 26))
    first = person_fit(data, items, seed=3)
    second = person_fit(data, items, seed=3)
    assert first.imputed
    np.testing.assert_array_equal(first.lz, second.lz)
    np.testing.assert_array_equal(first.theta, second.theta)
    assert np.isfinite(first.lz).all() and np.isfinite(first.theta).all()
    with pytest.raises(ValueError, match="parameters for 26 items"):
        person_fit(data, SPEC_ITEMS)
