"""The flag rule over every stored response of one questionnaire or test (pure numpy).

Assembles the indices of `domain.analytics` for a real instrument, whose data may be
too small or too regular for some of them: a covariance matrix that cannot be inverted
(few respondents), a single scale (no even-odd), no synonym pairs, too few attempts to
estimate item parameters. Such an index is left undefined (NaN) — its hurdle is then
not evaluated, as `flag_responses` does for any NaN — and a note says why.

Index conventions (docs/decisions.md): longstring, IRV, Mahalanobis D² and the synonym
score use the answers as given (straight-lining is a behaviour on the form); even-odd
uses reverse-keyed items recoded (low + high − answer), since it compares halves of a
scale that only agree once every item points the same way. D² is unchanged by the
recoding (it is affine per item).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from domain.analytics.careless import (
    CarelessIndices,
    NoItemPairsError,
    evenodd,
    irv,
    item_pairs,
    longstring,
    mahad,
    psychsyn,
)
from domain.analytics.careless_outliers import pairwise_moments
from domain.analytics.personfit import ItemParameters, person_fit, response_time_effort
from domain.analytics.quality_flags import (
    AttemptIndices,
    QualityFlags,
    QualitySettings,
    flag_responses,
)
from domain.analytics.response_matrix import FloatArray
from domain.analytics_definitions import reverse_scored, scale_lengths, scored
from domain.analytics_records import KnowledgeTestItem, QuestionnaireItem

MIN_ATTEMPTS_TO_ESTIMATE = 200
"""Below this many attempts a 2PL is not estimated and person fit is skipped, unless
the test's items carry their own IRT parameters."""


@dataclass(frozen=True)
class InstrumentFlags:
    flags: QualityFlags
    notes: tuple[str, ...]


def _nan(n: int) -> FloatArray:
    return np.full(n, np.nan)


def questionnaire_flags(
    answers: FloatArray,
    items: Sequence[QuestionnaireItem],
    scale_min: int,
    scale_max: int,
    settings: QualitySettings,
) -> InstrumentFlags:
    n, k = answers.shape
    notes: list[str] = []
    runs = longstring(answers)
    moments = pairwise_moments(answers)
    d_sq, flagged_d, cutoff = _nan(n), np.zeros(n, dtype=bool), float("nan")
    try:
        distance = mahad(answers, confidence=0.99, moments=moments)
        d_sq, flagged_d, cutoff = distance.d_sq, distance.flagged, distance.cutoff
    except ValueError as error:
        notes.append(f"mahalanobis not computed: {error}")
    syn = _nan(n)
    try:
        pairs = item_pairs(answers, 0.60, anto=False, moments=moments)
        syn = psychsyn(answers, anto=False, resample_na=True, seed=0, pairs=pairs).value
    except NoItemPairsError as error:
        notes.append(f"psychsyn: {error}")
    except ValueError as error:
        notes.append(f"psychsyn not computed: {error}")
    factors = scale_lengths(items)
    eo, eo_pairs = _nan(n), np.zeros(n, dtype=np.int64)
    if len(factors) >= 2:
        result = evenodd(reverse_scored(answers, items, scale_min, scale_max), factors)
        eo, eo_pairs = result.value, result.n_pairs
    else:
        notes.append("even-odd needs at least two scales")
    indices = CarelessIndices(
        longstr=runs.longstr,
        avgstr=runs.avgstr,
        irv=irv(answers),
        irv_parts=np.empty((n, 0)),
        mahad_dsq=d_sq,
        mahad_flag=flagged_d,
        mahad_cutoff=cutoff,
        evenodd=eo,
        psychsyn=syn,
        psychant=_nan(n),
        answered=(~np.isnan(answers)).sum(axis=1).astype(np.int64),
        evenodd_pairs=eo_pairs,
        n_items=k,
    )
    return InstrumentFlags(flag_responses(indices, settings=settings), tuple(notes))


def attempt_flags(
    answers: FloatArray,
    times: FloatArray,
    items: Sequence[KnowledgeTestItem],
    settings: QualitySettings,
) -> InstrumentFlags:
    """Response-time effort when times exist; lz* and ZU3 when the model can be had."""
    n = answers.shape[0]
    notes: list[str] = []
    correct = scored(answers, items)
    rte = None
    if (~np.isnan(times)).any():
        rte = response_time_effort(times).rte
    else:
        notes.append("no response times: rapid guessing not checked")
    ordered = sorted(items, key=lambda i: i.position)
    params = None
    if all(i.discrimination is not None and i.difficulty is not None for i in ordered):
        params = ItemParameters.of(
            [float(i.discrimination or 0.0) for i in ordered],
            [float(i.difficulty or 0.0) for i in ordered],
            [i.guessing or 0.0 for i in ordered],
        )
    lzstar = zu3 = None
    if params is None and n < MIN_ATTEMPTS_TO_ESTIMATE:
        notes.append(
            f"person fit skipped: {n} attempts are too few to estimate item parameters "
            f"(at least {MIN_ATTEMPTS_TO_ESTIMATE}, or give a and b per item)"
        )
    elif n:
        try:
            fit = person_fit(correct, params)
            lzstar, zu3 = fit.lzstar, fit.zu3
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as error:
            notes.append(f"person fit not computed: {error}")
    if rte is None and lzstar is None:
        empty = np.zeros((n, 0), dtype=bool)
        flags = QualityFlags((), empty, empty, np.zeros(n, dtype=bool), {})
        return InstrumentFlags(flags, tuple(notes))
    indices = AttemptIndices(rte=rte, lzstar=lzstar, zu3=zu3)
    return InstrumentFlags(flag_responses(test=indices, settings=settings), tuple(notes))
