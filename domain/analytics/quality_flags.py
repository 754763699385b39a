"""The multiple-hurdle rule that flags careless questionnaires and guessed tests.

No single index catches every kind of careless answering, and each produces false alarms
when pushed, so the rule runs several hurdles, each aimed at one behaviour and set at a
conservative cut-off (Curran 2016's multiple-hurdle approach). A respondent is flagged
when they fail at least `min_failed_hurdles` hurdles (one by default); the result lists
the hurdles failed and the index values behind them, so a moderator can see why.
Flags never delete or change data: flagged responses stay stored, and a moderator
confirms or clears the flag.

A hurdle whose index is undefined for a respondent (NaN, e.g. even-odd for someone who
gave the same answer everywhere) is *not evaluated* for them rather than failed: a flag
always rests on an index value that crossed its cut-off. Every cut-off lives in
`QualitySettings`; set one to None to switch its hurdle off.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from domain.analytics.careless import CarelessIndices
from domain.analytics.response_matrix import BoolArray, FloatArray

LONGSTRING = "longstring"
LOW_IRV = "low_irv"
NO_REPEATS = "no_repeats"
MAHALANOBIS = "mahalanobis"
INCONSISTENT = "inconsistent"
RAPID_GUESSING = "rapid_guessing"
PERSON_FIT_LZSTAR = "person_fit_lzstar"
PERSON_FIT_ZU3 = "person_fit_zu3"


@dataclass(frozen=True)
class QualitySettings:
    """Cut-offs of every hurdle (None switches a hurdle off); see docs/data-quality.md.

    * `longstring_max_share`: fail when the longest run of identical answers exceeds this
      share of the items (straight-lining).
    * `irv_min`: fail when the response SD is below this (near straight-lining).
    * `no_repeats_min_answers`: fail when a respondent with at least this many answers
      never repeats an answer on consecutive items (longest run 1: cyclic/see-saw).
    * `mahalanobis_confidence`: fail when D² exceeds the chi-square quantile at this level
      with df = items (random answering).
    * `evenodd_min` and `psychsyn_max` together: fail when even-odd ≥ `evenodd_min` *and*
      the synonym score ≤ `psychsyn_max`, evaluated only when even-odd rests on at least
      `consistency_min_scales` scales (both consistency indices must agree).
    * `rte_min`: fail when response-time effort is below this (rapid guessing).
    * `lzstar_min` / `zu3_max`: fail on person misfit, lz* below / ZU3 above the cut-off.
    * `min_failed_hurdles`: hurdles a respondent must fail to be flagged.
    """

    longstring_max_share: float | None = 0.5
    irv_min: float | None = 0.3
    no_repeats_min_answers: int | None = 30
    mahalanobis_confidence: float | None = 0.995
    evenodd_min: float | None = 0.8
    psychsyn_max: float = -0.2
    consistency_min_scales: int = 8
    rte_min: float | None = 0.9
    lzstar_min: float | None = -3.5
    zu3_max: float | None = 3.5
    min_failed_hurdles: int = 1

    def __post_init__(self) -> None:
        if self.min_failed_hurdles < 1:
            raise ValueError("min_failed_hurdles must be at least 1")
        if self.mahalanobis_confidence is not None and not 0 < self.mahalanobis_confidence < 1:
            raise ValueError("mahalanobis_confidence must lie strictly between 0 and 1")


@dataclass(frozen=True)
class AttemptIndices:
    """Indices of test attempts (one per respondent); any of them may be missing (None)."""

    rte: FloatArray | None = None
    lzstar: FloatArray | None = None
    zu3: FloatArray | None = None


@dataclass(frozen=True)
class RespondentFlag:
    """One respondent's verdict: flagged or not, the hurdles failed, the index values."""

    row: int
    flagged: bool
    failed: tuple[str, ...]
    values: Mapping[str, float]


@dataclass(frozen=True)
class QualityFlags:
    """The rule's outcome for every respondent, column `h` of the matrices is hurdle `h`."""

    hurdles: tuple[str, ...]
    failed: BoolArray
    evaluated: BoolArray
    flagged: BoolArray
    values: Mapping[str, FloatArray] = field(repr=False)

    def __len__(self) -> int:
        return len(self.flagged)

    def failed_hurdles(self, row: int) -> tuple[str, ...]:
        return tuple(h for h, failed in zip(self.hurdles, self.failed[row], strict=True) if failed)

    def respondent(self, row: int) -> RespondentFlag:
        return RespondentFlag(
            row=row,
            flagged=bool(self.flagged[row]),
            failed=self.failed_hurdles(row),
            values={name: float(v[row]) for name, v in self.values.items()},
        )

    def respondents(self) -> Iterator[RespondentFlag]:
        for row in range(len(self)):
            yield self.respondent(row)


class _Hurdles:
    """Collects hurdle outcomes; NaN comparisons are treated as not evaluated."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.failed: list[BoolArray] = []
        self.evaluated: list[BoolArray] = []

    def add(self, name: str, evaluated: BoolArray, failed: BoolArray) -> None:
        self.names.append(name)
        self.evaluated.append(evaluated)
        self.failed.append(evaluated & failed)


def _questionnaire_hurdles(
    hurdles: _Hurdles, q: CarelessIndices, s: QualitySettings, values: dict[str, FloatArray]
) -> None:
    values.update(longstr=q.longstr, irv=q.irv, mahad_dsq=q.mahad_dsq)
    values.update(evenodd=q.evenodd, psychsyn=q.psychsyn)
    with np.errstate(invalid="ignore"):
        if s.longstring_max_share is not None:
            limit = s.longstring_max_share * q.n_items
            hurdles.add(LONGSTRING, ~np.isnan(q.longstr), q.longstr > limit)
        if s.irv_min is not None:
            hurdles.add(LOW_IRV, ~np.isnan(q.irv), q.irv < s.irv_min)
        if s.no_repeats_min_answers is not None:
            enough = q.answered >= s.no_repeats_min_answers
            hurdles.add(NO_REPEATS, enough, q.longstr == 1)
        if s.mahalanobis_confidence is not None:
            cutoff = float(stats.chi2.ppf(s.mahalanobis_confidence, df=q.n_items))
            hurdles.add(MAHALANOBIS, ~np.isnan(q.mahad_dsq), q.mahad_dsq > cutoff)
        if s.evenodd_min is not None:
            defined = ~np.isnan(q.evenodd) & ~np.isnan(q.psychsyn)
            enough = q.evenodd_pairs >= s.consistency_min_scales
            both = (q.evenodd >= s.evenodd_min) & (q.psychsyn <= s.psychsyn_max)
            hurdles.add(INCONSISTENT, defined & enough, both)


def _test_hurdles(
    hurdles: _Hurdles, t: AttemptIndices, s: QualitySettings, values: dict[str, FloatArray]
) -> None:
    checks = (
        (RAPID_GUESSING, "rte", t.rte, s.rte_min, True),
        (PERSON_FIT_LZSTAR, "lzstar", t.lzstar, s.lzstar_min, True),
        (PERSON_FIT_ZU3, "zu3", t.zu3, s.zu3_max, False),
    )
    for name, value_name, index, cutoff, below in checks:
        if index is None:
            continue
        values[value_name] = index
        if cutoff is None:
            continue
        with np.errstate(invalid="ignore"):
            failed = index < cutoff if below else index > cutoff
        hurdles.add(name, ~np.isnan(index), failed)


def flag_responses(
    questionnaire: CarelessIndices | None = None,
    test: AttemptIndices | None = None,
    settings: QualitySettings | None = None,
) -> QualityFlags:
    """Run every hurdle that has its indices; both inputs must cover the same respondents."""
    settings = settings or QualitySettings()
    lengths = {len(questionnaire)} if questionnaire is not None else set()
    if test is not None:
        lengths |= {len(v) for v in (test.rte, test.lzstar, test.zu3) if v is not None}
    if len(lengths) != 1:
        raise ValueError("give indices for one and the same set of respondents")
    n = lengths.pop()
    hurdles = _Hurdles()
    values: dict[str, FloatArray] = {}
    if questionnaire is not None:
        _questionnaire_hurdles(hurdles, questionnaire, settings, values)
    if test is not None:
        _test_hurdles(hurdles, test, settings, values)
    failed = np.column_stack(hurdles.failed) if hurdles.names else np.zeros((n, 0), dtype=bool)
    evaluated = (
        np.column_stack(hurdles.evaluated) if hurdles.names else np.zeros((n, 0), dtype=bool)
    )
    flagged = failed.sum(axis=1) >= settings.min_failed_hurdles
    return QualityFlags(
        hurdles=tuple(hurdles.names),
        failed=failed,
        evaluated=evaluated,
        flagged=flagged,
        values=values,
    )
