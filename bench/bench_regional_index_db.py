"""Benchmark: the regional index end to end from PostgreSQL for a season of N respondents.

Creates a scratch database (dropped afterwards), migrates it, loads N participants with
season profiles and profession choices drawn by the synthetic generator (real regions
and professions of the reference data) with COPY, then times what an API request for an
uncached season does: read the season (choices, profiles, exclusions) into a ChoiceTable
and compute every target — `RegionalIndexCache.get` on a cold cache. Loading is not
counted.

    .venv/bin/python bench/bench_regional_index_db.py [--respondents N] [--repeat K]

Target (issue 5): the index for a season of 1,000,000 respondents under 5 s.
Needs PostgreSQL at TALENT_TEST_PG (default postgresql://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg

from bench.bench_regional_index import machine
from domain.analytics.choice_synthetic import generate_choices
from domain.analytics.regional_index import DIGITAL, Profession
from persistence.database import create_engine, session_factory
from persistence.mappers import start_mappers
from persistence.queries.regional_index import RegionalIndexCache
from tests.support.databases import migrate

PG_SERVER = os.environ.get("TALENT_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
SEASON = "2026/27"


def load(dsn: str, respondents: int, seed: int) -> None:
    with psycopg.connect(dsn) as conn:
        regions = [r[0] for r in conn.execute("SELECT code FROM regions ORDER BY code")]
        catalogue = [
            Profession(c, s, d)
            for c, s, d in conn.execute(
                "SELECT code, sphere, is_digital FROM professions ORDER BY code"
            )
        ]
        data = generate_choices(regions, catalogue, respondents, seed).table
        with conn.cursor() as cur:
            with cur.copy(
                "COPY participants (id, nickname, status, created_at, updated_at) FROM STDIN"
            ) as copy:
                for i in range(respondents):
                    copy.write_row((i + 1, f"b{i}", "ANONYMOUS", "2026-09-01Z", "2026-09-01Z"))
            cur.execute("SELECT setval('participants_id_seq', %s)", (respondents,))
            with cur.copy(
                "COPY respondent_seasons (participant_id, season_code, region_code, "
                "average_mark, club_activity, updated_at) FROM STDIN"
            ) as copy:
                for i in range(respondents):
                    mark = float(data.average_mark[i])
                    copy.write_row(
                        (
                            i + 1,
                            SEASON,
                            data.region_codes[int(data.region[i])],
                            None if math.isnan(mark) else round(mark, 2),
                            bool(data.additional_education[i]),
                            "2026-09-01Z",
                        )
                    )
            with cur.copy(
                "COPY profession_choices (participant_id, season_code, profession_code, "
                "created_at) FROM STDIN"
            ) as copy:
                for r, p in zip(
                    data.choice_respondent.tolist(), data.choice_profession.tolist(), strict=True
                ):
                    copy.write_row((r + 1, SEASON, data.profession_codes[p], "2026-09-01Z"))
        conn.execute("ANALYZE")
        conn.commit()
        print(
            f"data: {respondents:,} respondents, {len(data.choice_respondent):,} choices, "
            f"{len(regions)} regions, {len(catalogue)} professions"
        )


async def measure(url: str, repeat: int) -> None:
    start_mappers()
    engine = create_engine(url)
    sessions = session_factory(engine)
    timings = []
    try:
        for _ in range(repeat):
            cache = RegionalIndexCache()
            started = time.perf_counter()
            season = await cache.get(sessions, SEASON, include_trials=False)
            timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        await cache.get(sessions, SEASON, include_trials=False)
        cached = time.perf_counter() - started
    finally:
        await engine.dispose()
    report = season.report
    print(
        f"read + compute (cold cache): best {min(timings):.2f} s, median "
        f"{statistics.median(timings):.2f} s over {repeat} runs; cached read {cached * 1000:.1f} ms"
    )
    print(
        f"check: {report.valid_respondents:,} valid respondents, {len(report.index.targets)} "
        f"targets, digital national share {report.index.summary(DIGITAL).national_share:.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    name = f"talent_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_SERVER.replace('postgresql://', 'postgresql+psycopg://')}/{name}"
    try:
        migrate(url)
        started = time.perf_counter()
        load(f"{PG_SERVER}/{name}", args.respondents, args.seed)
        print(f"loaded in {time.perf_counter() - started:.1f} s (not counted)")
        asyncio.run(measure(url, args.repeat))
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
