"""`talent analytics …`: load career-guidance data and run the quality flags.

    talent analytics import KIND FILE [--target CODE] [--format CSV|JSON]
    talent analytics flags (--questionnaire CODE | --test CODE) [--season 2026/27]

KIND is one of questionnaire, test, responses, attempts, trials, choices, profiles
(docs/analytics-data.md gives the columns). The operator acts as an admin. A file with
any bad row changes nothing: every problem is printed with its row, exit code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from api.settings import Settings
from domain.accounts import Role
from domain.analytics_import import FileFormat, ImportKind, guess_format
from domain.errors import DomainError
from domain.policy import Viewer
from domain.services.analytics_import import ImportRequest, import_analytics

OPERATOR = Viewer(role=Role.ADMIN)
"""The command line runs with an admin's rights and no account (imports record none)."""

EXIT_BAD_INPUT = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("analytics", help="career-guidance data and quality flags")
    commands = group.add_subparsers(dest="analytics_command", required=True)
    load = commands.add_parser("import", help="import a CSV or JSON file (all or nothing)")
    load.add_argument("kind", choices=[k.value.lower() for k in ImportKind])
    load.add_argument("file", type=Path)
    load.add_argument("--target", help="questionnaire (responses) or test (attempts) code")
    load.add_argument("--format", choices=["csv", "json"], help="default: from the file name")
    load.set_defaults(func=run_import)
    flags = commands.add_parser("flags", help="run the flag rule over an instrument")
    which = flags.add_mutually_exclusive_group(required=True)
    which.add_argument("--questionnaire")
    which.add_argument("--test")
    flags.add_argument("--season", help="only this season's responses")
    flags.set_defaults(func=run_flags)


def run_import(args: argparse.Namespace) -> int:
    try:
        content = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        print(f"error: {args.file}: cannot read ({error})", file=sys.stderr)
        return EXIT_BAD_INPUT
    fmt = FileFormat(args.format.upper()) if args.format else guess_format(args.file.name)
    request = ImportRequest(
        kind=ImportKind(args.kind.upper()),
        content=content,
        filename=args.file.name,
        format=fmt,
        target=args.target,
    )
    return asyncio.run(_import(request, args.file))


async def _import(request: ImportRequest, path: Path) -> int:
    from api.app import build_state  # the app's imports cost seconds

    state = build_state(Settings())
    try:
        outcome = await import_analytics(
            state.services.uow_factory(), OPERATOR, state.services.clock, request
        )
    except DomainError as error:
        print(f"error: {path}: {error.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        await state.engine.dispose()
    if not outcome.applied:
        for problem in outcome.problems:
            print(f"error: {path}: row {problem.row}: {problem.reason}", file=sys.stderr)
        print(
            f"error: {outcome.invalid_rows} of {outcome.total_rows} rows cannot be imported; "
            "nothing was changed",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    print(
        f"imported {outcome.total_rows} {request.kind.value.lower()} rows: "
        f"{outcome.created} created, {outcome.updated} updated, {outcome.unchanged} unchanged"
    )
    return 0


def run_flags(args: argparse.Namespace) -> int:
    return asyncio.run(_flags(args))


async def _flags(args: argparse.Namespace) -> int:
    from api.app import build_state  # the app's imports cost seconds

    state = build_state(Settings())
    try:
        from domain.services.quality import compute_quality_flags  # scipy: seconds to import

        run = await compute_quality_flags(
            state.services.uow_factory(),
            OPERATOR,
            state.services.clock,
            questionnaire=args.questionnaire,
            test=args.test,
            season=args.season,
        )
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        await state.engine.dispose()
    print(
        f"{run.code}: {run.respondents} respondents, {run.flagged} flagged "
        f"({run.created} new, {run.updated} updated, {run.removed} removed); "
        f"hurdles: {', '.join(run.hurdles) or 'none'}"
    )
    for note in run.notes:
        print(f"note: {note}")
    return 0
