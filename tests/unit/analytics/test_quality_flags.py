"""The multiple-hurdle flag rule: each hurdle, its cut-off, and detection on generated data."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

from domain.analytics.careless import CarelessIndices, compute_careless_indices
from domain.analytics.careless_synthetic import (
    ATTENTIVE,
    PATTERNED,
    STRAIGHT_LINE,
    UNIFORM_RANDOM,
    generate_questionnaire,
)
from domain.analytics.quality_flags import (
    INCONSISTENT,
    LONGSTRING,
    LOW_IRV,
    MAHALANOBIS,
    NO_REPEATS,
    PERSON_FIT_LZSTAR,
    PERSON_FIT_ZU3,
    RAPID_GUESSING,
    AttemptIndices,
    QualitySettings,
    flag_responses,
)

NA = math.nan
CUTOFF_995 = float(stats.chi2.ppf(0.995, 50))


def indices(**columns: list[float]) -> CarelessIndices:
    """Hand-made indices for 50 items; unspecified columns look attentive."""
    n = len(next(iter(columns.values())))
    base = {
        "longstr": [4.0] * n,
        "avgstr": [1.3] * n,
        "irv": [1.2] * n,
        "mahad_dsq": [50.0] * n,
        "evenodd": [-0.6] * n,
        "psychsyn": [0.5] * n,
        "psychant": [NA] * n,
        "answered": [50] * n,
        "evenodd_pairs": [10] * n,
    }
    base.update(columns)
    floats = {k: np.array(v, dtype=float) for k, v in base.items()}
    return CarelessIndices(
        longstr=floats["longstr"],
        avgstr=floats["avgstr"],
        irv=floats["irv"],
        irv_parts=np.empty((n, 0)),
        mahad_dsq=floats["mahad_dsq"],
        mahad_flag=floats["mahad_dsq"] > 76.15,
        mahad_cutoff=76.15,
        evenodd=floats["evenodd"],
        psychsyn=floats["psychsyn"],
        psychant=floats["psychant"],
        answered=floats["answered"].astype(np.int64),
        evenodd_pairs=floats["evenodd_pairs"].astype(np.int64),
        n_items=50,
    )


def test_each_questionnaire_hurdle_fires_on_its_own_behaviour() -> None:
    q = indices(
        longstr=[4, 26, 25, 1, 1, 4, 4, 4],
        irv=[1.2, 0.0, 0.29, 1.4, 1.4, 1.3, 1.2, 1.2],
        answered=[50, 50, 50, 50, 29, 50, 50, 50],
        mahad_dsq=[50, 40, 40, 60, 60, CUTOFF_995 + 0.01, 70, 70],
        evenodd=[-0.6, NA, NA, -0.9, -0.9, 0.1, 0.8, 0.8],
        psychsyn=[0.5, NA, NA, 0.1, 0.1, 0.0, -0.2, -0.2],
        evenodd_pairs=[10, 10, 10, 10, 10, 10, 10, 7],
    )
    flags = flag_responses(q)
    assert flags.hurdles == (LONGSTRING, LOW_IRV, NO_REPEATS, MAHALANOBIS, INCONSISTENT)
    assert [flags.failed_hurdles(i) for i in range(8)] == [
        (),
        (LONGSTRING, LOW_IRV),
        (LOW_IRV,),  # a run of 25 is not more than half of 50 items
        (NO_REPEATS,),
        (),  # too few answers to call "never repeats" suspicious
        (MAHALANOBIS,),
        (INCONSISTENT,),
        (),  # even-odd on only 7 scales: not trusted
    ]
    assert flags.flagged.tolist() == [False, True, True, True, False, True, True, False]
    assert not flags.evaluated[7, 4] and not flags.evaluated[1, 4]


def test_undefined_indices_are_not_evaluated_rather_than_failed() -> None:
    flags = flag_responses(indices(irv=[NA], mahad_dsq=[NA], longstr=[1.0], answered=[0]))
    assert not flags.flagged[0]
    assert flags.evaluated[0].tolist() == [True, False, False, False, True]


def test_cut_offs_are_settings_and_none_switches_a_hurdle_off() -> None:
    q = indices(longstr=[30, 4], mahad_dsq=[50, 78])  # 78 lies between the .99 and .995 cut-offs
    assert flag_responses(q).flagged.tolist() == [True, False]
    strict = QualitySettings(mahalanobis_confidence=0.99, longstring_max_share=None)
    flags = flag_responses(q, settings=strict)
    assert LONGSTRING not in flags.hurdles
    assert flags.flagged.tolist() == [False, True]
    two = replace(QualitySettings(), min_failed_hurdles=2)
    assert flag_responses(indices(longstr=[30], irv=[0.1]), settings=two).flagged[0]
    assert not flag_responses(indices(longstr=[30]), settings=two).flagged[0]
    with pytest.raises(ValueError):
        QualitySettings(min_failed_hurdles=0)
    with pytest.raises(ValueError):
        QualitySettings(mahalanobis_confidence=1.5)


def test_test_hurdles_and_the_respondent_view() -> None:
    test = AttemptIndices(
        rte=np.array([1.0, 0.5, NA, 0.95]),
        lzstar=np.array([0.2, -1.0, -3.6, NA]),
        zu3=np.array([0.1, 3.4, 3.6, 0.0]),
    )
    flags = flag_responses(test=test)
    assert flags.hurdles == (RAPID_GUESSING, PERSON_FIT_LZSTAR, PERSON_FIT_ZU3)
    assert flags.flagged.tolist() == [False, True, True, False]
    view = flags.respondent(2)
    assert view.failed == (PERSON_FIT_LZSTAR, PERSON_FIT_ZU3)
    assert view.values["lzstar"] == -3.6 and math.isnan(view.values["rte"])
    assert [r.row for r in flags.respondents()] == [0, 1, 2, 3]
    both = flag_responses(indices(longstr=[4, 4, 40, 4]), test)
    assert both.flagged.tolist() == [False, True, True, False]
    assert both.failed_hurdles(2) == (LONGSTRING, PERSON_FIT_LZSTAR, PERSON_FIT_ZU3)
    with pytest.raises(ValueError, match="same set"):
        flag_responses(indices(longstr=[4]), test)


def test_flags_never_touch_the_data() -> None:
    data = generate_questionnaire(400, seed=9)
    before = data.answers.copy()
    flag_responses(compute_careless_indices(data.answers, [5] * 10))
    np.testing.assert_array_equal(data.answers, before)


def test_detection_on_generated_questionnaires() -> None:
    data = generate_questionnaire(6000, seed=31)
    flags = flag_responses(compute_careless_indices(data.answers, [5] * 10))
    recall = {p: flags.flagged[data.labels == p].mean() for p in (STRAIGHT_LINE, UNIFORM_RANDOM)}
    assert recall[STRAIGHT_LINE] == 1.0
    assert recall[UNIFORM_RANDOM] >= 0.85
    assert flags.flagged[data.labels == PATTERNED].mean() >= 0.9
    assert flags.flagged[data.labels == ATTENTIVE].mean() <= 0.01
    precision = (data.labels[flags.flagged] != ATTENTIVE).mean()
    assert precision >= 0.9
