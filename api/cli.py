"""The `talent` command line: one entry point, one module per command group.

Each module under `api/commands/` exposes `register(subparsers)`, adding its
sub-commands with a `func(args) -> int` default. Keeping the groups apart lets
the analytics, privacy and rating commands grow without touching each other.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from api.commands import COMMAND_MODULES


def build_parser() -> argparse.ArgumentParser:
    """Build the full parser; importing a command module registers nothing by itself."""
    parser = argparse.ArgumentParser(prog="talent", description="Talent footprint service")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code (0 success, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
