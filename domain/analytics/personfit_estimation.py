"""What PerFit 1.4.6 estimates before it computes a person-fit statistic.

When the caller gives no item parameters or abilities, PerFit estimates them through two
other R packages, and when answers are missing it imputes them at random:

* item parameters: `irtoys::est(x, model, engine = "ltm", nqp = 20)`, i.e. the marginal
  maximum-likelihood (MML) estimates of `ltm` with 20 Gauss–Hermite points and a N(0, 1)
  ability distribution. `estimate_item_parameters` maximises the same marginal likelihood
  with the same quadrature rule (scipy's BFGS instead of ltm's EM + BFGS), so it aims at
  the same maximum; the two agree up to the optimisers' stopping rules, not bit for bit
  (untested against R here, which is not available);
* abilities: `irtoys::mlebme` — R's `optimize()` (Brent's golden-section/parabolic search,
  tolerance `.Machine$double.eps^0.25`) of the log-likelihood on [−4, 4], probabilities
  clipped to [1e-5, 1 − 1e-5], missing answers skipped. `estimate_abilities` ports R's
  `Brent_fmin` step for step, vectorised over respondents, so it returns R's (inexact,
  within ≈ 1e-4) optimum, including the ≈ ±4 an all-0 or all-1 pattern gets; it agrees
  with a scalar port of the C code to 1e-9 (the log-likelihood sums round differently);
* missing answers: `NA.method = "NPModel"` — each missing answer is drawn from a
  Bernoulli with the item's proportion correct among the complete respondents whose
  number-correct on the recipient's answered items is closest. Same algorithm here, but
  the draws come from a seeded numpy Generator instead of R's RNG.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import optimize

from domain.analytics.response_matrix import BoolArray, FloatArray, IntArray

AbilityMethod = Literal["ML", "BM"]
IrtModel = Literal["1PL", "2PL"]

#: R's `optimize()` default tolerance, .Machine$double.eps^0.25 (= 2^-13).
R_OPTIMIZE_TOL = float(np.finfo(np.float64).eps) ** 0.25
_GOLDEN = (3.0 - np.sqrt(5.0)) * 0.5
_SQRT_EPS = float(np.sqrt(np.finfo(np.float64).eps))
_MAX_BRENT_STEPS = 1_000


def _brent_fmin(
    f: Callable[[FloatArray, IntArray], FloatArray],
    lower: float,
    upper: float,
    n: int,
    tol: float,
) -> FloatArray:
    """R's `Brent_fmin` (src/library/stats/src/optimize.c) for `n` problems at once.

    `f(points, rows)` evaluates the objective of the listed problems at `points`. Every
    branch of the C code is kept, per problem, with masks; problems stop independently.
    """
    a = np.full(n, lower)
    b = np.full(n, upper)
    v = a + _GOLDEN * (b - a)
    w = v.copy()
    x = v.copy()
    d = np.zeros(n)
    e = np.zeros(n)
    fx = f(x, np.arange(n))
    fv = fx.copy()
    fw = fx.copy()
    tol3 = tol / 3.0
    active = np.ones(n, dtype=bool)
    for _ in range(_MAX_BRENT_STEPS):
        xm = (a + b) * 0.5
        tol1 = _SQRT_EPS * np.abs(x) + tol3
        t2 = tol1 * 2.0
        active &= ~(np.abs(x - xm) <= t2 - (b - a) * 0.5)
        if not active.any():
            break
        fit = np.abs(e) > tol1
        r = (x - w) * (fx - fv)
        q = (x - v) * (fx - fw)
        p = (x - v) * q - (x - w) * r
        q = (q - r) * 2.0
        p = np.where(q > 0.0, -p, p)
        q = np.abs(q)
        p = np.where(fit, p, 0.0)
        q = np.where(fit, q, 0.0)
        r = np.where(fit, e, 0.0)
        e = np.where(fit, d, e)
        golden = (np.abs(p) >= np.abs(q * 0.5 * r)) | (p <= q * (a - x)) | (p >= q * (b - x))
        e_golden = np.where(x < xm, b - x, a - x)
        with np.errstate(divide="ignore", invalid="ignore"):
            d_parabola = p / q
        u_parabola = x + d_parabola
        too_close = (u_parabola - a < t2) | (b - u_parabola < t2)
        d_parabola = np.where(too_close, np.where(x >= xm, -tol1, tol1), d_parabola)
        e = np.where(golden, e_golden, e)
        d = np.where(golden, _GOLDEN * e_golden, d_parabola)
        u = np.where(np.abs(d) >= tol1, x + d, np.where(d > 0.0, x + tol1, x - tol1))
        rows = np.flatnonzero(active)
        fu = fx.copy()
        fu[rows] = f(u[rows], rows)
        better = fu <= fx
        left = u < x
        keep_w = (fu <= fw) | (w == x)
        keep_v = ~keep_w & ((fu <= fv) | (v == x) | (v == w))
        new_a = np.where(better, np.where(left, a, x), np.where(left, u, a))
        new_b = np.where(better, np.where(left, x, b), np.where(left, b, u))
        new_v = np.where(better, w, np.where(keep_w, w, np.where(keep_v, u, v)))
        new_fv = np.where(better, fw, np.where(keep_w, fw, np.where(keep_v, fu, fv)))
        new_w = np.where(better, x, np.where(keep_w, u, w))
        new_fw = np.where(better, fx, np.where(keep_w, fu, fw))
        new_x = np.where(better, u, x)
        new_fx = np.where(better, fu, fx)
        a, b = np.where(active, new_a, a), np.where(active, new_b, b)
        v, fv = np.where(active, new_v, v), np.where(active, new_fv, fv)
        w, fw = np.where(active, new_w, w), np.where(active, new_fw, fw)
        x, fx = np.where(active, new_x, x), np.where(active, new_fx, fx)
    return x


def estimate_abilities(
    x: npt.ArrayLike,
    a: FloatArray,
    b: FloatArray,
    c: FloatArray,
    *,
    method: AbilityMethod = "ML",
    mu: float = 0.0,
    sigma: float = 1.0,
) -> FloatArray:
    """`irtoys::mlebme(x, ip, mu, sigma, method)[, 1]`: ML (or Bayes modal) abilities.

    A respondent without any answer gets NaN (irtoys' NA).
    """
    matrix = np.asarray(x, dtype=np.float64)
    present = ~np.isnan(matrix)
    answers = np.where(present, matrix, 0.0)
    answered = present.any(axis=1)

    def negative_loglik(theta: FloatArray, rows: IntArray) -> FloatArray:
        prob = c + (1.0 - c) / (1.0 + np.exp(a * (b - theta[:, None])))
        prob = np.minimum(np.maximum(prob, 1e-5), 0.99999)
        resp = answers[rows]
        ll = np.where(present[rows], resp * np.log(prob) + (1 - resp) * np.log(1.0 - prob), 0.0)
        total = ll.sum(axis=1)
        if method == "BM":
            z = (theta - mu) / sigma
            total = total + (-0.5 * z * z - np.log(sigma) - 0.5 * np.log(2.0 * np.pi))
        return -total

    theta = _brent_fmin(negative_loglik, -4.0, 4.0, matrix.shape[0], R_OPTIMIZE_TOL)
    theta[~answered] = np.nan
    return theta


def estimate_item_parameters(
    x: npt.ArrayLike, *, model: IrtModel = "2PL", quadrature_points: int = 20
) -> tuple[FloatArray, FloatArray]:
    """MML item parameters (a, b) of the logistic 1PL (a = 1) or 2PL model, as ltm fits them.

    The latent distribution is N(0, 1) on Gauss–Hermite nodes (ltm's rule: nodes √2·xₖ,
    weights wₖ/√π); a missing answer drops out of the likelihood. The optimiser works on
    ltm's slope–intercept form logit P = β₀ + β₁θ and returns a = β₁, b = −β₀/β₁.
    """
    matrix = np.asarray(x, dtype=np.float64)
    present = (~np.isnan(matrix)).astype(np.float64)
    answers = np.where(present > 0, matrix, 0.0)
    wrong = present - answers
    nodes, weights = np.polynomial.hermite.hermgauss(quadrature_points)
    theta = np.sqrt(2.0) * nodes
    log_w = np.log(weights / np.sqrt(np.pi))
    n_items = matrix.shape[1]
    if (present.sum(axis=0) == 0).any():
        raise ValueError("an item without any answer has no parameters to estimate")
    p_obs = np.clip(answers.sum(axis=0) / present.sum(axis=0), 0.02, 0.98)
    start_intercept = np.log(p_obs / (1.0 - p_obs))

    def unpack(params: FloatArray) -> tuple[FloatArray, FloatArray]:
        intercept = params[:n_items]
        slope = params[n_items:] if model == "2PL" else np.ones(n_items)
        return intercept, slope

    def objective(params: FloatArray) -> tuple[float, FloatArray]:
        intercept, slope = unpack(params)
        logits = intercept[None, :] + theta[:, None] * slope[None, :]  # nodes × items
        log_p = -np.logaddexp(0.0, -logits)
        log_q = -np.logaddexp(0.0, logits)
        joint = answers @ log_p.T + wrong @ log_q.T + log_w  # respondents × nodes
        marginal = np.logaddexp.reduce(joint, axis=1)
        posterior = np.exp(joint - marginal[:, None])
        prob = np.exp(log_p)
        residual = posterior.T @ answers - (posterior.T @ present) * prob  # nodes × items
        grad_intercept = residual.sum(axis=0)
        gradient = [grad_intercept]
        if model == "2PL":
            gradient.append(theta @ residual)
        return -float(marginal.sum()), -np.concatenate(gradient)

    start = (
        start_intercept if model == "1PL" else np.concatenate([start_intercept, np.ones(n_items)])
    )
    fit = optimize.minimize(
        objective, start, jac=True, method="BFGS", options={"gtol": 1e-7, "maxiter": 5_000}
    )
    intercept, slope = unpack(fit.x)
    return slope.copy(), -intercept / slope


def impute_npmodel(x: npt.ArrayLike, rng: np.random.Generator) -> FloatArray:
    """PerFit's `NPModel.imputation`: fill each NA with a Bernoulli draw (see module doc).

    Donors are the respondents without any missing answer. For a recipient, the donors'
    number-correct is counted on the recipient's answered items; the donors at the
    smallest absolute distance from the recipient's number-correct give the item
    proportions. Vectorised per missing pattern and number-correct, not per respondent.
    """
    matrix = np.array(x, dtype=np.float64)
    missing = np.isnan(matrix)
    recipients = np.flatnonzero(missing.any(axis=1))
    if recipients.size == 0:
        return matrix
    donors = np.flatnonzero(~missing.any(axis=1))
    if donors.size == 0:
        raise ValueError("every respondent has a missing answer: no donors to impute from")
    donor_answers = matrix[donors]
    number_correct = np.nansum(matrix, axis=1)
    patterns, pattern_of = np.unique(missing[recipients], axis=0, return_inverse=True)
    for index, pattern in enumerate(patterns):
        group = recipients[pattern_of.ravel() == index]
        donors_nc = donor_answers[:, ~pattern].sum(axis=1)
        for nc in np.unique(number_correct[group]):
            distance = np.abs(donors_nc - nc)
            closest: BoolArray = distance <= distance.min()
            prob = donor_answers[closest][:, pattern].mean(axis=0)
            rows = group[number_correct[group] == nc]
            draws = rng.random((rows.size, prob.size)) < prob
            block = matrix[rows]
            block[:, pattern] = draws
            matrix[rows] = block
    return matrix
