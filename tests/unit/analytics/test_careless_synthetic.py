"""The seeded generators of questionnaires and tests with known careless respondents."""

from __future__ import annotations

import numpy as np
import pytest

from domain.analytics.careless_outliers import pairwise_moments
from domain.analytics.careless_synthetic import (
    ATTENTIVE,
    PATTERNED,
    RAPID_GUESS,
    STRAIGHT_LINE,
    UNIFORM_RANDOM,
    QuestionnaireDesign,
    generate_questionnaire,
    generate_test,
)


def test_questionnaire_is_reproducible_and_has_exact_pattern_counts() -> None:
    rates = {STRAIGHT_LINE: 0.1, UNIFORM_RANDOM: 0.05, PATTERNED: 0.02}
    first = generate_questionnaire(1000, rates=rates, seed=4)
    second = generate_questionnaire(1000, rates=rates, seed=4)
    np.testing.assert_array_equal(first.answers, second.answers)
    np.testing.assert_array_equal(first.labels, second.labels)
    other = generate_questionnaire(1000, rates=rates, seed=5)
    assert not np.array_equal(first.answers, other.answers)
    counts = {name: int((first.labels == name).sum()) for name in (*rates, ATTENTIVE)}
    assert counts == {STRAIGHT_LINE: 100, UNIFORM_RANDOM: 50, PATTERNED: 20, ATTENTIVE: 830}


def test_answers_are_likert_and_patterns_look_as_named() -> None:
    design = QuestionnaireDesign(n_scales=4, items_per_scale=6, n_categories=7)
    data = generate_questionnaire(2000, design=design, seed=1)
    answers, labels = data.answers, data.labels
    assert answers.shape == (2000, 24)
    assert set(np.unique(answers)) <= set(range(1, 8))
    straight = answers[labels == STRAIGHT_LINE]
    assert (straight == straight[:, :1]).all()
    patterned = answers[labels == PATTERNED]
    assert (np.diff(patterned, axis=1) != 0).all()  # cycles and see-saws never repeat
    assert (np.abs(np.diff(patterned, axis=1)) <= 6).all()


def test_attentive_items_correlate_within_scales_and_reverse_keys_flip_the_sign() -> None:
    data = generate_questionnaire(6000, rates={}, seed=2)
    cor = pairwise_moments(data.answers).correlation()
    scale = np.repeat(np.arange(10), 5)
    same_scale = (scale[:, None] == scale[None, :]) & ~np.eye(50, dtype=bool)
    keyed = np.where(data.reverse_keyed, -1.0, 1.0)
    aligned = cor * keyed[:, None] * keyed[None, :]
    assert aligned[same_scale].min() > 0.3
    assert np.abs(cor[~same_scale & ~np.eye(50, dtype=bool)]).mean() < 0.25
    assert data.reverse_keyed.any() and not data.reverse_keyed.all()


def test_missing_answers_and_bad_rates() -> None:
    data = generate_questionnaire(500, design=QuestionnaireDesign(missing_rate=0.1), seed=3)
    assert 0.07 < np.isnan(data.answers).mean() < 0.13
    with pytest.raises(ValueError, match="sum to less than 1"):
        generate_questionnaire(10, rates={STRAIGHT_LINE: 0.6, UNIFORM_RANDOM: 0.5})
    with pytest.raises(ValueError, match="unknown"):
        generate_questionnaire(10, rates={RAPID_GUESS: 0.1})


def test_rapid_guessers_answer_fast_and_at_chance() -> None:
    test = generate_test(4000, rapid_rate=0.1, seed=6)
    assert test.answers.shape == test.times.shape == (4000, 30)
    assert set(np.unique(test.answers)) == {0.0, 1.0}
    guessers = test.labels == RAPID_GUESS
    assert guessers.sum() == 400
    assert not test.rapid[~guessers].any()
    assert np.median(test.times[test.rapid]) < 5 < np.median(test.times[~test.rapid])
    assert abs(test.answers[test.rapid].mean() - 0.25) < 0.03
    again = generate_test(4000, rapid_rate=0.1, seed=6)
    np.testing.assert_array_equal(again.times, test.times)
