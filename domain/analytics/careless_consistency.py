"""Consistency indices of `careless` 1.2.2: even-odd, psychometric synonyms and antonyms.

An attentive respondent answers items that measure the same thing alike; a careless one
does not. Even-odd compares the two halves of each scale, the synonym/antonym scores
compare item pairs that the whole sample answers alike (or oppositely).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from domain.analytics.careless_outliers import PairwiseMoments, pairwise_moments
from domain.analytics.response_matrix import (
    DEFAULT_CHUNK_ROWS,
    FloatArray,
    IntArray,
    as_response_matrix,
    row_chunks,
    rowwise_pearson,
)

#: careless' resampling attempts when a within-person correlation is NA.
RESAMPLE_ATTEMPTS = 10


class NoItemPairsError(ValueError):
    """No item pair passes the critical value (R stops with the same message)."""


@dataclass(frozen=True)
class ConsistencyResult:
    """An index per respondent and the number of pairs it rests on (careless' `diag`)."""

    value: FloatArray
    n_pairs: IntArray


def evenodd(
    x: npt.ArrayLike, factors: Sequence[int], *, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> ConsistencyResult:
    """Even-odd consistency, reported as −(Spearman–Brown) so that higher is worse.

    For each scale (`factors` gives the number of consecutive items in each) careless
    1.2.2 averages the items at even positions (2nd, 4th, …) and at odd positions
    (1st, 3rd, …) of the scale, ignoring missing answers; it correlates the even and odd
    means across scales (pairwise complete), applies 2r / (1 + r), floors the result at
    −1 and negates it. A side without spread, or fewer than two complete scales, gives
    NaN. `n_pairs` is careless' `diag` column: scales with both means present.

    careless reads positions from the data frame's column names; the reference data
    sets are data frames, and that is the behaviour reproduced (for a bare R matrix the
    package would compare only the first two items of each scale, an R quirk).
    """
    matrix = as_response_matrix(x)
    sizes = [int(f) for f in factors]
    if len(sizes) < 2:
        raise ValueError("even-odd needs at least two scales (factors)")
    if any(size < 1 for size in sizes):
        raise ValueError("every scale must have at least one item")
    if sum(sizes) > matrix.shape[1]:
        raise ValueError("the scales hold more items than the matrix has columns")
    if sum(sizes) != matrix.shape[1]:
        warnings.warn(
            "the scales do not cover every column; the remaining columns are ignored",
            stacklevel=2,
        )
    # 0/1 matrices item → scale picking each scale's even and odd positions, so that the
    # half means of every scale come out of two matrix products per row chunk
    starts = np.cumsum([0, *sizes[:-1]])
    even_items = np.zeros((matrix.shape[1], len(sizes)))
    odd_items = np.zeros((matrix.shape[1], len(sizes)))
    for scale, (start, size) in enumerate(zip(starts, sizes, strict=True)):
        even_items[start + 1 : start + size : 2, scale] = 1.0
        odd_items[start : start + size : 2, scale] = 1.0
    n = matrix.shape[0]
    value = np.empty(n, dtype=np.float64)
    n_pairs = np.empty(n, dtype=np.int64)
    for rows in row_chunks(n, chunk_rows):
        block = matrix[rows]
        present = ~np.isnan(block)
        answers = np.where(present, block, 0.0)
        counted = present.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            even = (answers @ even_items) / (counted @ even_items)
            odd = (answers @ odd_items) / (counted @ odd_items)
        r, complete = rowwise_pearson(even, odd)
        with np.errstate(divide="ignore", invalid="ignore"):
            spearman_brown = 2.0 * r / (1.0 + r)
        spearman_brown[spearman_brown < -1.0] = -1.0
        value[rows] = -spearman_brown
        n_pairs[rows] = complete
    return ConsistencyResult(value=value, n_pairs=n_pairs)


@dataclass(frozen=True)
class ItemPairs:
    """Item pairs (0-based columns) whose sample correlation passes the critical value.

    Ordered as careless lists them: the lower triangle of the correlation matrix read
    column by column, so `first > second` and pairs are sorted by `second`, then `first`.
    """

    first: IntArray
    second: IntArray
    correlation: FloatArray

    def __len__(self) -> int:
        return len(self.first)


def item_pairs(
    x: npt.ArrayLike,
    critval: float = 0.60,
    *,
    anto: bool = False,
    moments: PairwiseMoments | None = None,
) -> ItemPairs:
    """careless' `get_item_pairs`: r > |critval| (synonyms) or r < −|critval| (antonyms).

    Correlations are R's `cor(x, use = "pairwise.complete.obs")`; `critval` is taken by
    absolute value ("dummy proofing" in careless), so `psychant(x, -.6)` and
    `psychant(x, .6)` agree. An NA correlation never qualifies.
    """
    matrix = as_response_matrix(x)
    if moments is None:
        moments = pairwise_moments(matrix)
    cor = moments.correlation()
    threshold = abs(critval)
    k = cor.shape[0]
    rows, cols = np.tril_indices(k, -1)
    order = np.lexsort((rows, cols))  # R's as.table(): column-major over the lower triangle
    rows, cols = rows[order], cols[order]
    values = cor[rows, cols]
    with np.errstate(invalid="ignore"):
        keep = values < -threshold if anto else values > threshold
    if not keep.any():
        kind = "Antonyms" if anto else "Synonyms"
        raise NoItemPairsError(f"No Psychometric {kind} found.")
    return ItemPairs(
        first=rows[keep].astype(np.int64),
        second=cols[keep].astype(np.int64),
        correlation=values[keep],
    )


def psychsyn(
    x: npt.ArrayLike,
    critval: float = 0.60,
    *,
    anto: bool = False,
    resample_na: bool = True,
    seed: int = 0,
    pairs: ItemPairs | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> ConsistencyResult:
    """Psychometric synonym (or, with `anto`, antonym) score per respondent.

    careless 1.2.2 correlates, within each person, the first and second items of the
    qualifying pairs, over the pairs both answered; with two or fewer such pairs the
    score is NA. `n_pairs` (careless' `diag`/`numPairs`) counts the complete pairs.

    With `resample_na` (careless' default) a score that comes out NA although more than
    two pairs are complete, which happens when one side has no spread, is recomputed up
    to 10 times after randomly swapping the two items within each pair. careless draws
    those swaps from R's RNG; here they come from a numpy Generator seeded with `seed`,
    drawn for the affected rows in row order, so the result is reproducible but the
    individual swaps are not R's. Use `resample_na=False` for a fully deterministic score.
    """
    matrix = as_response_matrix(x)
    if pairs is None:
        pairs = item_pairs(matrix, critval, anto=anto)
    n = matrix.shape[0]
    value = np.empty(n, dtype=np.float64)
    n_pairs = np.empty(n, dtype=np.int64)
    for rows in row_chunks(n, chunk_rows):
        block = matrix[rows]
        r, complete = rowwise_pearson(block[:, pairs.first], block[:, pairs.second])
        r[complete <= 2] = np.nan
        value[rows] = r
        n_pairs[rows] = complete
    if resample_na:
        _resample_undefined(matrix, pairs, value, n_pairs, np.random.default_rng(seed))
    return ConsistencyResult(value=value, n_pairs=n_pairs)


def _resample_undefined(
    matrix: FloatArray,
    pairs: ItemPairs,
    value: FloatArray,
    n_pairs: IntArray,
    rng: np.random.Generator,
) -> None:
    """careless' `resample_na` loop, vectorised over the rows that need it (in place)."""
    todo = np.flatnonzero(np.isnan(value) & (n_pairs > 2))
    if todo.size == 0:
        return
    first = matrix[np.ix_(todo, pairs.first)]
    second = matrix[np.ix_(todo, pairs.second)]
    pending = np.ones(todo.size, dtype=bool)
    for _ in range(RESAMPLE_ATTEMPTS):
        swap = rng.random(first.shape) < 0.5
        first, second = np.where(swap, second, first), np.where(swap, first, second)
        r, _complete = rowwise_pearson(first[pending], second[pending])
        still = np.flatnonzero(pending)
        value[todo[still]] = r
        pending[still[~np.isnan(r)]] = False
        if not pending.any():
            break


def psychant(
    x: npt.ArrayLike,
    critval: float = -0.60,
    *,
    resample_na: bool = True,
    seed: int = 0,
    pairs: ItemPairs | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> ConsistencyResult:
    """Psychometric antonym score: `psychsyn(anto=True)` over pairs with r < −|critval|."""
    return psychsyn(
        x,
        critval,
        anto=True,
        resample_na=resample_na,
        seed=seed,
        pairs=pairs,
        chunk_rows=chunk_rows,
    )
