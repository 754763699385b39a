"""Result table of the regional index: numpy arrays inside, plain values outside.

The full result is regions × targets (89 × ~140 cells), so it is stored as arrays and
never materialised as objects unless asked: the GraphQL layer asks for one target
(the map) or one region (its profile) and gets small frozen dataclasses with Python
floats, None standing for "undefined" (no respondents, zero national share).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from domain.analytics.regional_index_data import BoolArray, FloatArray, IntArray
from domain.analytics.regional_index_stats import PriorFit


class TargetKind(StrEnum):
    """What "chose it" means: one profession, any of a sphere's, any digital one."""

    PROFESSION = "PROFESSION"
    SPHERE = "SPHERE"
    DIGITAL = "DIGITAL"


@dataclass(frozen=True, slots=True, order=True)
class Target:
    """A profession code, a sphere name, or the digital group (code ``DIGITAL``)."""

    kind: TargetKind
    code: str

    @property
    def key(self) -> str:
        """Stable text form, ``PROFESSION:<code>``, ``SPHERE:<name>`` or ``DIGITAL``."""
        return self.kind.value if self.kind is TargetKind.DIGITAL else f"{self.kind}:{self.code}"


DIGITAL = Target(TargetKind.DIGITAL, "DIGITAL")


class TopBy(StrEnum):
    """Ordering of a region's top professions."""

    SHARE = "SHARE"  # most chosen in the region
    SHRUNKEN_LQ = "SHRUNKEN_LQ"  # most over-represented relative to the nation


def optional(value: float) -> float | None:
    """A NaN-coded float as an Optional for the outside world."""
    return None if math.isnan(value) else float(value)


@dataclass(frozen=True, slots=True)
class RegionTargetIndex:
    """One cell of the index: one region, one target, one season."""

    region_code: str
    target: Target
    n: int
    k: int
    share: float | None
    national_share: float | None
    lq: float | None
    shrunken_share: float | None
    shrunken_share_lower: float | None
    shrunken_share_upper: float | None
    shrunken_lq: float | None
    shrunken_lq_lower: float | None
    shrunken_lq_upper: float | None
    small_sample: bool
    rank: int | None
    ranked_regions: int


@dataclass(frozen=True, slots=True)
class TargetSummary:
    """The national side of one target and how its prior was fitted."""

    target: Target
    national_n: int
    national_k: int
    national_share: float | None
    prior_concentration: float | None
    prior_fit: PriorFit
    chi_square: float | None
    rho: float | None


@dataclass(frozen=True, eq=False)
class IndexTable:
    """Regions × targets arrays; NaN (floats) or 0 (rank) mean "undefined"."""

    region_codes: tuple[str, ...]
    targets: tuple[Target, ...]
    n: IntArray  # (R,)
    k: IntArray  # (R, T)
    small_sample: BoolArray  # (R,)
    share: FloatArray  # (R, T)
    national_k: IntArray  # (T,)
    national_share: FloatArray  # (T,)
    lq: FloatArray
    shrunken_share: FloatArray
    shrunken_share_lower: FloatArray
    shrunken_share_upper: FloatArray
    shrunken_lq: FloatArray
    shrunken_lq_lower: FloatArray
    shrunken_lq_upper: FloatArray
    rank: IntArray  # (R, T), 0 = not ranked
    prior_concentration: FloatArray  # (T,)
    prior_chi_square: FloatArray  # (T,)
    prior_rho: FloatArray  # (T,)
    prior_fit: tuple[PriorFit, ...]
    _regions: dict[str, int] = field(init=False, repr=False)
    _targets: dict[Target, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
        object.__setattr__(self, "_regions", {c: i for i, c in enumerate(self.region_codes)})
        object.__setattr__(self, "_targets", {t: i for i, t in enumerate(self.targets)})

    @property
    def national_n(self) -> int:
        """N: respondents with valid answers nationwide (the same for every target)."""
        return int(self.n.sum())

    def region_position(self, region_code: str) -> int:
        """Row of a region; KeyError for a code not in the reference list."""
        return self._regions[region_code]

    def target_position(self, target: Target) -> int:
        """Column of a target; KeyError for a target the catalogue does not define."""
        if target not in self._targets:
            raise KeyError(target.key)
        return self._targets[target]

    def cell(self, region_code: str, target: Target) -> RegionTargetIndex:
        """The index of one region for one target."""
        return self._cell(self.region_position(region_code), self.target_position(target))

    def by_target(self, target: Target) -> tuple[RegionTargetIndex, ...]:
        """Every region for one target, in reference order — what the map draws."""
        t = self.target_position(target)
        return tuple(self._cell(r, t) for r in range(len(self.region_codes)))

    def by_region(self, region_code: str) -> tuple[RegionTargetIndex, ...]:
        """Every target for one region, in target order."""
        r = self.region_position(region_code)
        return tuple(self._cell(r, t) for t in range(len(self.targets)))

    def summary(self, target: Target) -> TargetSummary:
        """National figures and the prior fit of one target."""
        t = self.target_position(target)
        concentration = optional(float(self.prior_concentration[t]))
        return TargetSummary(
            target=target,
            national_n=self.national_n,
            national_k=int(self.national_k[t]),
            national_share=optional(float(self.national_share[t])),
            prior_concentration=concentration,
            prior_fit=self.prior_fit[t],
            chi_square=optional(float(self.prior_chi_square[t])),
            rho=optional(float(self.prior_rho[t])),
        )

    def top_professions(
        self, region_code: str, limit: int = 5, by: TopBy = TopBy.SHARE
    ) -> tuple[RegionTargetIndex, ...]:
        """A region's leading professions, best first; ties by profession code.

        Professions nobody in the region chose are not listed. SHRUNKEN_LQ ranks by
        the shrunken popularity index, so a small region's one enthusiast does not
        put a rare profession on top.
        """
        r = self.region_position(region_code)
        columns = [
            t for t, target in enumerate(self.targets) if target.kind is TargetKind.PROFESSION
        ]
        chosen = [t for t in columns if self.k[r, t] > 0]
        if by is TopBy.SHARE:
            key = self.k[r]
        else:
            key = np.nan_to_num(self.shrunken_lq[r], nan=-np.inf)
        ordered = sorted(chosen, key=lambda t: (-float(key[t]), self.targets[t].code))
        return tuple(self._cell(r, t) for t in ordered[: max(limit, 0)])

    def _cell(self, r: int, t: int) -> RegionTargetIndex:
        rank = int(self.rank[r, t])
        return RegionTargetIndex(
            region_code=self.region_codes[r],
            target=self.targets[t],
            n=int(self.n[r]),
            k=int(self.k[r, t]),
            share=optional(float(self.share[r, t])),
            national_share=optional(float(self.national_share[t])),
            lq=optional(float(self.lq[r, t])),
            shrunken_share=optional(float(self.shrunken_share[r, t])),
            shrunken_share_lower=optional(float(self.shrunken_share_lower[r, t])),
            shrunken_share_upper=optional(float(self.shrunken_share_upper[r, t])),
            shrunken_lq=optional(float(self.shrunken_lq[r, t])),
            shrunken_lq_lower=optional(float(self.shrunken_lq_lower[r, t])),
            shrunken_lq_upper=optional(float(self.shrunken_lq_upper[r, t])),
            small_sample=bool(self.small_sample[r]),
            rank=rank or None,
            ranked_regions=int((self.rank[:, t] > 0).sum()),
        )
