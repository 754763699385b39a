"""Inputs of the regional profession-choice index: the catalogue and one season's answers.

The index is computed for up to a million respondents, so the working format is
columnar and integer-coded (:class:`ChoiceTable`): one array entry per respondent and
one per (respondent, chosen profession) pair — the sparse respondent × profession
incidence in coordinate form. That is what a SQL read path produces naturally
(``SELECT respondent, profession``) and what ``np.bincount`` consumes. Small callers
(tests, fixtures, a GraphQL preview) can build it from objects with
:func:`encode_answers`. Nothing here reads files: reference data arrives as plain values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Profession:
    """A catalogue entry: what the index needs to know about a profession."""

    code: str
    sphere: str
    is_digital: bool


@dataclass(frozen=True, slots=True)
class ChoiceAnswer:
    """One respondent's questionnaire answer, in object form (for small inputs).

    ``region_code`` None or unknown, or no known profession chosen, makes the answer
    invalid: it is not counted in any n. ``average_mark`` None puts the respondent
    outside every performance band (still counted in the region's n).
    """

    region_code: str | None
    professions: frozenset[str]
    average_mark: float | None = None
    additional_education: bool = False


@dataclass(frozen=True, slots=True)
class PerformanceBands:
    """School performance groups from the average mark, by cut-offs.

    A mark m falls in band ``i`` = number of cut-offs ≤ m, so every cut-off is the
    inclusive lower bound of the next band: with the defaults, LOW is m < 3.5,
    MIDDLE is 3.5 ≤ m < 4.5 and HIGH is m ≥ 4.5 (Russian 2–5 school marks).
    """

    labels: tuple[str, ...] = ("LOW", "MIDDLE", "HIGH")
    cutoffs: tuple[float, ...] = (3.5, 4.5)

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.cutoffs) + 1:
            raise ValueError("there must be exactly one more band label than cut-offs")
        if len(set(self.labels)) != len(self.labels):
            raise ValueError("band labels must be distinct")
        if any(not math.isfinite(c) for c in self.cutoffs):
            raise ValueError("cut-offs must be finite numbers")
        if any(b <= a for a, b in zip(self.cutoffs, self.cutoffs[1:], strict=False)):
            raise ValueError("cut-offs must be strictly increasing")

    def assign(self, marks: FloatArray) -> IntArray:
        """Band index per mark; ``len(labels)`` for a missing (NaN) mark."""
        marks = np.asarray(marks, dtype=np.float64)
        bands = np.searchsorted(np.asarray(self.cutoffs, dtype=np.float64), marks, side="right")
        # searchsorted sorts NaN after every cut-off, i.e. into the top band: undo that.
        return np.where(np.isnan(marks), len(self.labels), bands).astype(np.int64)


@dataclass(frozen=True, eq=False)
class ChoiceTable:
    """One season's answers, columnar and integer-coded.

    Per respondent i: ``region[i]`` indexes ``region_codes`` (−1 = unknown),
    ``average_mark[i]`` (NaN = unknown), ``additional_education[i]`` (club activity
    or professional trials). Per choice j: respondent ``choice_respondent[j]`` chose
    profession ``profession_codes[choice_profession[j]]``. Duplicate pairs are
    allowed (they count once). The arrays are made read-only so the table is
    genuinely immutable.
    """

    region_codes: tuple[str, ...]
    profession_codes: tuple[str, ...]
    region: IntArray
    average_mark: FloatArray
    additional_education: BoolArray
    choice_respondent: IntArray
    choice_profession: IntArray
    respondents: int = field(init=False)

    def __post_init__(self) -> None:
        arrays = {
            "region": np.asarray(self.region, dtype=np.int64),
            "average_mark": np.asarray(self.average_mark, dtype=np.float64),
            "additional_education": np.asarray(self.additional_education, dtype=np.bool_),
            "choice_respondent": np.asarray(self.choice_respondent, dtype=np.int64),
            "choice_profession": np.asarray(self.choice_profession, dtype=np.int64),
        }
        for name, array in arrays.items():
            if array.ndim != 1:
                raise ValueError(f"{name} must be one-dimensional")
            array.flags.writeable = False
            object.__setattr__(self, name, array)
        count = len(arrays["region"])
        if len(arrays["average_mark"]) != count or len(arrays["additional_education"]) != count:
            raise ValueError("per-respondent arrays must have the same length")
        if len(arrays["choice_respondent"]) != len(arrays["choice_profession"]):
            raise ValueError("choice arrays must have the same length")
        _check_range("region", arrays["region"], -1, len(self.region_codes))
        _check_range("choice_respondent", arrays["choice_respondent"], 0, count)
        _check_range(
            "choice_profession", arrays["choice_profession"], 0, len(self.profession_codes)
        )
        object.__setattr__(self, "respondents", count)


def _check_range(name: str, values: npt.NDArray[Any], low: int, high: int) -> None:
    if len(values) and (int(values.min()) < low or int(values.max()) >= high):
        raise ValueError(f"{name} holds an index outside [{low}, {high})")


def encode_answers(answers: Iterable[ChoiceAnswer]) -> ChoiceTable:
    """Integer-code object answers into a :class:`ChoiceTable`.

    Codes are numbered in sorted order so that the result does not depend on the
    order in which codes first appear (deterministic output for equal input).
    """
    answers = list(answers)
    regions = sorted({a.region_code for a in answers if a.region_code is not None})
    professions = sorted({p for a in answers for p in a.professions})
    region_index = {code: i for i, code in enumerate(regions)}
    profession_index = {code: i for i, code in enumerate(professions)}
    respondent: list[int] = []
    chosen: list[int] = []
    for i, answer in enumerate(answers):
        for code in sorted(answer.professions):
            respondent.append(i)
            chosen.append(profession_index[code])
    return ChoiceTable(
        region_codes=tuple(regions),
        profession_codes=tuple(professions),
        region=np.array(
            [-1 if a.region_code is None else region_index[a.region_code] for a in answers],
            dtype=np.int64,
        ),
        average_mark=np.array(
            [math.nan if a.average_mark is None else a.average_mark for a in answers],
            dtype=np.float64,
        ),
        additional_education=np.array([a.additional_education for a in answers], dtype=np.bool_),
        choice_respondent=np.array(respondent, dtype=np.int64),
        choice_profession=np.array(chosen, dtype=np.int64),
    )


def table_from_columns(
    region_codes: Sequence[str | None],
    average_marks: Sequence[float | None],
    additional_education: Sequence[bool],
    choice_respondent: Sequence[int],
    choice_profession: Sequence[str],
) -> ChoiceTable:
    """Build a :class:`ChoiceTable` from the columns a SQL read path returns.

    The first three sequences are per respondent (row i = respondent i); the last two
    are per (respondent row, profession code) pair. Codes are numbered in sorted order.
    """
    regions = sorted({code for code in region_codes if code is not None})
    professions = sorted(set(choice_profession))
    region_index = {code: i for i, code in enumerate(regions)}
    profession_index = {code: i for i, code in enumerate(professions)}
    return ChoiceTable(
        region_codes=tuple(regions),
        profession_codes=tuple(professions),
        region=np.fromiter(
            (-1 if c is None else region_index[c] for c in region_codes),
            dtype=np.int64,
            count=len(region_codes),
        ),
        average_mark=np.array(
            [math.nan if m is None else m for m in average_marks], dtype=np.float64
        ),
        additional_education=np.asarray(additional_education, dtype=np.bool_),
        choice_respondent=np.asarray(choice_respondent, dtype=np.int64),
        choice_profession=np.fromiter(
            (profession_index[c] for c in choice_profession),
            dtype=np.int64,
            count=len(choice_profession),
        ),
    )


def check_catalogue(regions: Sequence[str], catalogue: Sequence[Profession]) -> None:
    """Reject duplicate region or profession codes: they would double-count silently."""
    if len(set(regions)) != len(regions):
        raise ValueError("region codes must be distinct")
    codes = [p.code for p in catalogue]
    if len(set(codes)) != len(codes):
        raise ValueError("profession codes must be distinct")
