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
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def migration_state(engine: AsyncEngine) -> tuple[str | None, str | None]:
    async with engine.connect() as connection:
        exists = await connection.run_sync(
            lambda sync: sa.inspect(sync).has_table("alembic_version")
        )
        current = None
        if exists:
            current = await connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    return current, head_revision()
