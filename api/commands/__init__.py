"""Command groups of the `talent` CLI (see `api.cli`)."""

from __future__ import annotations

from types import ModuleType

from api.commands import accounts, analytics, demo, imports, privacy, quality, ratings, server

COMMAND_MODULES: list[ModuleType] = [
    server,
    accounts,
    demo,
    quality,
    imports,
    analytics,
    privacy,
    ratings,
]
