"""`talent privacy run-due`: run due erasures and record consent expiries.

The API server does the same periodically (`TALENT_PRIVACY_RUN_INTERVAL_SECONDS`);
this command is for a cron job, or for running it now.
"""

from __future__ import annotations

import argparse
import asyncio

from api.settings import Settings
from domain.services.privacy import run_due


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("privacy", help="privacy housekeeping (152-FZ)")
    commands = parser.add_subparsers(dest="privacy_command", required=True)
    run = commands.add_parser(
        "run-due",
        help="erase participants whose erasure date has passed and expire lapsed consents",
    )
    run.set_defaults(func=run_due_command)


def run_due_command(args: argparse.Namespace) -> int:
    return asyncio.run(_run())


async def _run() -> int:
    from api.app import build_state  # the app's imports cost seconds

    state = build_state(Settings())
    try:
        report = await run_due(
            state.services.uow_factory, state.services.clock, state.services.blobs
        )
    finally:
        await state.engine.dispose()
    print(
        f"expired consents {report.expired_consents}, erased participants "
        f"{report.erased_participants}, deleted evidence files {report.deleted_files}"
    )
    return 0
