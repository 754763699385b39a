"""Full recomputation of one season on PostgreSQL: 3 directions, 250,000
participants, 5,000,000 results (target: under 60 s), with where the time goes.

Loads a synthetic season with COPY into a fresh database (`bench.rating_data`),
then runs `talent ratings recompute` as an operator would (one process per board)
twice: against empty boards (every entry, contribution and rating event written),
then with nothing changed (everything read, priced and compared; nothing written).
Where the time goes: the same two runs in one process, each store call timed.

    .venv/bin/python -m bench.bench_rating_recompute [--participants 250000] [--results 5000000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from bench.rating_data import Plan, create_database, drop_database, load, sqlalchemy_url

TIMED = (
    "season_result_columns",
    "board_entry_columns",
    "lock_board",
    "events",
    "eligibility",
    "achievements",
    "write",
)


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return f"{platform.node()}: {os.cpu_count()} cores, {model}, Python {platform.python_version()}"


async def recompute(url: str, season: str) -> tuple[float, dict[str, float], list[Any]]:
    from api.commands.ratings import without_cycle_collector
    from domain.services.rating_recompute import recompute_season
    from persistence.database import create_engine, session_factory
    from persistence.mappers import start_mappers
    from persistence.rating_store import SqlAlchemyRatingStore

    start_mappers()
    spent: dict[str, float] = defaultdict(float)

    class Timed(SqlAlchemyRatingStore):
        pass

    for name in TIMED:
        original = getattr(SqlAlchemyRatingStore, name)

        async def timed(self: Any, *args: Any, __original: Any = original, __name: str = name,
                        **kwargs: Any) -> Any:  # fmt: skip
            started = time.perf_counter()
            try:
                return await __original(self, *args, **kwargs)
            finally:
                spent[__name] += time.perf_counter() - started

        setattr(Timed, name, timed)

    engine = create_engine(sqlalchemy_url(url), pool_size=2)
    store = Timed(session_factory(engine))
    started = time.perf_counter()
    async with store:
        with without_cycle_collector():  # as `talent ratings recompute` runs it
            outcomes = await recompute_season(store, season, None, datetime.now(UTC))
        before_commit = time.perf_counter()
        await store.commit()
        spent["commit"] += time.perf_counter() - before_commit
    total = time.perf_counter() - started
    await engine.dispose()
    return total, dict(spent), outcomes


def reset(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE rating_explanations, rating_entries, rating_events")
        conn.execute("DELETE FROM rating_boards")


def cli(url: str, season: str) -> tuple[float, str]:
    """`talent ratings recompute` in its own process, as an operator runs it."""
    env = {**os.environ, "TALENT_DATABASE_URL": sqlalchemy_url(url), "TALENT_LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "talent"), "ratings", "recompute", "--season", season],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return time.perf_counter() - started, done.stdout


def report(label: str, total: float, spent: dict[str, float], outcomes: list[Any]) -> None:
    accounted = sum(spent.values())
    print(f"{label}: {total:.1f} s")
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {name:<24} {seconds:6.1f} s")
    rest = total - accounted
    print(f"  {'pricing, selection, ranking':<24} {rest:6.1f} s  (numpy engine and comparison)")
    for o in outcomes:
        print(f"  board {o.direction_code}: {o.changes} rating events")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=250_000)
    parser.add_argument("--results", type=int, default=5_000_000)
    parser.add_argument("--achievements", type=int, default=50_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", help="a database URL a previous --keep run left")
    args = parser.parse_args()
    print(machine())
    plan = Plan(args.participants, args.results, achievements=args.achievements)
    url = args.reuse or create_database("talent_bench_recompute")
    try:
        if args.reuse:
            reset(url)
        else:
            started = time.perf_counter()
            loaded = load(url, plan)
            print(
                f"loaded {args.participants:,} participants, {loaded.results:,} results in "
                f"{loaded.events:,} events, {args.achievements:,} approved achievements "
                f"(COPY, {time.perf_counter() - started:.0f} s)"
            )
        for label in ("empty boards (writes everything)", "again, nothing changed"):
            took, output = cli(url, plan.season)
            print(f"talent ratings recompute, {label}: {took:.1f} s")
            print("  " + "\n  ".join(output.strip().splitlines()))
        reset(url)
        print("where the time goes (the same runs in one process, store calls timed):")
        total, spent, outcomes = asyncio.run(recompute(url, plan.season))
        report("one process, empty boards", total, spent, outcomes)
        total, spent, outcomes = asyncio.run(recompute(url, plan.season))
        report("one process, nothing changed", total, spent, outcomes)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident memory of this process: {peak:,.0f} MiB")
    finally:
        if args.keep:
            print(f"database kept: {url}")
        else:
            drop_database(url)


if __name__ == "__main__":
    main()
