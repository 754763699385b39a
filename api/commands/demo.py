"""`talent seed-demo`: the deterministic demo population, with a progress bar."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date

from tqdm import tqdm

from api.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("seed-demo", help="load the synthetic demo population once")
    parser.add_argument("--participants", type=int, default=2000, help="2,000 to 250,000")
    parser.add_argument("--seed", type=int, default=20260901, help="random seed")
    parser.add_argument(
        "--today", type=date.fromisoformat, default=None, help="reference date (YYYY-MM-DD)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 10 <= args.participants <= 1_000_000:
        print("error: --participants must be between 10 and 1,000,000", file=sys.stderr)
        return 2
    return asyncio.run(_seed(args))


async def _seed(args: argparse.Namespace) -> int:
    from api.app import build_state  # the app's and the seed's imports cost seconds
    from persistence.demo.seed import DEMO_EMAILS, DEMO_PASSWORD, SeedPlan, seed_demo

    settings = Settings()
    state = build_state(settings)
    plan = SeedPlan(
        participants=args.participants,
        seed=args.seed,
        today=args.today,
        demo_accounts=settings.is_development,
    )
    bars: dict[str, tqdm[None]] = {}

    def progress(stage: str, n: int) -> None:
        if stage not in bars:
            total = args.participants if stage == "participants" else None
            bars[stage] = tqdm(total=total, desc=stage, unit="rows", file=sys.stderr, leave=False)
        bars[stage].update(n)

    try:
        report = await seed_demo(
            state.services.sessions, plan, state.services.hasher.hash, progress
        )
    finally:
        for bar in bars.values():
            bar.close()
        await state.engine.dispose()
    if not report.created:
        print("demo data already present: nothing changed")
        return 0
    print("demo data loaded: " + ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items())))
    if plan.demo_accounts:
        print(f"demo accounts (password {DEMO_PASSWORD}): " + ", ".join(DEMO_EMAILS.values()))
    return 0
