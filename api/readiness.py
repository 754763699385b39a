"""Readiness: is the database reachable, and is its schema at the migrations' head?"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from api.settings import PROJECT_ROOT


def alembic_config() -> Config:
    """The repository's alembic.ini, usable from any working directory."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(Path(PROJECT_ROOT / "migrations")))
    return config


@cache
def head_revisions() -> str | None:
    """The heads of the migration graph, comma-joined (one, once branches are merged)."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return ",".join(sorted(heads)) or None


async def migration_state(engine: AsyncEngine) -> tuple[str | None, str | None]:
    """(what the database is at, what the code expects), comparable as strings."""
    async with engine.connect() as connection:
        exists = await connection.run_sync(
            lambda sync: sa.inspect(sync).has_table("alembic_version")
        )
        current = None
        if exists:
            rows = await connection.scalars(sa.text("SELECT version_num FROM alembic_version"))
            current = ",".join(sorted(rows)) or None
    return current, head_revisions()
