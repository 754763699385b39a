"""Random guessing on dichotomous tests: response-time effort and PerFit 1.4.6 person fit.

A guesser answers too fast (response-time effort, RTE) and produces answer patterns the
item difficulties make implausible (lz, lz*, U3, ZU3). The formulas follow PerFit's R
source (lz.R, lzstar.R, U3.R, ZU3.R): logistic IRT *without* the 1.7 factor, results
rounded to 4 decimals as PerFit reports them (`decimals=None` keeps full precision),
all-0 and all-1 patterns NA for U3 and ZU3 but kept for lz and lz*.

The statistic functions take a complete 0/1 matrix; `person_fit` is the PerFit-like entry
point that estimates what is not supplied and imputes missing answers first
(see `personfit_estimation` for how that differs from R).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from domain.analytics.personfit_estimation import (
    AbilityMethod,
    IrtModel,
    estimate_abilities,
    estimate_item_parameters,
    impute_npmodel,
)
from domain.analytics.response_matrix import BoolArray, FloatArray, as_response_matrix

LzstarMethod = Literal["ML", "BM", "WL"]


@dataclass(frozen=True)
class ItemParameters:
    """Discrimination a, difficulty b and pseudo-guessing c of each item (3PL, D = 1)."""

    a: FloatArray
    b: FloatArray
    c: FloatArray

    def __post_init__(self) -> None:
        if not (self.a.shape == self.b.shape == self.c.shape) or self.a.ndim != 1:
            raise ValueError("a, b and c must be 1-D arrays of the same length")
        if not np.isfinite(np.concatenate([self.a, self.b, self.c])).all():
            raise ValueError("item parameters must be finite numbers")
        if ((self.c < 0) | (self.c >= 1)).any():
            raise ValueError("pseudo-guessing c must lie in [0, 1)")

    @classmethod
    def of(
        cls, a: npt.ArrayLike, b: npt.ArrayLike, c: npt.ArrayLike | None = None
    ) -> ItemParameters:
        """Build from sequences; `c` defaults to 0 (the 2PL)."""
        a_arr = np.asarray(a, dtype=np.float64)
        c_arr = np.zeros_like(a_arr) if c is None else np.asarray(c, dtype=np.float64)
        return cls(a_arr, np.asarray(b, dtype=np.float64), c_arr)

    def __len__(self) -> int:
        return len(self.a)

    def probability(self, theta: FloatArray) -> FloatArray:
        """P(correct) for each respondent (row) and item (column)."""
        return self.c + (1.0 - self.c) / (1.0 + np.exp(-self.a * (theta[:, None] - self.b)))


def _check_dichotomous(x: npt.ArrayLike, *, allow_missing: bool) -> FloatArray:
    matrix = as_response_matrix(x)
    present = ~np.isnan(matrix)
    if not allow_missing and not present.all():
        raise ValueError("the matrix has missing answers: impute them first (see person_fit)")
    if not np.isin(matrix[present], (0.0, 1.0)).all():
        raise ValueError("the data matrix is not numeric with 0/1 entries only")
    return matrix


def _round(values: FloatArray, decimals: int | None) -> FloatArray:
    return values if decimals is None else np.round(values, decimals)


def _check_theta(theta: npt.ArrayLike, n: int) -> FloatArray:
    values = np.asarray(theta, dtype=np.float64).ravel()
    if values.shape != (n,):
        raise ValueError(f"need one ability per respondent ({n}), got {values.size}")
    return values


def lz(
    x: npt.ArrayLike, params: ItemParameters, theta: npt.ArrayLike, *, decimals: int | None = 4
) -> FloatArray:
    """Standardised log-likelihood lz (Drasgow, Levine & Williams 1985), PerFit's `lz`."""
    matrix = _check_dichotomous(x, allow_missing=False)
    p = params.probability(_check_theta(theta, matrix.shape[0]))
    q = 1.0 - p
    l0 = (matrix * np.log(p) + (1 - matrix) * np.log(q)).sum(axis=1)
    expected = (p * np.log(p) + q * np.log(q)).sum(axis=1)
    variance = (p * q * np.log(p / q) ** 2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):  # all P = .5: 0/0 → NaN, as in R
        return _round((l0 - expected) / np.sqrt(variance), decimals)


def lzstar(
    x: npt.ArrayLike,
    params: ItemParameters,
    theta: npt.ArrayLike,
    *,
    ability_method: LzstarMethod = "ML",
    mu: float = 0.0,
    sigma: float = 1.0,
    decimals: int | None = 4,
) -> FloatArray:
    """lz* (Snijders 2001), corrected for an estimated ability, exactly as PerFit's `lzstar`.

    `ability_method` names the estimator `theta` came from and sets the correction term
    r₀: 0 for ML, (μ − θ)/σ² for Bayes modal, Warm's term for WL.
    """
    matrix = _check_dichotomous(x, allow_missing=False)
    n, k = matrix.shape
    ability = _check_theta(theta, n)
    a, b, c = params.a, params.b, params.c
    p = params.probability(ability)
    q = 1.0 - p
    exponent = np.exp(a * (ability[:, None] - b))
    d1p = (1 - c) * a * exponent / (1 + exponent) ** 2
    d2p = (1 - c) * a**2 * exponent * (1 - exponent) / (1 + exponent) ** 3
    ri = d1p / (p * q)
    if ability_method == "ML":
        r0 = np.zeros(n)
    elif ability_method == "BM":
        r0 = (mu - ability) / sigma**2
    else:
        r0 = ((d1p * d2p) / (p * q)).sum(axis=1) / (2 * ((d1p**2) / (p * q)).sum(axis=1))
    wi = np.log(p / q)
    wn = ((matrix - p) * wi).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):  # degenerate cases → NaN, as in R
        cn = (d1p * wi).sum(axis=1) / (d1p * ri).sum(axis=1)
        wi_tilde = wi - cn[:, None] * ri
        tau2n = ((wi_tilde**2) * p * q).sum(axis=1) / k
        return _round((wn + cn * r0) / np.sqrt(k * tau2n), decimals)


def _u3_terms(matrix: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Sample log-odds weights, number correct, and the Guttman-best/worst weight sums."""
    p = matrix.mean(axis=0)
    with np.errstate(divide="ignore"):
        log_odds = np.log(p / (1 - p))
    log_odds[np.isinf(log_odds)] = 0.0  # items nobody (or everybody) solved: no information
    number_correct = matrix.sum(axis=1).astype(np.int64)
    best = np.concatenate([[0.0], np.cumsum(np.sort(log_odds)[::-1])])
    worst = np.concatenate([[0.0], np.cumsum(np.sort(log_odds))])
    return log_odds, number_correct, best[number_correct], worst[number_correct]


def u3(x: npt.ArrayLike, *, decimals: int | None = 4) -> FloatArray:
    """U3 (van der Flier 1982): 0 for a perfect Guttman pattern, 1 for its reverse.

    Weights are ln(p/(1 − p)) of the sample proportions correct, infinite weights set to 0;
    all-0 and all-1 rows are NaN (PerFit leaves them out and reports NA).
    """
    matrix = _check_dichotomous(x, allow_missing=False)
    log_odds, nc, first, last = _u3_terms(matrix)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = (first - matrix @ log_odds) / (first - last)
    values[(nc == 0) | (nc == matrix.shape[1])] = np.nan
    return _round(values, decimals)


def zu3(x: npt.ArrayLike, *, decimals: int | None = 4) -> FloatArray:
    """ZU3: U3 standardised by its expectation and variance given the number correct."""
    matrix = _check_dichotomous(x, allow_missing=False)
    log_odds, nc, first, last = _u3_terms(matrix)
    p = matrix.mean(axis=0)
    pq = p * (1 - p)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = (p * log_odds).sum() + (pq * log_odds).sum() * (nc - p.sum()) / pq.sum()
        beta = (pq * log_odds**2).sum() - (pq * log_odds).sum() ** 2 / pq.sum()
        u3_values = (first - matrix @ log_odds) / (first - last)
        expected = (first - alpha) / (first - last)
        variance = beta / (first - last) ** 2
        values = (u3_values - expected) / np.sqrt(variance)
    values[(nc == 0) | (nc == matrix.shape[1])] = np.nan
    return _round(values, decimals)


@dataclass(frozen=True)
class ResponseTimeEffort:
    """RTE per respondent, the rapid-guess mask and the per-item time thresholds."""

    rte: FloatArray
    rapid: BoolArray
    thresholds: FloatArray


def response_time_effort(
    times: npt.ArrayLike, *, threshold_fraction: float = 0.10
) -> ResponseTimeEffort:
    """Response-time effort (Wise & Kong 2005) with the normative threshold NT10.

    A response is a rapid guess when its time is below `threshold_fraction` (10%) of the
    item's mean time over all respondents (Wise & Ma 2012); RTE is the share of a
    respondent's timed responses that are not rapid. Missing times (NaN) are skipped; a
    respondent without any time gets NaN.
    """
    if not 0.0 < threshold_fraction < 1.0:
        raise ValueError("threshold_fraction must lie strictly between 0 and 1")
    matrix = as_response_matrix(times, name="times")
    timed = ~np.isnan(matrix)
    if (matrix[timed] < 0).any():
        raise ValueError("response times cannot be negative")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_time = np.where(timed, matrix, 0.0).sum(axis=0) / timed.sum(axis=0)
        thresholds = threshold_fraction * mean_time
        rapid = timed & (matrix < thresholds)
        rte = 1.0 - rapid.sum(axis=1) / timed.sum(axis=1)
    return ResponseTimeEffort(rte=rte, rapid=rapid, thresholds=thresholds)


@dataclass(frozen=True)
class PersonFitResult:
    """U3, ZU3, lz and lz* per respondent, with the parameters and abilities used."""

    u3: FloatArray
    zu3: FloatArray
    lz: FloatArray
    lzstar: FloatArray
    params: ItemParameters
    theta: FloatArray
    imputed: bool


def person_fit(
    x: npt.ArrayLike,
    params: ItemParameters | None = None,
    theta: npt.ArrayLike | None = None,
    *,
    model: IrtModel = "2PL",
    ability_method: AbilityMethod = "ML",
    mu: float = 0.0,
    sigma: float = 1.0,
    seed: int = 0,
    decimals: int | None = 4,
) -> PersonFitResult:
    """All four statistics the way PerFit's functions run with their defaults.

    Order as in PerFit: item parameters (MML, `model`) and abilities (`ability_method`)
    are estimated from the data with its missing answers when not supplied; then missing
    answers are imputed (NPModel, seeded) and the statistics computed on the completed
    matrix. PerFit imputes afresh inside each statistic; here one imputation is shared.
    """
    matrix = _check_dichotomous(x, allow_missing=True)
    n, k = matrix.shape
    if params is None:
        a, b = estimate_item_parameters(matrix, model=model)
        params = ItemParameters.of(a, b)
    elif len(params) != k:
        raise ValueError(f"need parameters for {k} items, got {len(params)}")
    if theta is None:
        ability = estimate_abilities(
            matrix, params.a, params.b, params.c, method=ability_method, mu=mu, sigma=sigma
        )
    else:
        ability = _check_theta(theta, n)
    imputed = bool(np.isnan(matrix).any())
    complete = impute_npmodel(matrix, np.random.default_rng(seed)) if imputed else matrix
    return PersonFitResult(
        u3=u3(complete, decimals=decimals),
        zu3=zu3(complete, decimals=decimals),
        lz=lz(complete, params, ability, decimals=decimals),
        lzstar=lzstar(
            complete,
            params,
            ability,
            ability_method=ability_method,
            mu=mu,
            sigma=sigma,
            decimals=decimals,
        ),
        params=params,
        theta=ability,
        imputed=imputed,
    )
