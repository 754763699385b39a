"""Mahalanobis D² against the sample (`careless::mahad`, via `psych::outlier`).

A random responder ignores how items hang together, so their answer vector lies far from
the sample's centre in the metric of the item covariance. careless 1.2.2 delegates to
`psych::outlier(x, bad = 0, na.rm = TRUE)`, which

1. takes the covariance with `cov(x, use = "pairwise")` (each pair of items over the rows
   that answered both, with that subset's own means, divided by n − 1),
2. centres every column on its mean over the answers present,
3. sums `x_c' S⁻¹ x_c` with `na.rm = TRUE`, i.e. a missing centred value counts as 0,

and careless flags `D² > qchisq(confidence, df = number of items)`; rows with no answer
at all get NA. The same steps run here in row chunks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from domain.analytics.response_matrix import (
    DEFAULT_CHUNK_ROWS,
    BoolArray,
    FloatArray,
    as_response_matrix,
    row_chunks,
)


@dataclass(frozen=True)
class PairwiseMoments:
    """Sums over the rows where both items of a pair are answered (shifted data).

    `count[i, j]` rows answered both items; `sum_x[i, j]` and `sum_xx[i, j]` are the sum
    and the sum of squares of item `i` over those rows; `sum_xy[i, j]` the cross-product.
    Values are shifted by each item's overall mean first (`means`, over the answers
    present), which leaves (co)variances unchanged and keeps the one-pass formulas free
    of cancellation.
    """

    means: FloatArray
    count: FloatArray
    sum_x: FloatArray
    sum_xx: FloatArray
    sum_xy: FloatArray

    def covariance(self) -> FloatArray:
        """R's `cov(x, use = "pairwise")`; NaN where fewer than two rows share a pair."""
        with np.errstate(invalid="ignore", divide="ignore"):
            cov = (self.sum_xy - self.sum_x * self.sum_x.T / self.count) / (self.count - 1)
        cov[self.count < 2] = np.nan
        return cov

    def correlation(self) -> FloatArray:
        """R's `cor(x, use = "pairwise.complete.obs")` (both SDs over the shared rows)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            ss_i = self.sum_xx - self.sum_x**2 / self.count
            ss_j = ss_i.T
            sp = self.sum_xy - self.sum_x * self.sum_x.T / self.count
            cor = np.clip(sp / np.sqrt(ss_i * ss_j), -1.0, 1.0)
        cor[(self.count < 2) | (ss_i <= 0) | (ss_j <= 0)] = np.nan
        return cor


def pairwise_moments(x: npt.ArrayLike, *, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> PairwiseMoments:
    """Accumulate the pairwise-complete sums with four small matrix products per chunk."""
    matrix = as_response_matrix(x)
    k = matrix.shape[1]
    totals = np.zeros(k)
    answered = np.zeros(k)
    for rows in row_chunks(matrix.shape[0], chunk_rows):
        block = matrix[rows]
        seen = ~np.isnan(block)
        totals += np.where(seen, block, 0.0).sum(axis=0)
        answered += seen.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.nan_to_num(totals / answered)  # an item nobody answered: shift 0
    count = np.zeros((k, k))
    sum_x = np.zeros((k, k))
    sum_xx = np.zeros((k, k))
    sum_xy = np.zeros((k, k))
    for rows in row_chunks(matrix.shape[0], chunk_rows):
        z = matrix[rows] - shift
        missing = np.isnan(z)
        if missing.any():
            present = (~missing).astype(np.float64)
            z[missing] = 0.0
            count += present.T @ present
            sum_x += z.T @ present
            sum_xx += (z * z).T @ present
        else:
            count += z.shape[0]
            sum_x += z.sum(axis=0)[:, None]
            sum_xx += (z * z).sum(axis=0)[:, None]
        sum_xy += z.T @ z
    return PairwiseMoments(means=shift, count=count, sum_x=sum_x, sum_xx=sum_xx, sum_xy=sum_xy)


@dataclass(frozen=True)
class MahadResult:
    """D² per respondent, the chi-square cut-off and the flag `d_sq > cutoff`.

    `d_sq` is NaN for a row without any answer (R's NA); such a row is not flagged.
    """

    d_sq: FloatArray
    flagged: BoolArray
    cutoff: float


def mahad(
    x: npt.ArrayLike,
    *,
    confidence: float = 0.99,
    moments: PairwiseMoments | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> MahadResult:
    """Mahalanobis D² of every row against the sample, flagged at `confidence`.

    `moments` may pass the `pairwise_moments` of the same matrix when the caller already
    has them (the psychometric synonyms need them too), saving a pass over the data.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must lie strictly between 0 and 1")
    matrix = as_response_matrix(x)
    n, k = matrix.shape
    if moments is None:
        moments = pairwise_moments(matrix, chunk_rows=chunk_rows)
    cov = moments.covariance()
    if np.isnan(cov).any():
        raise ValueError("some item pairs have fewer than two common answers: no covariance")
    # R's solve() refuses a matrix whose reciprocal condition number is below machine eps.
    if np.linalg.cond(cov, 1) * np.finfo(np.float64).eps >= 1.0:
        raise ValueError("the item covariance matrix is computationally singular")
    inverse = np.linalg.inv(cov)
    means = moments.means  # psych centres each column on its mean over the answers present
    d_sq = np.empty(n, dtype=np.float64)
    for rows in row_chunks(n, chunk_rows):
        centred = matrix[rows] - means
        empty = np.isnan(centred).all(axis=1)
        np.nan_to_num(centred, copy=False, nan=0.0)
        block = np.einsum("ij,ij->i", centred @ inverse, centred)
        block[empty] = np.nan
        d_sq[rows] = block
    cutoff = float(stats.chi2.ppf(confidence, df=k))
    with np.errstate(invalid="ignore"):
        flagged = d_sq > cutoff
    return MahadResult(d_sq=d_sq, flagged=flagged, cutoff=cutoff)
