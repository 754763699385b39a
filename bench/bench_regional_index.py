"""Benchmark: the full regional index for one season of 1,000,000 respondents.

Times compute_regional_index — every profession, sphere and DIGITAL, the performance
band split and the additional-education correlation — on data from the synthetic
generator (89 regions, 130 professions in 10 spheres). Data generation is timed
separately and excluded. The CSV export and the SVG map are timed too, for reference.

    .venv/bin/python bench/bench_regional_index.py [--respondents N] [--repeat K] [--seed S]

Target: under 5 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import scipy

from domain.analytics.choice_synthetic import generate_choices
from domain.analytics.regional_index import (
    DIGITAL,
    Profession,
    compute_regional_index,
    to_csv_rows,
)
from domain.analytics.tile_map import Tile, render_tile_map

SPHERES = (
    ("IT", 1.0),
    ("engineering", 0.3),
    ("medicine", 0.0),
    ("education", 0.0),
    ("agriculture", 0.1),
    ("creative", 0.2),
    ("science", 0.3),
    ("business", 0.2),
    ("law", 0.0),
    ("transport", 0.1),
)


def catalogue(count: int = 130) -> list[Profession]:
    """13 professions per sphere; a sphere's digital fraction as listed above."""
    professions = []
    for i in range(count):
        sphere, digital = SPHERES[i % len(SPHERES)]
        within = i // len(SPHERES)
        professions.append(Profession(f"P{i:03d}", sphere, within < round(13 * digital)))
    return professions


def machine() -> str:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"nproc={cores} cpu={model!r} python={platform.python_version()} "
        f"numpy={np.__version__} scipy={scipy.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--respondents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    regions = [f"{i:02d}" for i in range(1, 90)]
    professions = catalogue()
    print(f"machine: {machine()}")
    started = time.perf_counter()
    data = generate_choices(regions, professions, args.respondents, seed=args.seed)
    generated = time.perf_counter() - started
    table = data.table
    print(
        f"data: {table.respondents:,} respondents, {len(table.choice_respondent):,} choices, "
        f"{len(regions)} regions, {len(professions)} professions, {len(SPHERES)} spheres "
        f"(generated in {generated:.2f} s, not counted)"
    )

    timings = []
    report = None
    for _ in range(args.repeat):
        started = time.perf_counter()
        report = compute_regional_index(table, regions, professions, season="2026/27")
        timings.append(time.perf_counter() - started)
    assert report is not None
    print(
        f"compute_regional_index: best {min(timings):.3f} s, median "
        f"{statistics.median(timings):.3f} s, worst {max(timings):.3f} s "
        f"over {args.repeat} runs ({len(report.index.targets)} targets)"
    )

    started = time.perf_counter()
    rows = sum(1 for _ in to_csv_rows(report))
    print(f"to_csv_rows: {rows:,} rows in {time.perf_counter() - started:.3f} s")
    started = time.perf_counter()
    tiles = [
        Tile(c.region_code, c.region_code, i // 12, i % 12, c.shrunken_lq, c.small_sample)
        for i, c in enumerate(report.index.by_target(DIGITAL))
    ]
    svg = render_tile_map(tiles, title="DIGITAL", legend_title="LQ")
    print(f"render_tile_map: {len(svg):,} bytes in {time.perf_counter() - started:.3f} s")
    correlation = report.additional_education.correlation
    print(
        f"check: digital national share {report.index.summary(DIGITAL).national_share:.4f}, "
        f"additional education vs digital Spearman rho={correlation.rho:.3f} "
        f"(n={correlation.regions}, p={correlation.p_value:.2g})"
    )


if __name__ == "__main__":
    main()
