"""How school performance shifts profession choice: shares per average-mark band.

Within each region and nationally, the share choosing a target is computed per band,
and one contrast (by default the top band minus the bottom band, HIGH − LOW) is given
with Newcombe's hybrid score interval — a difference of two independent proportions
whose groups can be small, which is exactly where the Wald interval fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from domain.analytics.regional_index_data import FloatArray, IntArray
from domain.analytics.regional_index_stats import newcombe_difference, safe_divide
from domain.analytics.regional_index_tables import Target, optional


@dataclass(frozen=True, slots=True)
class BandShare:
    """One band's figures within a region (or nationally) for one target."""

    band: str
    n: int
    k: int
    share: float | None
    small_sample: bool


@dataclass(frozen=True, slots=True)
class BandComparison:
    """The band split of one region (``region_code`` None = nationally) for one target."""

    region_code: str | None
    target: Target
    bands: tuple[BandShare, ...]
    contrast: tuple[str, str]  # (minuend, subtrahend), e.g. ("HIGH", "LOW")
    difference: float | None
    difference_lower: float | None
    difference_upper: float | None


@dataclass(frozen=True, eq=False)
class BandSplit:
    """Per band shares, regions × bands × targets, with the contrast and its interval."""

    region_codes: tuple[str, ...]
    targets: tuple[Target, ...]
    band_labels: tuple[str, ...]
    contrast: tuple[str, str]
    min_n: int
    n: IntArray  # (R, B)
    k: IntArray  # (R, B, T)
    share: FloatArray  # (R, B, T)
    national_n: IntArray  # (B,)
    national_k: IntArray  # (B, T)
    national_share: FloatArray  # (B, T)
    difference: FloatArray  # (R, T)
    difference_lower: FloatArray
    difference_upper: FloatArray
    national_difference: FloatArray  # (T,)
    national_difference_lower: FloatArray
    national_difference_upper: FloatArray
    unbanded_n: IntArray  # (R,) valid respondents without an average mark

    def __post_init__(self) -> None:
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False

    def comparison(self, region_code: str | None, target: Target) -> BandComparison:
        """The split for one region, or nationally when ``region_code`` is None."""
        t = self.targets.index(target)
        if region_code is None:
            n, k, share = self.national_n, self.national_k[:, t], self.national_share[:, t]
            values = (
                self.national_difference[t],
                self.national_difference_lower[t],
                self.national_difference_upper[t],
            )
        else:
            r = self.region_codes.index(region_code)
            n, k, share = self.n[r], self.k[r, :, t], self.share[r, :, t]
            values = (
                self.difference[r, t],
                self.difference_lower[r, t],
                self.difference_upper[r, t],
            )
        bands = tuple(
            BandShare(
                band=label,
                n=int(n[b]),
                k=int(k[b]),
                share=optional(float(share[b])),
                small_sample=bool(n[b] < self.min_n),
            )
            for b, label in enumerate(self.band_labels)
        )
        return BandComparison(
            region_code=region_code,
            target=target,
            bands=bands,
            contrast=self.contrast,
            difference=optional(float(values[0])),
            difference_lower=optional(float(values[1])),
            difference_upper=optional(float(values[2])),
        )


def split_by_band(
    *,
    region_codes: tuple[str, ...],
    targets: tuple[Target, ...],
    band_labels: tuple[str, ...],
    contrast: tuple[str, str],
    n: IntArray,
    k: IntArray,
    unbanded_n: IntArray,
    min_n: int,
    confidence: float,
) -> BandSplit:
    """Build the band split from counts ``n`` (R, B) and ``k`` (R, B, T)."""
    for label in contrast:
        if label not in band_labels:
            raise ValueError(f"contrast band {label!r} is not one of {band_labels}")
    first, second = (band_labels.index(label) for label in contrast)
    national_n = n.sum(axis=0)
    national_k = k.sum(axis=0)
    diff, lower, upper = newcombe_difference(
        k[:, first, :], n[:, first, None], k[:, second, :], n[:, second, None], confidence
    )
    nat_diff, nat_lower, nat_upper = newcombe_difference(
        national_k[first], national_n[first], national_k[second], national_n[second], confidence
    )
    return BandSplit(
        region_codes=region_codes,
        targets=targets,
        band_labels=band_labels,
        contrast=contrast,
        min_n=min_n,
        n=n,
        k=k,
        share=safe_divide(k, n[:, :, None]),
        national_n=national_n,
        national_k=national_k,
        national_share=safe_divide(national_k, national_n[:, None]),
        difference=diff,
        difference_lower=lower,
        difference_upper=upper,
        national_difference=nat_diff,
        national_difference_lower=nat_lower,
        national_difference_upper=nat_upper,
        unbanded_n=unbanded_n,
    )
