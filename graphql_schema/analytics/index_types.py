"""GraphQL types of the regional profession-choice index (docs/regional-index.md).

Disclosure: the index is aggregate statistics and public, but a region (or a
performance band within a region) with fewer respondents than the viewer's disclosure
threshold (`domain.policy.index_disclosure_min_n`: 10 for everyone but staff) shows
only its n and `withheld: true`; every number derived from its counts is null, because
with so few students a share would reveal individual choices.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from domain.analytics.regional_index import (
    AdditionalEducationLevel,
    BandComparison,
    RegionTargetIndex,
    Target,
    TargetKind,
)
from domain.reference import Region
from graphql_schema.reference.types import RegionType

TargetKindEnum = strawberry.enum(TargetKind, name="IndexTargetKind")


@strawberry.enum(description="Order of a region's top professions.")
class TopProfessionsBy(Enum):
    SHARE = "SHARE"
    SHRUNKEN_LQ = "SHRUNKEN_LQ"


@strawberry.type(description="What `chose it` means: a profession, a sphere, or any digital one.")
class IndexTarget:
    kind: TargetKind
    code: str
    title: str | None = strawberry.field(description="The profession's title (Russian).")

    @classmethod
    def of(cls, target: Target, titles: dict[str, str]) -> IndexTarget:
        title = titles.get(target.code) if target.kind is TargetKind.PROFESSION else None
        return cls(kind=target.kind, code=target.code, title=title)


@strawberry.type(description="One performance band's figures (null = withheld or undefined).")
class BandShareFigures:
    band: str
    n: int
    k: int | None
    share: float | None
    small_sample: bool
    withheld: bool


@strawberry.type(description="How school performance shifts choice: shares per average-mark band.")
class BandSplitFigures:
    bands: list[BandShareFigures]
    contrast: list[str] = strawberry.field(description="(minuend, subtrahend), e.g. HIGH, LOW.")
    difference: float | None
    difference_lower: float | None = strawberry.field(description="Newcombe 95% interval.")
    difference_upper: float | None

    @classmethod
    def of(cls, split: BandComparison, min_n: int) -> BandSplitFigures:
        hidden = {b.band for b in split.bands if b.n < min_n}
        contrast_hidden = bool(hidden & set(split.contrast))
        return cls(
            bands=[
                BandShareFigures(
                    band=b.band,
                    n=b.n,
                    k=None if b.band in hidden else b.k,
                    share=None if b.band in hidden else b.share,
                    small_sample=b.small_sample,
                    withheld=b.band in hidden,
                )
                for b in split.bands
            ],
            contrast=list(split.contrast),
            difference=None if contrast_hidden else split.difference,
            difference_lower=None if contrast_hidden else split.difference_lower,
            difference_upper=None if contrast_hidden else split.difference_upper,
        )


@strawberry.type(description="The index of one region for one target in one season.")
class RegionIndexCell:
    region: RegionType
    target: IndexTarget
    n: int = strawberry.field(description="Students with valid answers in the region.")
    k: int | None = strawberry.field(description="Of them, those who chose the target.")
    share: float | None
    national_share: float | None
    lq: float | None = strawberry.field(description="Popularity index: share / national share.")
    shrunken_share: float | None = strawberry.field(
        description="Empirical-Bayes (beta-binomial) estimate of the share."
    )
    shrunken_share_lower: float | None
    shrunken_share_upper: float | None
    shrunken_lq: float | None = strawberry.field(description="The index the map and ranks use.")
    shrunken_lq_lower: float | None = strawberry.field(description="95% interval.")
    shrunken_lq_upper: float | None
    small_sample: bool = strawberry.field(description="n below the reliability minimum (30).")
    withheld: bool = strawberry.field(
        description="n below the viewer's disclosure threshold: only n is shown."
    )
    rank: int | None = strawberry.field(description="Competition rank by shrunken share.")
    ranked_regions: int
    bands: BandSplitFigures | None

    @classmethod
    def of(
        cls,
        cell: RegionTargetIndex,
        region: Region,
        target: IndexTarget,
        bands: BandComparison | None,
        min_n: int,
    ) -> RegionIndexCell:
        hide = cell.n < min_n

        def shown(value: float | int | None) -> float | int | None:
            return None if hide else value

        return cls(
            region=RegionType.from_domain(region),
            target=target,
            n=cell.n,
            k=None if hide else cell.k,
            share=shown(cell.share),
            national_share=cell.national_share,
            lq=shown(cell.lq),
            shrunken_share=shown(cell.shrunken_share),
            shrunken_share_lower=shown(cell.shrunken_share_lower),
            shrunken_share_upper=shown(cell.shrunken_share_upper),
            shrunken_lq=shown(cell.shrunken_lq),
            shrunken_lq_lower=shown(cell.shrunken_lq_lower),
            shrunken_lq_upper=shown(cell.shrunken_lq_upper),
            small_sample=cell.small_sample,
            withheld=hide,
            rank=None if hide else cell.rank,
            ranked_regions=cell.ranked_regions,
            bands=None if bands is None or hide else BandSplitFigures.of(bands, min_n),
        )


@strawberry.type(description="A region's share of students with club activity or trials.")
class AdditionalEducationFigures:
    region: RegionType
    n: int
    with_activity: int | None
    share: float | None
    digital_index: float | None = strawberry.field(
        description="The region's shrunken DIGITAL popularity index."
    )
    small_sample: bool
    withheld: bool

    @classmethod
    def of(
        cls, level: AdditionalEducationLevel, region: Region, min_n: int
    ) -> AdditionalEducationFigures:
        hide = level.n < min_n
        return cls(
            region=RegionType.from_domain(region),
            n=level.n,
            with_activity=None if hide else level.with_activity,
            share=None if hide else level.share,
            digital_index=None if hide else level.digital_index,
            small_sample=level.small_sample,
            withheld=hide,
        )


@strawberry.type(description="Spearman's rank correlation across regions.")
class RankCorrelationFigures:
    rho: float | None
    p_value: float | None
    regions: int
    method: str
