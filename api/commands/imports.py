"""`talent import-results EVENT FILE --as EMAIL`: an organizer's file from the shell.

The same use case as the GraphQL upload, with the same permission check (the
account named by `--as` must be the event's organizer or an admin). A progress
line is printed after every committed chunk; if the process dies, running the
same command again continues after the last committed chunk.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.settings import Settings
from domain.accounts import Role
from domain.errors import DomainError
from domain.policy import Viewer
from domain.services.imports import Progress, import_results
from persistence.tables.accounts import accounts


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "import-results", help="import an event's results from a CSV or JSON file"
    )
    parser.add_argument("event", help="the event's id (number or global id)")
    parser.add_argument("file", type=Path, help="CSV (UTF-8/Windows-1251, , or ;) or JSON")
    parser.add_argument(
        "--as", dest="account", required=True, help="email of the organizer or admin account"
    )
    parser.add_argument("--chunk-rows", type=int, default=None, help="rows per transaction")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_import(args))


def _event_id(value: str) -> int | None:
    if value.isdigit():
        return int(value)
    from graphql_schema.ids import decode_id

    try:
        return decode_id(value, "Event", "event")
    except DomainError:
        return None


async def _import(args: argparse.Namespace) -> int:
    event_id = _event_id(args.event)
    if event_id is None:
        print("error: EVENT must be an event id", file=sys.stderr)
        return 2
    if not args.file.is_file():
        print(f"error: no such file: {args.file}", file=sys.stderr)
        return 2
    settings = Settings()
    from api.app import build_state  # the app's imports cost seconds

    state = build_state(settings)
    try:
        viewer = await _viewer(state.services.sessions, args.account)
        if viewer is None:
            print(f"error: no active account {args.account}", file=sys.stderr)
            return 2

        def progress(p: Progress) -> None:
            print(f"batch {p.batch_id}: chunk {p.chunk} committed, {p.rows_done} rows",
                  file=sys.stderr, flush=True)  # fmt: skip

        with args.file.open("rb") as stream:
            batch = await import_results(
                state.services.uow_factory,
                viewer,
                event_id,
                stream,
                args.file.name,
                state.services.clock,
                chunk_rows=args.chunk_rows or settings.import_chunk_rows,
                progress=progress,
            )
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    finally:
        await state.engine.dispose()
    print(
        f"batch {batch.id} {batch.status}: {batch.total_rows} rows, {batch.applied_rows} applied, "
        f"{batch.unmatched_rows} unmatched, {batch.invalid_rows} invalid"
    )
    if batch.failure_reason:
        print(f"error: {batch.failure_reason}", file=sys.stderr)
        return 1
    return 0


async def _viewer(sessions: async_sessionmaker[AsyncSession], email: str) -> Viewer | None:
    async with sessions() as session:
        row = (
            await session.execute(
                sa.select(accounts.c.id, accounts.c.role, accounts.c.organization_id).where(
                    accounts.c.email == email.strip().lower(), accounts.c.is_active.is_(True)
                )
            )
        ).first()
    if row is None:
        return None
    return Viewer(account_id=row.id, role=Role(row.role), organization_id=row.organization_id)
