"""Command groups of the `talent` CLI (see `api.cli`)."""

from __future__ import annotations

from types import ModuleType

from api.commands import accounts, demo, quality, server

COMMAND_MODULES: list[ModuleType] = [server, accounts, demo, quality]
