"""CSV export of the regional index: one row per (target, region), header first.

Pure: it yields lists of strings and leaves writing (``csv.writer``, streaming a
response) to the caller. Numbers are formatted deterministically — integers as they
are, fractions with six decimals, undefined values as empty cells, flags as
``true``/``false`` — so two exports of the same data are byte-identical.
docs/regional-index.md describes every column.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.analytics.regional_index import RegionalIndexReport
    from domain.analytics.regional_index_tables import Target

#: The fixed leading columns; band columns and the trailing ones follow (see csv_header).
BASE_COLUMNS: tuple[str, ...] = (
    "season",
    "target_kind",
    "target_code",
    "region_code",
    "n",
    "k",
    "share",
    "national_n",
    "national_k",
    "national_share",
    "lq",
    "shrunken_share",
    "shrunken_share_lower",
    "shrunken_share_upper",
    "shrunken_lq",
    "shrunken_lq_lower",
    "shrunken_lq_upper",
    "small_sample",
    "rank",
    "ranked_regions",
    "prior_fit",
    "prior_concentration",
)
TRAILING_COLUMNS: tuple[str, ...] = (
    "band_contrast",
    "band_difference",
    "band_difference_lower",
    "band_difference_upper",
    "additional_education_share",
)


def _fraction(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.6f}"


def csv_header(report: RegionalIndexReport) -> list[str]:
    """BASE_COLUMNS, then n_<BAND>, k_<BAND>, share_<BAND> per band, then TRAILING_COLUMNS."""
    band_columns = [
        f"{prefix}_{label}" for label in report.bands.band_labels for prefix in ("n", "k", "share")
    ]
    return [*BASE_COLUMNS, *band_columns, *TRAILING_COLUMNS]


def to_csv_rows(
    report: RegionalIndexReport, targets: Sequence[Target] | None = None
) -> Iterator[list[str]]:
    """Yield the header, then a row per target (result order) and region (reference order).

    ``targets`` restricts the export (e.g. the one shown on the map); None exports all.
    """
    index, bands = report.index, report.bands
    yield csv_header(report)
    columns = (
        range(len(index.targets))
        if targets is None
        else [index.target_position(target) for target in targets]
    )
    contrast = "-".join(bands.contrast)
    national_n = str(index.national_n)
    ranked = (index.rank > 0).sum(axis=0)
    education = [
        "" if level.share is None else f"{level.share:.6f}"
        for level in report.additional_education.levels
    ]
    for t in columns:
        target = index.targets[t]
        for r, region_code in enumerate(index.region_codes):
            rank = int(index.rank[r, t])
            band_cells = [
                cell
                for b in range(len(bands.band_labels))
                for cell in (
                    str(int(bands.n[r, b])),
                    str(int(bands.k[r, b, t])),
                    _fraction(float(bands.share[r, b, t])),
                )
            ]
            yield [
                report.season,
                target.kind.value,
                target.code,
                region_code,
                str(int(index.n[r])),
                str(int(index.k[r, t])),
                _fraction(float(index.share[r, t])),
                national_n,
                str(int(index.national_k[t])),
                _fraction(float(index.national_share[t])),
                _fraction(float(index.lq[r, t])),
                _fraction(float(index.shrunken_share[r, t])),
                _fraction(float(index.shrunken_share_lower[r, t])),
                _fraction(float(index.shrunken_share_upper[r, t])),
                _fraction(float(index.shrunken_lq[r, t])),
                _fraction(float(index.shrunken_lq_lower[r, t])),
                _fraction(float(index.shrunken_lq_upper[r, t])),
                "true" if index.small_sample[r] else "false",
                str(rank) if rank else "",
                str(int(ranked[t])),
                index.prior_fit[t].value,
                _fraction(float(index.prior_concentration[t])),
                *band_cells,
                contrast,
                _fraction(float(bands.difference[r, t])),
                _fraction(float(bands.difference_lower[r, t])),
                _fraction(float(bands.difference_upper[r, t])),
                education[r],
            ]
