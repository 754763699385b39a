"""Response-pattern indices of `careless` 1.2.2: longstring and IRV (also split).

These two catch the laziest form of careless answering, ticking the same box again and
again, without needing any other respondent: they are computed row by row. The functions
here are vectorised over respondents (a Python loop runs only over items or row chunks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from domain.analytics.response_matrix import (
    DEFAULT_CHUNK_ROWS,
    FloatArray,
    IntArray,
    as_response_matrix,
    row_chunks,
)


@dataclass(frozen=True)
class LongstringResult:
    """`careless::longstring(x, avg = TRUE)`: the longest run and the mean run length."""

    longstr: FloatArray
    avgstr: FloatArray


def longstring(x: npt.ArrayLike, *, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> LongstringResult:
    """Longest run of identical consecutive answers and the average run length per row.

    careless 1.2.2 applies R's `rle()` to each row: a run continues while the next answer
    equals the previous one, and because `NA == NA` is `NA` in R, every missing answer is
    a run of length one of its own (`[1, 1, NA, NA, 1, 1]` → runs 2, 1, 1, 2 → longest 2,
    average 1.5). The average run length is `items / runs`, the mean of `rle()$lengths`.
    A row with only missing answers therefore gets longest 1 and average 1, as in R.
    """
    matrix = as_response_matrix(x)
    n, k = matrix.shape
    longest = np.empty(n, dtype=np.float64)
    average = np.empty(n, dtype=np.float64)
    for rows in row_chunks(n, chunk_rows):
        block = matrix[rows]
        same = block[:, 1:] == block[:, :-1]  # NaN compares unequal: a run of its own
        current = np.ones(block.shape[0], dtype=np.int64)
        best = current.copy()
        for j in range(k - 1):
            current = np.where(same[:, j], current + 1, 1)
            np.maximum(best, current, out=best)
        runs = k - same.sum(axis=1)
        longest[rows] = best
        average[rows] = k / runs
    return LongstringResult(longstr=longest, avgstr=average)


def _row_sd(block: FloatArray, na_rm: bool) -> FloatArray:
    """Sample standard deviation (n − 1) of each row, R's `sd(row, na.rm = na_rm)`."""
    present = ~np.isnan(block)
    count = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, block, 0.0).sum(axis=1) / count
        dev = np.where(present, block - mean[:, None], 0.0)
        sd = np.sqrt(np.einsum("ij,ij->i", dev, dev) / (count - 1))
    sd[count < 2] = np.nan
    if not na_rm:
        sd[count < block.shape[1]] = np.nan
    return sd


def irv(
    x: npt.ArrayLike, *, na_rm: bool = True, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> FloatArray:
    """Intra-individual response variability: the row's sample SD (`careless::irv`).

    With `na_rm=True` (careless' default since 1.2.1) missing answers are dropped and a row
    with fewer than two answers is NaN, R's `sd()` of a 0- or 1-element vector; with
    `na_rm=False` any missing answer makes the row NaN.
    """
    matrix = as_response_matrix(x)
    out = np.empty(matrix.shape[0], dtype=np.float64)
    for rows in row_chunks(matrix.shape[0], chunk_rows):
        out[rows] = _row_sd(matrix[rows], na_rm)
    return out


def r_cut_bins(n_items: int, n_parts: int) -> IntArray:
    """0-based part of each item, as `cut(seq_along(items), n_parts, labels = FALSE)`.

    R builds `n_parts + 1` equally spaced breaks over the range 1..n_items (by
    `seq.int(1, n_items, length.out = n_parts + 1)`, which computes `1 + i * by` and pins
    both ends), widens the outer two by a thousandth of the range, and assigns item `j`
    to the right-closed interval `(break[i], break[i + 1]]`. Hence 10 items in 4 parts
    → 3, 2, 2, 3 items and 50 items in 3 parts → 17, 16, 17.
    """
    if n_parts < 2:
        raise ValueError("R's cut() needs at least 2 intervals (num.split >= 2)")
    if n_items < n_parts:
        raise ValueError(f"cannot split {n_items} items into {n_parts} non-empty parts")
    n_breaks = n_parts + 1
    span = float(n_items - 1)
    step = span / n_parts
    breaks = 1.0 + np.arange(n_breaks, dtype=np.float64) * step
    breaks[0] = 1.0 - span / 1000.0
    breaks[-1] = n_items + span / 1000.0
    positions = np.arange(1, n_items + 1, dtype=np.float64)
    # right-closed intervals: the first break strictly below the position
    codes = np.searchsorted(breaks, positions, side="left") - 1
    if len(np.unique(codes)) != n_parts:  # pragma: no cover - impossible for n_items >= n_parts
        raise ValueError(f"cannot split {n_items} items into {n_parts} non-empty parts")
    return codes.astype(np.int64)


def irv_split(
    x: npt.ArrayLike,
    num_split: int,
    *,
    na_rm: bool = True,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> FloatArray:
    """IRV of each of `num_split` consecutive item blocks (`irv(split = TRUE)` columns).

    The blocks are R's `cut()` bins (see `r_cut_bins`); column `p` of the result is
    careless' `irv{p + 1}`. Useful to see answering degrade towards the end.
    """
    matrix = as_response_matrix(x)
    codes = r_cut_bins(matrix.shape[1], num_split)
    out = np.empty((matrix.shape[0], num_split), dtype=np.float64)
    for part in range(num_split):
        out[:, part] = irv(matrix[:, codes == part], na_rm=na_rm, chunk_rows=chunk_rows)
    return out
