"""Benchmark: how well the default multiple-hurdle rule finds known careless respondents.

Generates questionnaires (20,000 respondents; 5% each straight-liners, uniform random,
patterned) and tests (20,000 attempts, 5% rapid guessers) with the seeded synthetic
generator, runs the indices and `flag_responses` with the default `QualitySettings`, and
reports per careless pattern:

* recall — the share of that pattern's respondents flagged;
* precision — TP / (TP + attentive flagged), i.e. the precision of the rule in a sample
  holding only that pattern (at its 5% rate) and the attentive respondents;

plus the attentive false-positive rate and the overall precision. The cut-offs were
tuned on seed 11; the figures reported in docs/benchmarks.md use the default seed 2025,
which the tuning never saw.

    .venv/bin/python bench/bench_quality_flags.py [--respondents N] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from bench.bench_quality_indices import cpu_model
from domain.analytics.careless import compute_careless_indices
from domain.analytics.careless_synthetic import (
    ATTENTIVE,
    QUESTIONNAIRE_PATTERNS,
    RAPID_GUESS,
    QuestionnaireDesign,
    generate_questionnaire,
    generate_test,
)
from domain.analytics.personfit import person_fit, response_time_effort
from domain.analytics.quality_flags import AttemptIndices, QualityFlags, flag_responses


def report(title: str, labels: np.ndarray, flags: QualityFlags, patterns: tuple[str, ...]) -> None:
    attentive = labels == ATTENTIVE
    false_positives = int(flags.flagged[attentive].sum())
    print(
        f"\n{title}: {len(labels):,} respondents, attentive flagged "
        f"{false_positives} ({flags.flagged[attentive].mean():.2%})"
    )
    print("| pattern | n | recall | precision | hurdles that fired (share of pattern) |")
    print("| --- | --- | --- | --- | --- |")
    for pattern in patterns:
        members = labels == pattern
        caught = int(flags.flagged[members].sum())
        precision = (
            caught / (caught + false_positives) if caught + false_positives else float("nan")
        )
        fired = ", ".join(
            f"{name} {share:.0%}"
            for name, share in zip(flags.hurdles, flags.failed[members].mean(axis=0), strict=True)
            if share > 0
        )
        print(
            f"| {pattern} | {members.sum():,} | {caught / members.sum():.3f} "
            f"| {precision:.3f} | {fired} |"
        )
    careless_flagged = int(flags.flagged[~attentive].sum())
    overall = careless_flagged / max(int(flags.flagged.sum()), 1)
    print(
        f"overall precision {overall:.3f}, overall recall "
        f"{careless_flagged / max(int((~attentive).sum()), 1):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    print(f"machine: nproc={os.cpu_count()}, CPU={cpu_model()}; seed {args.seed}")
    started = time.perf_counter()

    designs = {
        "questionnaire 10 scales × 5 items, Likert 1–5": (QuestionnaireDesign(), [5] * 10),
        "questionnaire 10 scales × 10 items, Likert 1–7": (
            QuestionnaireDesign(n_scales=10, items_per_scale=10, n_categories=7),
            [10] * 10,
        ),
    }
    for title, (design, factors) in designs.items():
        data = generate_questionnaire(args.respondents, design=design, seed=args.seed)
        flags = flag_responses(compute_careless_indices(data.answers, factors))
        report(title, data.labels, flags, QUESTIONNAIRE_PATTERNS)

    test = generate_test(args.respondents, seed=args.seed)
    fit = person_fit(test.answers)
    effort = response_time_effort(test.times)
    flags = flag_responses(test=AttemptIndices(rte=effort.rte, lzstar=fit.lzstar, zu3=fit.zu3))
    report("test 30 items (2PL estimated by MML, ML abilities)", test.labels, flags, (RAPID_GUESS,))
    print(f"\nelapsed {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
