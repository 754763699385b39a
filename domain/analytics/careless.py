"""Careless-answering indices for questionnaires, with the semantics of R's `careless` 1.2.2.

The indices live in three modules by kind (`careless_runs`: longstring, IRV;
`careless_outliers`: Mahalanobis D²; `careless_consistency`: even-odd, psychometric
synonyms/antonyms); this module re-exports them and computes the whole set in one call,
sharing the one pass over the data that D² and the synonym pairs both need.

Input everywhere: a respondents × items float matrix, NaN for a missing answer, items in
questionnaire order and grouped into scales of consecutive items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from domain.analytics.careless_consistency import (
    ConsistencyResult,
    ItemPairs,
    NoItemPairsError,
    evenodd,
    item_pairs,
    psychant,
    psychsyn,
)
from domain.analytics.careless_outliers import MahadResult, mahad, pairwise_moments
from domain.analytics.careless_runs import (
    LongstringResult,
    irv,
    irv_split,
    longstring,
    r_cut_bins,
)
from domain.analytics.response_matrix import (
    DEFAULT_CHUNK_ROWS,
    BoolArray,
    FloatArray,
    IntArray,
    as_response_matrix,
)

__all__ = [
    "CarelessIndices",
    "ConsistencyResult",
    "ItemPairs",
    "LongstringResult",
    "MahadResult",
    "NoItemPairsError",
    "ScaleLayout",
    "compute_careless_indices",
    "evenodd",
    "irv",
    "irv_split",
    "item_pairs",
    "longstring",
    "mahad",
    "psychant",
    "psychsyn",
    "r_cut_bins",
]


@dataclass(frozen=True)
class ScaleLayout:
    """`n_scales` scales of `items_per_scale` consecutive items (e.g. "10x5")."""

    n_scales: int
    items_per_scale: int

    def __post_init__(self) -> None:
        if self.n_scales < 1 or self.items_per_scale < 1:
            raise ValueError("a scale layout needs at least one scale of at least one item")

    @classmethod
    def parse(cls, text: str) -> ScaleLayout:
        """Read "KxM" (K scales × M items); raise ValueError on anything else."""
        parts = text.lower().split("x")
        if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
            raise ValueError(f"scales must look like 10x5 (scales x items), got {text!r}")
        return cls(int(parts[0]), int(parts[1]))

    @property
    def n_items(self) -> int:
        return self.n_scales * self.items_per_scale

    @property
    def factors(self) -> list[int]:
        """Scale lengths as careless' `factors` argument takes them."""
        return [self.items_per_scale] * self.n_scales


@dataclass(frozen=True)
class CarelessIndices:
    """Every questionnaire index per respondent; NaN where R would give NA.

    `irv_parts` has one column per split part (careless' irv1..irvN; zero columns when
    no split was asked for). `psychsyn`/`psychant` are all NaN when the sample has no
    qualifying item pair (R stops there); `notes` then says so. `answered` counts each
    respondent's answers and `evenodd_pairs` the scales even-odd rests on (careless'
    `diag`), which the flag rule uses to judge how much an index can be trusted.
    """

    longstr: FloatArray
    avgstr: FloatArray
    irv: FloatArray
    irv_parts: FloatArray
    mahad_dsq: FloatArray
    mahad_flag: BoolArray
    mahad_cutoff: float
    evenodd: FloatArray
    psychsyn: FloatArray
    psychant: FloatArray
    answered: IntArray
    evenodd_pairs: IntArray
    n_items: int
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.longstr)


def compute_careless_indices(
    x: npt.ArrayLike,
    factors: Sequence[int],
    *,
    confidence: float = 0.99,
    irv_parts: int = 4,
    critval: float = 0.60,
    resample_na: bool = True,
    seed: int = 0,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> CarelessIndices:
    """Compute longstring, IRV (total and split), D², even-odd, synonyms and antonyms.

    `irv_parts=0` skips the split IRV. `confidence` is the D² flag level, `critval` the
    synonym threshold (antonyms use −critval), `resample_na`/`seed` as in `psychsyn`.
    """
    matrix = as_response_matrix(x)
    n = matrix.shape[0]
    runs = longstring(matrix, chunk_rows=chunk_rows)
    parts = (
        irv_split(matrix, irv_parts, chunk_rows=chunk_rows)
        if irv_parts
        else np.empty((n, 0), dtype=np.float64)
    )
    moments = pairwise_moments(matrix, chunk_rows=chunk_rows)
    distance = mahad(matrix, confidence=confidence, moments=moments, chunk_rows=chunk_rows)
    notes: list[str] = []
    scores: dict[str, FloatArray] = {}
    for name, anto in (("psychsyn", False), ("psychant", True)):
        try:
            pairs = item_pairs(matrix, critval, anto=anto, moments=moments)
        except NoItemPairsError as error:
            notes.append(f"{name}: {error}")
            scores[name] = np.full(n, np.nan)
            continue
        scores[name] = psychsyn(
            matrix,
            anto=anto,
            resample_na=resample_na,
            seed=seed,
            pairs=pairs,
            chunk_rows=chunk_rows,
        ).value
    consistency = evenodd(matrix, factors, chunk_rows=chunk_rows)
    return CarelessIndices(
        longstr=runs.longstr,
        avgstr=runs.avgstr,
        irv=irv(matrix, chunk_rows=chunk_rows),
        irv_parts=parts,
        mahad_dsq=distance.d_sq,
        mahad_flag=distance.flagged,
        mahad_cutoff=distance.cutoff,
        evenodd=consistency.value,
        psychsyn=scores["psychsyn"],
        psychant=scores["psychant"],
        answered=(~np.isnan(matrix)).sum(axis=1).astype(np.int64),
        evenodd_pairs=consistency.n_pairs,
        n_items=matrix.shape[1],
        notes=tuple(notes),
    )
