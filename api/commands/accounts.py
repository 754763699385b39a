"""`talent create-account`: staff accounts (students and guardians register themselves)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from api.settings import Settings
from domain.accounts import Role
from domain.errors import DomainError
from domain.services.accounts import create_staff_account


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("create-account", help="create a staff account")
    parser.add_argument(
        "--role", required=True, choices=["MODERATOR", "UNIVERSITY", "ORGANIZER", "ADMIN"]
    )
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--organization", help="required for UNIVERSITY and ORGANIZER")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_create(args))


async def _create(args: argparse.Namespace) -> int:
    from api.app import build_state  # the app's imports cost seconds

    state = build_state(Settings())
    try:
        account = await create_staff_account(
            state.services.uow_factory(),
            role=Role(args.role),
            email=args.email,
            password=args.password,
            organization=args.organization,
            creds=state.services.credentials,
        )
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    finally:
        await state.engine.dispose()
    print(f"created {account.role.value} account {account.email} (id {account.id})")
    return 0
