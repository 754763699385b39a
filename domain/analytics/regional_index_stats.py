"""The statistics behind the regional index, vectorised and free of numpy warnings.

Each function is the formula documented in docs/regional-index.md and nothing else,
so that it can be checked by hand. Undefined values (a share of zero respondents, a
quotient over a zero national share) are NaN, produced with masked division rather
than by dividing by zero: the test suite turns numpy RuntimeWarnings into errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import special, stats

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: The prior never weighs less than one pseudo-respondent. With a (nearly) perfectly
#: polarised sample the moment estimate of ρ reaches or exceeds 1 and 1/ρ − 1 would be
#: ≤ 0 or vanishingly small, giving a tiny region with k = n an interval of [1, 1].
MIN_CONCENTRATION = 1.0
#: Estimates are rounded to this many decimals before ranking, so that regions whose
#: estimates are equal in exact arithmetic tie despite floating-point noise.
RANK_DECIMALS = 12


class PriorFit(StrEnum):
    """How a target's beta prior concentration M was obtained."""

    MOMENT = "MOMENT"  # method of moments from the between-region dispersion
    CAPPED = "CAPPED"  # moment estimate above the cap; the cap is used
    NO_OVERDISPERSION = "NO_OVERDISPERSION"  # X² ≤ R − 1: no excess variation; cap used
    TOO_FEW_REGIONS = "TOO_FEW_REGIONS"  # fewer than 2 regions with data (or all n = 1)
    DEGENERATE = "DEGENERATE"  # national share 0 or 1 (or no data): no prior needed


def safe_divide(numerator: npt.ArrayLike, denominator: npt.ArrayLike) -> FloatArray:
    """numerator / denominator, NaN where the denominator is zero — without warnings."""
    num = np.asarray(numerator, dtype=np.float64)
    den = np.asarray(denominator, dtype=np.float64)
    num, den = np.broadcast_arrays(num, den)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


@dataclass(frozen=True, eq=False)
class BetaPriors:
    """One beta prior per target: mean = national share p0, concentration M = α + β."""

    national_share: FloatArray  # (T,) NaN when nobody answered
    concentration: FloatArray  # (T,) NaN for DEGENERATE targets
    chi_square: FloatArray  # (T,) Pearson X² of homogeneity across regions
    rho: FloatArray  # (T,) moment estimate of the intra-region correlation
    fit: tuple[PriorFit, ...]


def fit_beta_priors(n: IntArray, k: IntArray, max_concentration: float | None = None) -> BetaPriors:
    """Fit Beta(p0·M, (1 − p0)·M) per target by the method of moments.

    ``n`` (R,) respondents per region, ``k`` (R, T) choosers per region and target.
    With y_r = k_r / n_r and ρ = 1 / (M + 1), a beta-binomial gives
    E[X²] = (R − 1) + ρ·(N − Σn_r²/N − (R − 1)), where X² = Σ (k_r − n_r·p0)² / (n_r·p0·(1 − p0))
    is Pearson's homogeneity statistic; solving for ρ gives the estimate, M = 1/ρ − 1.
    Regions without respondents carry no information and are left out. When X² does
    not exceed its binomial expectation R − 1 the estimate would be complete pooling
    (M = ∞); we fall back to the cap — ``max_concentration`` or, by default, N (a prior
    as heavy as the whole national sample) — which pulls every region almost onto p0
    while keeping a proper posterior and a finite interval.
    """
    n = np.asarray(n, dtype=np.int64)
    k = np.asarray(k, dtype=np.int64).reshape(len(n), -1)
    has_data = n > 0
    n_used = n[has_data].astype(np.float64)
    k_used = k[has_data].astype(np.float64)
    regions = int(has_data.sum())
    total = float(n_used.sum())
    chosen = k_used.sum(axis=0)
    p0 = safe_divide(chosen, np.full_like(chosen, total))
    cap = float(max_concentration) if max_concentration is not None else total
    denominator = total - (float((n_used**2).sum()) / total if total else 0.0) - (regions - 1)

    proper = (chosen > 0) & (chosen < total)
    variance = p0 * (1.0 - p0)
    expected = n_used[:, None] * p0[None, :]
    chi_square = np.full(len(p0), np.nan)
    rho = np.full(len(p0), np.nan)
    concentration = np.full(len(p0), np.nan)
    if proper.any():
        scaled = n_used[:, None] * variance[None, proper]
        chi_square[proper] = ((k_used[:, proper] - expected[:, proper]) ** 2 / scaled).sum(axis=0)
        if denominator > 0:
            rho[proper] = (chi_square[proper] - (regions - 1)) / denominator
    fits: list[PriorFit] = []
    for t in range(len(p0)):
        if not proper[t]:
            fits.append(PriorFit.DEGENERATE)
            continue
        if regions < 2 or denominator <= 0:
            fit, value = PriorFit.TOO_FEW_REGIONS, cap
        elif chi_square[t] <= regions - 1:
            fit, value = PriorFit.NO_OVERDISPERSION, cap
        else:
            value = 1.0 / rho[t] - 1.0
            fit = PriorFit.CAPPED if value > cap else PriorFit.MOMENT
            value = min(max(value, MIN_CONCENTRATION), cap)
        fits.append(fit)
        concentration[t] = value
    return BetaPriors(p0, concentration, chi_square, rho, tuple(fits))


@dataclass(frozen=True, eq=False)
class Posterior:
    """Posterior Beta(α + k, β + n − k) summaries per (region, target); NaN where undefined."""

    mean: FloatArray
    lower: FloatArray
    upper: FloatArray


def beta_posterior(
    n: IntArray, k: IntArray, priors: BetaPriors, confidence: float = 0.95
) -> Posterior:
    """Shrink each region's share toward p0: posterior mean and equal-tailed interval.

    A region without respondents gets NaN (no data is not the national average). A
    DEGENERATE target (p0 = 0 or 1) has a point-mass posterior at p0.
    """
    n = np.asarray(n, dtype=np.int64)
    k = np.asarray(k, dtype=np.int64).reshape(len(n), -1)
    shape = k.shape
    mean, lower, upper = (np.full(shape, np.nan) for _ in range(3))
    has_data = np.broadcast_to((n > 0)[:, None], shape)
    proper = np.isfinite(priors.concentration)[None, :] & has_data
    point = ~np.isfinite(priors.concentration)[None, :] & np.isfinite(priors.national_share)
    point = point & has_data
    p0 = np.broadcast_to(priors.national_share[None, :], shape)
    for out in (mean, lower, upper):
        out[point] = p0[point]
    if proper.any():
        m = np.broadcast_to(priors.concentration[None, :], shape)[proper]
        a = p0[proper] * m + k[proper]
        b = (1.0 - p0[proper]) * m + (np.broadcast_to(n[:, None], shape)[proper] - k[proper])
        tail = (1.0 - confidence) / 2.0
        mean[proper] = a / (a + b)
        lower[proper] = special.betaincinv(a, b, tail)
        upper[proper] = special.betaincinv(a, b, 1.0 - tail)
    return Posterior(mean, lower, upper)


def competition_rank(values: FloatArray) -> IntArray:
    """Rank along axis 0, largest first, ties sharing the best rank (1, 2, 2, 4); 0 = NaN."""
    rounded = np.round(np.asarray(values, dtype=np.float64), RANK_DECIMALS)
    above = (rounded[None, :, ...] > rounded[:, None, ...]).sum(axis=1)
    return np.where(np.isnan(rounded), 0, above + 1).astype(np.int64)


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile: 1.959963984540054 for 95%."""
    return float(stats.norm.ppf(0.5 + confidence / 2.0))


def wilson_interval(
    k: npt.ArrayLike, n: npt.ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for k/n (Wilson 1927); NaN where n = 0."""
    z = z_value(confidence)
    k_arr = np.asarray(k, dtype=np.float64)
    n_arr = np.asarray(n, dtype=np.float64)
    p = safe_divide(k_arr, n_arr)
    z2_n = safe_divide(z * z, n_arr)
    centre = (p + z2_n / 2.0) / (1.0 + z2_n)
    radicand = np.maximum(p * (1.0 - p) / np.where(n_arr > 0, n_arr, np.nan), 0.0)
    half = z / (1.0 + z2_n) * np.sqrt(radicand + z2_n * z2_n / (4.0 * z * z))
    return centre - half, centre + half


def newcombe_difference(
    k1: npt.ArrayLike,
    n1: npt.ArrayLike,
    k2: npt.ArrayLike,
    n2: npt.ArrayLike,
    confidence: float = 0.95,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """p1 − p2 and Newcombe's hybrid score interval (Newcombe 1998, method 10).

    With Wilson limits (l1, u1), (l2, u2): lower = d − √((p1 − l1)² + (u2 − p2)²),
    upper = d + √((u1 − p1)² + (p2 − l2)²). It stays inside [−1, 1] and behaves well
    for small groups and shares near 0 or 1, where the Wald interval does not.
    """
    p1 = safe_divide(k1, n1)
    p2 = safe_divide(k2, n2)
    l1, u1 = wilson_interval(k1, n1, confidence)
    l2, u2 = wilson_interval(k2, n2, confidence)
    d = p1 - p2
    return (
        d,
        d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


@dataclass(frozen=True, slots=True)
class RankCorrelation:
    """Spearman's ρ across regions with its two-sided p-value (None when undefined)."""

    rho: float | None
    p_value: float | None
    regions: int
    method: str = "spearman; p-value from t = ρ·√((n−2)/(1−ρ²)), n − 2 df"


def spearman(x: npt.ArrayLike, y: npt.ArrayLike) -> RankCorrelation:
    """Spearman's ρ: Pearson correlation of average ranks (ties allowed).

    The p-value uses the t approximation (what scipy.stats.spearmanr reports); it is
    undefined with fewer than 3 regions or a constant variable, and we return None
    there instead of letting scipy warn.
    """
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    keep = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[keep], ys[keep]
    count = len(xs)
    if count < 3 or np.ptp(xs) == 0 or np.ptp(ys) == 0:
        return RankCorrelation(None, None, count)
    rx = stats.rankdata(xs) - (count + 1) / 2.0
    ry = stats.rankdata(ys) - (count + 1) / 2.0
    rho = float(np.dot(rx, ry) / math.sqrt(float(np.dot(rx, rx)) * float(np.dot(ry, ry))))
    rho = max(-1.0, min(1.0, rho))
    if abs(rho) >= 1.0:
        return RankCorrelation(rho, 0.0, count)
    t = rho * math.sqrt((count - 2) / (1.0 - rho * rho))
    return RankCorrelation(rho, float(2.0 * stats.t.sf(abs(t), count - 2)), count)
