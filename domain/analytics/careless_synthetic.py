"""Seeded synthetic questionnaires and test attempts with known careless respondents.

Detection quality cannot be measured on real data, where nobody knows who was careless.
These generators mix attentive respondents, drawn from a plausible measurement model,
with careless ones of known patterns at exact, known counts, and return the true label of
every respondent. Demo data and benchmarks use them too, so everything depends only on
the seed (a numpy Generator), never on global state.

Questionnaire (Likert 1..m): scales of consecutive items; each scale has a latent trait
(traits share a general factor), an item's latent response is λ·trait + noise, negated
for reverse-keyed items, and cut into m ordered categories at item-specific thresholds.
Test (0/1): 2PL items, normal abilities; response times lognormal with item time
intensity and person speed (van der Linden's model).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import stats

from domain.analytics.response_matrix import BoolArray, FloatArray, row_chunks

ATTENTIVE = "attentive"
STRAIGHT_LINE = "straight_line"
UNIFORM_RANDOM = "uniform_random"
PATTERNED = "patterned"
RAPID_GUESS = "rapid_guess"
QUESTIONNAIRE_PATTERNS = (STRAIGHT_LINE, UNIFORM_RANDOM, PATTERNED)

LabelArray = npt.NDArray[np.str_]

_CHUNK = 100_000


def _default_rates() -> dict[str, float]:
    return {STRAIGHT_LINE: 0.05, UNIFORM_RANDOM: 0.05, PATTERNED: 0.05}


@dataclass(frozen=True)
class QuestionnaireDesign:
    """Shape and measurement model of a generated questionnaire."""

    n_scales: int = 10
    items_per_scale: int = 5
    n_categories: int = 5
    reverse_keyed_share: float = 0.2
    loading_range: tuple[float, float] = (0.7, 0.92)
    trait_correlation: float = 0.2
    missing_rate: float = 0.0

    @property
    def n_items(self) -> int:
        return self.n_scales * self.items_per_scale


@dataclass(frozen=True)
class SyntheticQuestionnaire:
    """Answers (NaN = missing), the true label per respondent, reverse-keyed items."""

    answers: FloatArray
    labels: LabelArray
    reverse_keyed: BoolArray
    design: QuestionnaireDesign


def _assign_labels(n: int, rates: Mapping[str, float], rng: np.random.Generator) -> LabelArray:
    """Exactly round(rate · n) respondents per pattern, at random positions."""
    if sum(rates.values()) >= 1.0 or any(rate < 0 for rate in rates.values()):
        raise ValueError("careless rates must be non-negative and sum to less than 1")
    labels = np.full(n, ATTENTIVE, dtype="<U16")
    order = rng.permutation(n)
    start = 0
    for name, rate in rates.items():
        count = round(rate * n)
        labels[order[start : start + count]] = name
        start += count
    return labels


def _patterned_rows(count: int, k: int, m: int, rng: np.random.Generator) -> FloatArray:
    """Half cycle through the categories (1,2,…,m,1,2,… up or down), half see-saw."""
    position = np.arange(k)[None, :] + rng.integers(0, 2 * m, size=(count, 1))
    cycle = position % m
    cycle = np.where(rng.random((count, 1)) < 0.5, cycle, m - 1 - cycle)
    period = 2 * (m - 1)
    phase = position % period
    seesaw = np.minimum(phase, period - phase)
    use_cycle = rng.random((count, 1)) < 0.5
    return (np.where(use_cycle, cycle, seesaw) + 1).astype(np.float64)


def generate_questionnaire(
    n_respondents: int,
    *,
    design: QuestionnaireDesign | None = None,
    rates: Mapping[str, float] | None = None,
    seed: int = 0,
) -> SyntheticQuestionnaire:
    """Generate `n_respondents` answer rows; `rates` maps pattern → share (default 5% each)."""
    design = design or QuestionnaireDesign()
    rates = _default_rates() if rates is None else dict(rates)
    unknown = set(rates) - set(QUESTIONNAIRE_PATTERNS)
    if unknown:
        raise ValueError(f"unknown questionnaire patterns: {sorted(unknown)}")
    rng = np.random.default_rng(seed)
    k, m = design.n_items, design.n_categories
    scale_of = np.repeat(np.arange(design.n_scales), design.items_per_scale)
    reverse = rng.random(k) < design.reverse_keyed_share
    loading = rng.uniform(*design.loading_range, size=k) * np.where(reverse, -1.0, 1.0)
    base_cuts = stats.norm.ppf(np.arange(1, m) / m)
    cuts = base_cuts[None, :] + rng.normal(0.0, 0.3, size=(k, 1))
    labels = _assign_labels(n_respondents, rates, rng)
    answers = np.empty((n_respondents, k), dtype=np.float64)
    rho = design.trait_correlation
    for rows in row_chunks(n_respondents, _CHUNK):
        size = rows.stop - rows.start
        general = rng.standard_normal((size, 1))
        traits = np.sqrt(rho) * general + np.sqrt(1 - rho) * rng.standard_normal(
            (size, design.n_scales)
        )
        noise = rng.standard_normal((size, k))
        latent = traits[:, scale_of] * loading + np.sqrt(1 - loading**2) * noise
        answers[rows] = 1.0 + (latent[:, :, None] > cuts[None, :, :]).sum(axis=2)
    for name in QUESTIONNAIRE_PATTERNS:
        who = np.flatnonzero(labels == name)
        if name == STRAIGHT_LINE:
            answers[who] = rng.integers(1, m + 1, size=(who.size, 1))
        elif name == UNIFORM_RANDOM:
            answers[who] = rng.integers(1, m + 1, size=(who.size, k))
        else:
            answers[who] = _patterned_rows(who.size, k, m, rng)
    if design.missing_rate > 0:
        answers[rng.random(answers.shape) < design.missing_rate] = np.nan
    return SyntheticQuestionnaire(answers, labels, reverse, design)


@dataclass(frozen=True)
class TestDesign:
    """Shape of a generated test: 2PL items and lognormal response times (seconds)."""

    n_items: int = 30
    n_options: int = 4
    log_discrimination_sd: float = 0.3
    difficulty_sd: float = 1.0
    median_item_seconds: float = 40.0
    item_intensity_sd: float = 0.4
    speed_sd: float = 0.25
    residual_time_sd: float = 0.3
    rapid_median_seconds: float = 2.5
    rapid_item_share: tuple[float, float] = (0.5, 1.0)


@dataclass(frozen=True)
class SyntheticTest:
    """0/1 answers, response times, the generating 2PL parameters and abilities, labels."""

    answers: FloatArray
    times: FloatArray
    a: FloatArray
    b: FloatArray
    theta: FloatArray
    labels: LabelArray
    rapid: BoolArray = field(repr=False)


def generate_test(
    n_respondents: int,
    *,
    design: TestDesign | None = None,
    rapid_rate: float = 0.05,
    seed: int = 0,
) -> SyntheticTest:
    """Generate test attempts; `rapid_rate` of respondents are rapid guessers.

    A rapid guesser answers a random 50–100% of the items in a couple of seconds and at
    chance (1 / n_options correct); `rapid` marks exactly those responses.
    """
    design = design or TestDesign()
    rng = np.random.default_rng(seed)
    k = design.n_items
    a = np.exp(rng.normal(0.0, design.log_discrimination_sd, size=k))
    b = rng.normal(0.0, design.difficulty_sd, size=k)
    intensity = np.log(design.median_item_seconds) + rng.normal(0.0, design.item_intensity_sd, k)
    labels = _assign_labels(n_respondents, {RAPID_GUESS: rapid_rate}, rng)
    theta = rng.standard_normal(n_respondents)
    speed = rng.normal(0.0, design.speed_sd, size=n_respondents)
    prob = 1.0 / (1.0 + np.exp(-a * (theta[:, None] - b)))
    answers = (rng.random(prob.shape) < prob).astype(np.float64)
    log_times = intensity - speed[:, None] + rng.normal(0.0, design.residual_time_sd, prob.shape)
    times = np.exp(log_times)
    guessers = np.flatnonzero(labels == RAPID_GUESS)
    share = rng.uniform(*design.rapid_item_share, size=(guessers.size, 1))
    rapid = np.zeros(prob.shape, dtype=bool)
    rapid[guessers] = rng.random((guessers.size, k)) < share
    n_rapid = int(rapid.sum())
    answers[rapid] = (rng.random(n_rapid) < 1.0 / design.n_options).astype(np.float64)
    times[rapid] = np.exp(np.log(design.rapid_median_seconds) + rng.normal(0.0, 0.4, n_rapid))
    return SyntheticTest(answers, times, a, b, theta, labels, rapid)
