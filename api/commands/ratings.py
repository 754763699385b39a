"""`talent ratings recompute` and `talent ratings purge-events`.

`recompute` rebuilds the boards of one season (or every open season) in full,
with a progress bar over the season's results, and prints what changed per
board. It writes the same rating events as any recomputation, so subscribers see
its changes. Boards are independent: with `--jobs N` the boards are dealt out to N
processes, each with its own transaction, reading the season's results once and
writing one board while it prices the next.
`purge-events` applies the retention of rating events now (the server also does
it hourly).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import multiprocessing
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from tqdm import tqdm

from api.clock import SystemClock
from api.settings import Settings
from domain.errors import DomainError
from domain.services.ratings import recompute_as_operator
from persistence.database import create_engine, session_factory
from persistence.mappers import start_mappers
from persistence.rating_consumer import purge_rating_events
from persistence.rating_store import rating_stores


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("ratings", help="the rating engine's operations")
    commands = group.add_subparsers(dest="ratings_command", required=True)
    recompute = commands.add_parser("recompute", help="recompute boards in full")
    recompute.add_argument("--season", help="e.g. 2026/27 (default: every open season)")
    recompute.add_argument(
        "--direction", action="append", help="a direction code (repeatable; default: all)"
    )
    recompute.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="processes sharing the boards (default: the number of CPUs, at most the boards)",
    )
    recompute.set_defaults(func=run_recompute)
    purge = commands.add_parser("purge-events", help="delete rating events past the retention")
    purge.set_defaults(func=run_purge)


@contextlib.contextmanager
def without_cycle_collector() -> Iterator[None]:
    """A full recompute allocates millions of acyclic objects; the cycle collector
    would walk them again and again (a third of the run at 5 million results)."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


Outcome = tuple[str, str, int, str | None, int | None]
"""(season, direction, changes, batch id, head cursor): picklable, across processes."""


async def _recompute(season: str, directions: Sequence[str] | None, progress: Any) -> list[Outcome]:
    settings = Settings()
    start_mappers()
    engine = create_engine(settings.database_url, pool_size=2)
    try:
        stores = rating_stores(session_factory(engine))
        with without_cycle_collector():
            outcomes = await recompute_as_operator(
                stores, season, directions, SystemClock(), progress
            )
    finally:
        await engine.dispose()
    return [
        (o.season_code, o.direction_code, o.changes, o.batch_id, o.head_cursor) for o in outcomes
    ]


def _boards_in_process(season: str, directions: list[str], notes: Any) -> list[Outcome]:
    """Some boards in a worker process (spawned: nothing is inherited but the
    arguments), in one transaction."""
    label = ",".join(directions)

    def progress(stage: str, done: int, total: int | None) -> None:
        notes.put((label, stage, done, total))

    return asyncio.run(_recompute(season, directions, progress))


def _shares(directions: Sequence[str], jobs: int) -> list[list[str]]:
    """The boards dealt out to `jobs` processes, each reading the season's results
    once for all of its boards (a read is ~9 s of a 5 M-result season: one process
    per board read it once per board) and writing one board while pricing the next."""
    ordered = sorted(directions)
    return [share for share in (ordered[i::jobs] for i in range(jobs)) if share]


async def _plan(season: str | None, directions: list[str] | None) -> tuple[list[str], list[str]]:
    settings = Settings()
    start_mappers()
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with rating_stores(session_factory(engine))() as store:
            seasons = sorted(await store.open_seasons()) if season is None else [season]
            known = await store.direction_codes()
    finally:
        await engine.dispose()
    wanted = directions or known
    unknown = [d for d in wanted if d not in known]
    if unknown:
        raise DomainError(f"Unknown direction `{unknown[0]}`.", field="direction")
    return seasons, wanted


class _Bars:
    """Progress bars per stage, summed over the boards' processes."""

    def __init__(self) -> None:
        self.bars: dict[str, tqdm[None]] = {}
        self.totals: dict[tuple[str, str], int] = {}

    def update(self, board: str, stage: str, done: int, total: int | None) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(desc=stage, unit="rows", file=sys.stderr, leave=False)
        if total is not None and (board, stage) not in self.totals:
            self.totals[(board, stage)] = total
            bar.total = sum(t for (_, s), t in self.totals.items() if s == stage)
            bar.refresh()
        bar.update(done)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
        self.bars.clear()
        self.totals.clear()


def _run_season(season: str, directions: list[str], jobs: int, bars: _Bars) -> list[Outcome]:
    if jobs <= 1 or len(directions) == 1:
        return asyncio.run(_recompute(season, directions, lambda s, n, t: bars.update("", s, n, t)))
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        notes = manager.Queue()
        stop = threading.Event()

        def pump() -> None:
            while not stop.is_set():
                try:
                    board, stage, done, total = notes.get(timeout=0.2)
                except queue.Empty:
                    continue
                bars.update(board, stage, done, total)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                futures = [
                    pool.submit(_boards_in_process, season, share, notes)
                    for share in _shares(directions, jobs)
                ]
                outcomes = [o for future in futures for o in future.result()]
                return sorted(outcomes, key=lambda o: o[1])
        finally:
            stop.set()
            reader.join()


def run_recompute(args: argparse.Namespace) -> int:
    try:
        seasons, directions = asyncio.run(_plan(args.season, args.direction))
    except DomainError as error:
        print(f"talent ratings recompute: error: {error.message}", file=sys.stderr)
        return 2
    wanted = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    jobs = max(1, min(wanted, len(directions)))
    bars = _Bars()
    for code in seasons:
        started = time.perf_counter()
        try:
            outcomes = _run_season(code, directions, jobs, bars)
        except DomainError as error:
            print(f"talent ratings recompute: error: {error.message}", file=sys.stderr)
            return 2
        finally:
            bars.close()
        for season, direction, changes, batch, head in outcomes:
            print(
                f"{season} {direction}: {changes} changes"
                + (f", batch {batch}, cursor {head}" if batch else "")
            )
        print(f"{code}: recomputed in {time.perf_counter() - started:.1f} s")
    return 0


def run_purge(args: argparse.Namespace) -> int:
    return asyncio.run(_purge())


async def _purge() -> int:
    settings = Settings()
    start_mappers()
    engine = create_engine(settings.database_url, pool_size=1)
    stores = rating_stores(session_factory(engine))
    cutoff = datetime.now(UTC) - timedelta(seconds=settings.rating_event_retention_seconds)
    try:
        async with stores() as store:
            deleted, horizon = await purge_rating_events(store.session, cutoff, store.postgres)
            await store.commit()
    finally:
        await engine.dispose()
    print(f"deleted {deleted} rating events; cursors up to {horizon} have expired")
    return 0
