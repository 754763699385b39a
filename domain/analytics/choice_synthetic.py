"""Deterministic synthetic profession choices with the structure the index must reveal.

Demo data, tests and the benchmark need answers that look like a real season: a few
huge regions and some with a handful of respondents, regions leaning to digital
professions and others to different spheres, better marks pushing towards digital and
engineering choices, and additional education that is more common where digital
choice is. Every random draw comes from one seeded ``numpy.random.Generator`` in a
fixed order, so the same inputs always give the same table.

Model (utilities of a multinomial-logit choice, drawn without replacement by the
Gumbel-top-k trick): profession p's utility for respondent i in region r is
``base[p] + sphere_pref[r, sphere(p)] + digital[p]·digital_sd·z[r]
+ stem[p]·(mark_effect·(mark_i − mean_mark) + education_effect·activity_i) + Gumbel``,
where z[r] ~ N(0, 1) is the region's latent digital propensity; the region's
additional-education rate is logistic(logit(education_base) + education_link·z[r] + noise).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from domain.analytics.regional_index_data import ChoiceTable, FloatArray, IntArray, Profession

CHUNK = 32_768  # respondents per block of utilities: bounds memory at ~35 MB per block


@dataclass(frozen=True, slots=True)
class SyntheticParams:
    """Effect sizes of the generator; defaults give clearly visible, realistic effects."""

    size_sigma: float = 1.1  # log-normal spread of region sizes
    tiny_regions: int = 3  # regions given only 5–25 respondents
    profession_sd: float = 0.8  # spread of national popularity between professions
    sphere_region_sd: float = 0.5  # regional leaning to or away from each sphere
    digital_sd: float = 0.6  # utility of digital professions per unit of z[r]
    mark_effect: float = 0.9  # utility of STEM professions per mark point above average
    education_effect: float = 0.5  # utility of STEM professions for club members
    education_base: float = 0.35  # typical share with additional education
    education_link: float = 0.6  # log-odds of additional education per unit of z[r]
    mean_mark: float = 3.9
    mark_sd: float = 0.55
    missing_mark_rate: float = 0.02
    choice_count_weights: tuple[float, float, float] = (0.5, 0.3, 0.2)  # 1, 2, 3 choices
    stem_spheres: tuple[str, ...] = ("it", "engineering", "science", "ит", "инженерия")


@dataclass(frozen=True, eq=False)
class SyntheticChoices:
    """The generated table plus the hidden truth the tests compare the index with."""

    table: ChoiceTable
    region_sizes: IntArray  # (R,) respondents per region
    digital_propensity: FloatArray  # (R,) z[r]
    education_rate: FloatArray  # (R,) expected additional-education share
    spheres: tuple[str, ...]
    sphere_preference: FloatArray  # (R, S)


def generate_choices(
    region_codes: Sequence[str],
    catalogue: Sequence[Profession],
    respondents: int,
    seed: int,
    params: SyntheticParams | None = None,
) -> SyntheticChoices:
    """Generate one season of answers for ``respondents`` students."""
    params = params or SyntheticParams()
    if respondents < 0:
        raise ValueError("respondents must not be negative")
    if len(catalogue) < 3 or not region_codes:
        raise ValueError("need at least one region and three professions")
    rng = np.random.default_rng(seed)
    regions = len(region_codes)
    spheres = tuple(sorted({p.sphere for p in catalogue}))
    sphere_of = np.array([spheres.index(p.sphere) for p in catalogue], dtype=np.int64)
    digital = np.array([p.is_digital for p in catalogue], dtype=np.float64)
    stem_names = {s.casefold() for s in params.stem_spheres}
    stem = np.array(
        [p.is_digital or p.sphere.casefold() in stem_names for p in catalogue], dtype=np.float64
    )

    sizes = _region_sizes(rng, regions, respondents, params)
    z = rng.normal(0.0, 1.0, regions)
    preference = rng.normal(0.0, params.sphere_region_sd, (regions, len(spheres)))
    base = rng.normal(0.0, params.profession_sd, len(catalogue))
    regional = base[None, :] + preference[:, sphere_of] + params.digital_sd * np.outer(z, digital)
    education_logit = (
        special.logit(params.education_base)
        + params.education_link * z
        + rng.normal(0.0, 0.4, regions)
    )

    region = np.repeat(np.arange(regions, dtype=np.int64), sizes)
    marks = np.clip(rng.normal(params.mean_mark, params.mark_sd, respondents), 2.0, 5.0)
    marks = np.round(marks, 2)
    centred = marks - params.mean_mark
    marks[rng.random(respondents) < params.missing_mark_rate] = math.nan
    activity_logit = education_logit[region] + 0.4 * centred
    activity = rng.random(respondents) < special.expit(activity_logit)
    weights = np.asarray(params.choice_count_weights, dtype=np.float64)
    counts = rng.choice(np.arange(1, 4), size=respondents, p=weights / weights.sum())

    chosen_resp: list[IntArray] = []
    chosen_prof: list[IntArray] = []
    for start in range(0, respondents, CHUNK):
        stop = min(start + CHUNK, respondents)
        lift = params.mark_effect * centred[start:stop] + params.education_effect * activity[
            start:stop
        ].astype(np.float64)
        utility = regional[region[start:stop]] + np.outer(lift, stem)
        utility += rng.gumbel(size=utility.shape)
        top = np.argpartition(-utility, 2, axis=1)[:, :3]
        order = np.argsort(-np.take_along_axis(utility, top, axis=1), axis=1)
        top = np.take_along_axis(top, order, axis=1)
        keep = np.arange(3)[None, :] < counts[start:stop, None]
        chosen_resp.append(np.nonzero(keep)[0].astype(np.int64) + start)
        chosen_prof.append(top[keep].astype(np.int64))

    table = ChoiceTable(
        region_codes=tuple(region_codes),
        profession_codes=tuple(p.code for p in catalogue),
        region=region,
        average_mark=marks,
        additional_education=activity,
        choice_respondent=np.concatenate(chosen_resp) if chosen_resp else np.zeros(0, np.int64),
        choice_profession=np.concatenate(chosen_prof) if chosen_prof else np.zeros(0, np.int64),
    )
    return SyntheticChoices(
        table=table,
        region_sizes=sizes,
        digital_propensity=z,
        education_rate=special.expit(education_logit),
        spheres=spheres,
        sphere_preference=preference,
    )


def _region_sizes(
    rng: np.random.Generator, regions: int, respondents: int, params: SyntheticParams
) -> IntArray:
    """Strongly unequal sizes: log-normal shares, and a few tiny regions on purpose."""
    weights = rng.lognormal(0.0, params.size_sigma, regions)
    tiny = rng.choice(regions, size=min(params.tiny_regions, regions - 1), replace=False)
    sizes = np.zeros(regions, dtype=np.int64)
    sizes[tiny] = rng.integers(5, 26, size=len(tiny))
    if sizes.sum() > respondents // 2:  # too few respondents for tiny regions to make sense
        sizes[:] = 0
        tiny = tiny[:0]
    weights[tiny] = 0.0
    sizes += rng.multinomial(respondents - int(sizes.sum()), weights / weights.sum())
    return sizes
