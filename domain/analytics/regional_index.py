"""Regional profession-choice index ("the map"), per season — the entry point.

For every region and every target (a profession; a sphere = chose any profession of
it; DIGITAL = chose any digital profession) it counts who chose it, compares the
regional share with the national one (the popularity index, a location quotient),
shrinks small regions toward the national share (empirical-Bayes beta-binomial),
ranks the regions, splits everything by school performance band and relates the
regions' level of additional education to their digital index. docs/regional-index.md
gives the formulas; this module only wires the counting to them.

Counting is done once for all targets: each (respondent, profession) pair is expanded
to the targets it touches (the profession, its sphere, DIGITAL), de-duplicated per
respondent, and tallied with one ``np.bincount`` over (region, band, target) cells, so
a million respondents take well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from domain.analytics.regional_index_bands import (
    BandComparison,
    BandShare,
    BandSplit,
    split_by_band,
)
from domain.analytics.regional_index_data import (
    BoolArray,
    ChoiceAnswer,
    ChoiceTable,
    IntArray,
    PerformanceBands,
    Profession,
    check_catalogue,
    encode_answers,
    table_from_columns,
)
from domain.analytics.regional_index_export import csv_header, to_csv_rows
from domain.analytics.regional_index_stats import (
    PriorFit,
    RankCorrelation,
    beta_posterior,
    competition_rank,
    fit_beta_priors,
    safe_divide,
    spearman,
)
from domain.analytics.regional_index_tables import (
    DIGITAL,
    IndexTable,
    RegionTargetIndex,
    Target,
    TargetKind,
    TargetSummary,
    TopBy,
    optional,
)

__all__ = [
    "DIGITAL",
    "AdditionalEducation",
    "AdditionalEducationLevel",
    "BandComparison",
    "BandShare",
    "BandSplit",
    "ChoiceAnswer",
    "ChoiceTable",
    "IndexConfig",
    "IndexTable",
    "PerformanceBands",
    "PriorFit",
    "Profession",
    "RankCorrelation",
    "RegionTargetIndex",
    "RegionalIndexReport",
    "Target",
    "TargetKind",
    "TargetSummary",
    "TopBy",
    "build_targets",
    "compute_regional_index",
    "csv_header",
    "encode_answers",
    "table_from_columns",
    "to_csv_rows",
]


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """Parameters of the index; the defaults are the documented ones.

    ``min_n``: regions (and bands) with fewer valid respondents are marked small.
    ``contrast``: the band difference reported, (minuend, subtrahend); None means the
    top band minus the bottom band. ``max_concentration``: cap of the prior strength M
    (None = the national n of the season). ``correlation_excludes_small``: leave small
    regions out of the additional-education correlation.
    """

    min_n: int = 30
    confidence: float = 0.95
    bands: PerformanceBands = field(default_factory=PerformanceBands)
    contrast: tuple[str, str] | None = None
    max_concentration: float | None = None
    correlation_excludes_small: bool = False

    def __post_init__(self) -> None:
        if not 0.0 < self.confidence < 1.0:
            raise ValueError("confidence must be strictly between 0 and 1")
        if self.min_n < 0:
            raise ValueError("min_n must not be negative")
        if self.max_concentration is not None and self.max_concentration <= 0:
            raise ValueError("max_concentration must be positive")
        if self.contrast is not None and not set(self.contrast) <= set(self.bands.labels):
            raise ValueError(f"contrast bands must be among {self.bands.labels}")

    @property
    def band_contrast(self) -> tuple[str, str]:
        """The (minuend, subtrahend) pair of band labels actually used."""
        labels = self.bands.labels
        return self.contrast if self.contrast is not None else (labels[-1], labels[0])


@dataclass(frozen=True, slots=True)
class AdditionalEducationLevel:
    """A region's share of students with club activity or professional trials."""

    region_code: str
    n: int
    with_activity: int
    share: float | None
    digital_index: float | None  # the region's shrunken DIGITAL popularity index
    small_sample: bool


@dataclass(frozen=True, slots=True)
class AdditionalEducation:
    """Levels per region and their Spearman correlation with the digital index."""

    levels: tuple[AdditionalEducationLevel, ...]
    correlation: RankCorrelation

    def level(self, region_code: str) -> AdditionalEducationLevel:
        """One region's level; KeyError for an unknown code."""
        for level in self.levels:
            if level.region_code == region_code:
                return level
        raise KeyError(region_code)


@dataclass(frozen=True, eq=False)
class RegionalIndexReport:
    """Everything computed for one season."""

    season: str
    config: IndexConfig
    index: IndexTable
    bands: BandSplit
    additional_education: AdditionalEducation
    respondents: int  # rows of the input table
    valid_respondents: int  # known region and at least one catalogue profession


def build_targets(catalogue: Sequence[Profession]) -> tuple[Target, ...]:
    """Target order of every result: professions (catalogue order), spheres (sorted), DIGITAL."""
    spheres = sorted({p.sphere for p in catalogue})
    return (
        *(Target(TargetKind.PROFESSION, p.code) for p in catalogue),
        *(Target(TargetKind.SPHERE, s) for s in spheres),
        DIGITAL,
    )


def compute_regional_index(
    table: ChoiceTable,
    regions: Sequence[str],
    catalogue: Sequence[Profession],
    *,
    season: str,
    config: IndexConfig | None = None,
) -> RegionalIndexReport:
    """Compute the index for one season's answers.

    ``regions`` is the reference list of region codes (every federal subject, also
    those without respondents, which come out with n = 0 and no estimate);
    ``catalogue`` the professions. Answers from regions or of professions outside
    these lists are not valid and are not counted.
    """
    config = config or IndexConfig()
    check_catalogue(regions, catalogue)
    region_codes = tuple(regions)
    targets = build_targets(catalogue)
    bands = len(config.bands.labels) + 1  # the last band holds respondents without a mark
    resp_region, valid, pair_resp, pair_target = _expand(table, regions, catalogue)
    cells = resp_region * bands + config.bands.assign(table.average_mark)
    n_rb = np.bincount(cells[valid], minlength=len(regions) * bands).reshape(-1, bands)
    k_rbt = np.bincount(
        cells[pair_resp] * len(targets) + pair_target,
        minlength=len(regions) * bands * len(targets),
    ).reshape(len(regions), bands, len(targets))
    n = n_rb.sum(axis=1)
    index = _index_table(region_codes, targets, n, k_rbt.sum(axis=1), config)
    band_split = split_by_band(
        region_codes=region_codes,
        targets=targets,
        band_labels=config.bands.labels,
        contrast=config.band_contrast,
        n=n_rb[:, :-1],
        k=k_rbt[:, :-1, :],
        unbanded_n=n_rb[:, -1],
        min_n=config.min_n,
        confidence=config.confidence,
    )
    activity = np.bincount(resp_region[valid & table.additional_education], minlength=len(regions))
    return RegionalIndexReport(
        season=season,
        config=config,
        index=index,
        bands=band_split,
        additional_education=_additional_education(index, activity, config),
        respondents=table.respondents,
        valid_respondents=int(valid.sum()),
    )


def _expand(
    table: ChoiceTable, regions: Sequence[str], catalogue: Sequence[Profession]
) -> tuple[IntArray, BoolArray, IntArray, IntArray]:
    """Per respondent: region row (−1 = unknown) and validity; distinct (respondent, target)."""
    region_row = {code: i for i, code in enumerate(regions)}
    profession_col = {p.code: i for i, p in enumerate(catalogue)}
    spheres = sorted({p.sphere for p in catalogue})
    # A trailing −1 makes index −1 (unknown region in the table) map to −1 again.
    region_map = np.array([region_row.get(c, -1) for c in table.region_codes] + [-1], np.int64)
    resp_region = region_map[table.region]
    profession_map = np.array([profession_col.get(c, -1) for c in table.profession_codes], np.int64)
    choice = profession_map[table.choice_profession]
    keep = choice >= 0
    keep[keep] = resp_region[table.choice_respondent[keep]] >= 0
    resp, prof = table.choice_respondent[keep], choice[keep]
    valid = np.zeros(table.respondents, dtype=np.bool_)
    valid[resp] = True

    count = len(catalogue)
    sphere_target = count + np.array([spheres.index(p.sphere) for p in catalogue], np.int64)
    digital = np.array([p.is_digital for p in catalogue], dtype=np.bool_)
    digital_target = count + len(spheres)
    width = digital_target + 1
    keys = np.concatenate(
        (
            resp * width + prof,
            resp * width + sphere_target[prof],
            resp[digital[prof]] * width + digital_target,
        )
    )
    # A respondent counts once per target. Sort and drop repeats rather than np.unique:
    # numpy 2's hash-based unique is several times slower on millions of int64 keys.
    keys.sort()
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys
    return resp_region, valid, keys // width, keys % width


def _index_table(
    region_codes: tuple[str, ...],
    targets: tuple[Target, ...],
    n: IntArray,
    k: IntArray,
    config: IndexConfig,
) -> IndexTable:
    """Shares, quotients, shrinkage, intervals and ranks from the counts."""
    priors = fit_beta_priors(n, k, config.max_concentration)
    p0 = priors.national_share
    share = safe_divide(k, n[:, None])
    posterior = beta_posterior(n, k, priors, config.confidence)
    national_k = k.sum(axis=0)
    rank = competition_rank(posterior.mean)
    rank[:, national_k == 0] = 0  # nobody chose it anywhere: a rank would mean nothing
    return IndexTable(
        region_codes=region_codes,
        targets=targets,
        n=n,
        k=k,
        small_sample=n < config.min_n,
        share=share,
        national_k=national_k,
        national_share=p0,
        lq=safe_divide(share, p0[None, :]),
        shrunken_share=posterior.mean,
        shrunken_share_lower=posterior.lower,
        shrunken_share_upper=posterior.upper,
        shrunken_lq=safe_divide(posterior.mean, p0[None, :]),
        shrunken_lq_lower=safe_divide(posterior.lower, p0[None, :]),
        shrunken_lq_upper=safe_divide(posterior.upper, p0[None, :]),
        rank=rank,
        prior_concentration=priors.concentration,
        prior_chi_square=priors.chi_square,
        prior_rho=priors.rho,
        prior_fit=priors.fit,
    )


def _additional_education(
    index: IndexTable, activity: IntArray, config: IndexConfig
) -> AdditionalEducation:
    """Additional-education share per region and its rank correlation with DIGITAL."""
    share = safe_divide(activity, index.n)
    digital = index.shrunken_lq[:, index.target_position(DIGITAL)]
    usable = index.n > 0
    if config.correlation_excludes_small:
        usable &= ~index.small_sample
    levels = tuple(
        AdditionalEducationLevel(
            region_code=code,
            n=int(index.n[r]),
            with_activity=int(activity[r]),
            share=optional(float(share[r])),
            digital_index=optional(float(digital[r])),
            small_sample=bool(index.small_sample[r]),
        )
        for r, code in enumerate(index.region_codes)
    )
    return AdditionalEducation(levels, spearman(share[usable], digital[usable]))
