"""Benchmark: every careless-answering index for a 1,000,000 × 50 questionnaire.

Times compute_careless_indices — longstring, IRV and split IRV (4 parts), Mahalanobis D²
with pairwise covariance, even-odd, psychometric synonyms and antonyms — on answers from
the synthetic generator (10 scales × 5 items, Likert 1–5, 15% careless, 1% missing so
the pairwise-missing paths run). Generating the data is excluded, as reading a file
would be. Peak memory is reported twice: what the computation allocates on top of the
input (tracemalloc, a separate run) and the process's maximum resident set (getrusage,
which includes the 400 MB input and the generator).

    .venv/bin/python bench/bench_quality_indices.py [--respondents N] [--repeat K] [--seed S]

Target: under 10 s and under 4 GiB on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from domain.analytics.careless import compute_careless_indices
from domain.analytics.careless_synthetic import QuestionnaireDesign, generate_questionnaire


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--missing-rate", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    design = QuestionnaireDesign(missing_rate=args.missing_rate)
    started = time.perf_counter()
    data = generate_questionnaire(args.respondents, design=design, seed=args.seed)
    generation = time.perf_counter() - started
    answers = data.answers
    factors = [design.items_per_scale] * design.n_scales

    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = compute_careless_indices(answers, factors)
        timings.append(time.perf_counter() - started)

    tracemalloc.start()
    compute_careless_indices(answers, factors)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB

    shape = f"{answers.shape[0]:,} × {answers.shape[1]}"
    machine = f"{os.cpu_count()} × {cpu_model()}"
    print(f"machine: nproc={os.cpu_count()}, CPU={cpu_model()}, numpy {np.__version__}")
    print(f"data: {shape}, {args.missing_rate:.0%} missing, generated in {generation:.1f} s")
    print(f"runs (s): {', '.join(f'{t:.2f}' for t in timings)}")
    print(
        f"psychsyn rows defined: {np.isfinite(result.psychsyn).mean():.3f}; notes: {result.notes}"
    )
    print()
    print("| data | indices | median time | best time | peak extra memory | max RSS | machine |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {shape}, Likert 1–5, {args.missing_rate:.0%} missing "
        f"| longstring, IRV + 4 parts, D², even-odd, psychsyn, psychant "
        f"| {statistics.median(timings):.2f} s | {min(timings):.2f} s "
        f"| {traced_peak / 2**20:,.0f} MiB | {max_rss_mib:,.0f} MiB | {machine} |"
    )


if __name__ == "__main__":
    main()
