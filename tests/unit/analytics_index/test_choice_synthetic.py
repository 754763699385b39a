"""The synthetic choice generator: reproducible, and showing the effects it promises.

The effects are measured with direct numpy counting on the generated table, not with
the index under test, so a broken index cannot hide a broken generator.
"""

import numpy as np
import pytest
from scipy import stats

from domain.analytics.choice_synthetic import SyntheticParams, generate_choices
from domain.analytics.regional_index_data import PerformanceBands, Profession

SPHERES = ("IT", "engineering", "medicine", "agriculture", "creative", "education")
CATALOGUE = [
    Profession(f"P{i:03d}", SPHERES[i % len(SPHERES)], SPHERES[i % len(SPHERES)] == "IT")
    for i in range(60)
]
REGIONS = [f"{i:02d}" for i in range(1, 90)]


@pytest.fixture(scope="module")
def season():
    return generate_choices(REGIONS, CATALOGUE, 200_000, seed=2026)


def digital_by_respondent(table):
    digital = np.array([p.is_digital for p in CATALOGUE])
    chose = np.zeros(table.respondents, dtype=bool)
    chose[table.choice_respondent[digital[table.choice_profession]]] = True
    return chose


def test_same_seed_same_data_other_seed_other_data():
    a = generate_choices(REGIONS, CATALOGUE, 5_000, seed=7).table
    b = generate_choices(REGIONS, CATALOGUE, 5_000, seed=7).table
    c = generate_choices(REGIONS, CATALOGUE, 5_000, seed=8).table
    for name in ("region", "additional_education", "choice_respondent", "choice_profession"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert np.array_equal(a.average_mark, b.average_mark, equal_nan=True)
    assert not np.array_equal(a.choice_profession[:500], c.choice_profession[:500])


def test_shape_and_validity(season):
    table = season.table
    assert table.respondents == 200_000
    assert table.region_codes == tuple(REGIONS)
    assert int(season.region_sizes.sum()) == 200_000
    per_respondent = np.bincount(table.choice_respondent, minlength=table.respondents)
    assert per_respondent.min() == 1 and per_respondent.max() == 3
    pairs = table.choice_respondent * len(CATALOGUE) + table.choice_profession
    assert len(np.unique(pairs)) == len(pairs)  # no profession chosen twice by one respondent
    marks = table.average_mark[~np.isnan(table.average_mark)]
    assert marks.min() >= 2.0 and marks.max() <= 5.0
    assert 0.005 < np.isnan(table.average_mark).mean() < 0.05


def test_region_sizes_vary_strongly(season):
    sizes = season.region_sizes
    assert (sizes < 30).sum() >= 3  # tiny regions on purpose
    assert sizes.max() / np.median(sizes) > 4
    assert sizes.max() > 50 * sizes.min()


def test_better_marks_choose_digital_more(season):
    table = season.table
    digital = digital_by_respondent(table)
    band = PerformanceBands().assign(table.average_mark)
    low, high = digital[band == 0].mean(), digital[band == 2].mean()
    assert high - low > 0.05


def test_regions_differ_in_digital_preference(season):
    table = season.table
    digital = digital_by_respondent(table)
    sizes = np.bincount(table.region, minlength=len(REGIONS))
    share = np.bincount(table.region, weights=digital, minlength=len(REGIONS)) / np.maximum(
        sizes, 1
    )
    big = sizes >= 500
    rho = stats.spearmanr(share[big], season.digital_propensity[big]).statistic
    assert rho > 0.5  # the IT sphere leaning (independent of z) adds noise
    assert share[big].max() / share[big].min() > 2


def test_regions_lean_to_different_spheres(season):
    table = season.table
    medicine = np.array([p.sphere == "medicine" for p in CATALOGUE])
    sizes = np.bincount(table.region, minlength=len(REGIONS))
    chose = np.zeros(table.respondents, dtype=bool)
    chose[table.choice_respondent[medicine[table.choice_profession]]] = True
    share = np.bincount(table.region, weights=chose, minlength=len(REGIONS)) / np.maximum(sizes, 1)
    big = sizes >= 500
    assert share[big].max() / share[big].min() > 1.5


def test_additional_education_tracks_digital_choice(season):
    table = season.table
    sizes = np.bincount(table.region, minlength=len(REGIONS))
    activity = np.bincount(
        table.region, weights=table.additional_education, minlength=len(REGIONS)
    ) / np.maximum(sizes, 1)
    digital = digital_by_respondent(table)
    share = np.bincount(table.region, weights=digital, minlength=len(REGIONS)) / np.maximum(
        sizes, 1
    )
    big = sizes >= 500
    assert stats.spearmanr(activity[big], share[big]).statistic > 0.4
    assert 0.15 < table.additional_education.mean() < 0.6


def test_effects_can_be_switched_off():
    flat = SyntheticParams(digital_sd=0.0, mark_effect=0.0, education_effect=0.0)
    table = generate_choices(REGIONS, CATALOGUE, 60_000, seed=3, params=flat).table
    digital = digital_by_respondent(table)
    band = PerformanceBands().assign(table.average_mark)
    assert abs(digital[band == 2].mean() - digital[band == 0].mean()) < 0.03


def test_small_and_invalid_requests():
    few = generate_choices(REGIONS[:3], CATALOGUE, 10, seed=1)
    assert few.table.respondents == 10 and int(few.region_sizes.sum()) == 10
    assert generate_choices(REGIONS, CATALOGUE, 0, seed=1).table.respondents == 0
    with pytest.raises(ValueError):
        generate_choices(REGIONS, CATALOGUE[:2], 10, seed=1)
    with pytest.raises(ValueError):
        generate_choices(REGIONS, CATALOGUE, -1, seed=1)
