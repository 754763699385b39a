"""Shared plumbing for the data-quality indices: array types, input checks, row chunks.

Every index works on a respondents × items matrix of float64 where NaN marks a missing
answer, as R's `NA` does in the `careless` and `PerFit` packages. The helpers here keep
that convention in one place and let the indices walk a large matrix in row chunks, so a
1,000,000 × 50 questionnaire never needs more than a few chunk-sized temporaries at once.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

#: Rows per chunk: 65,536 × 50 float64 is 26 MB, small next to the input itself.
DEFAULT_CHUNK_ROWS = 65_536


def as_response_matrix(x: npt.ArrayLike, *, name: str = "x") -> FloatArray:
    """Return `x` as a 2-D float64 matrix (a view when it already is one).

    Infinite values are rejected: R would carry them through as numbers and produce
    meaningless indices, and here they can only come from a parsing mistake.
    """
    matrix = np.asarray(x, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"{name} must be a 2-D respondents × items matrix, got {matrix.ndim}-D")
    if matrix.shape[1] == 0:
        raise ValueError(f"{name} has no items (columns)")
    if np.isinf(matrix).any():
        raise ValueError(f"{name} contains infinite values; use NaN for a missing answer")
    return matrix


def row_chunks(n_rows: int, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Iterator[slice]:
    """Yield consecutive row slices covering `range(n_rows)`."""
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be positive")
    for start in range(0, n_rows, chunk_rows):
        yield slice(start, min(start + chunk_rows, n_rows))


def rowwise_pearson(a: FloatArray, b: FloatArray) -> tuple[FloatArray, IntArray]:
    """Pearson r between `a[i]` and `b[i]` for every row, on pairwise-complete entries.

    Mirrors R's `cor(a_i, b_i, use = "pairwise.complete.obs")`: only positions where both
    values are present count; fewer than two such positions, or a side without spread,
    give NaN (R's NA with a "standard deviation is zero" warning); the result is clamped to
    [-1, 1] as R's C code does. Zero spread is detected as max == min rather than by a
    floating-point variance, because R's long-double mean makes a constant vector's
    standard deviation exactly zero while a plain float64 mean can leave rounding noise.

    Returns the correlations and the number of complete pairs per row.
    """
    valid = ~(np.isnan(a) | np.isnan(b))
    n = valid.sum(axis=1)
    a0 = np.where(valid, a, 0.0)
    b0 = np.where(valid, b, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_a = a0.sum(axis=1) / n
        mean_b = b0.sum(axis=1) / n
        da = np.where(valid, a - mean_a[:, None], 0.0)
        db = np.where(valid, b - mean_b[:, None], 0.0)
        sxy = np.einsum("ij,ij->i", da, db)
        sxx = np.einsum("ij,ij->i", da, da)
        syy = np.einsum("ij,ij->i", db, db)
        r = sxy / np.sqrt(sxx * syy)
    big = np.finfo(np.float64).max
    constant_a = np.where(valid, a, -big).max(axis=1) == np.where(valid, a, big).min(axis=1)
    constant_b = np.where(valid, b, -big).max(axis=1) == np.where(valid, b, big).min(axis=1)
    undefined = (n < 2) | constant_a | constant_b
    r = np.clip(r, -1.0, 1.0)
    r[undefined] = np.nan
    return r, n.astype(np.int64)
