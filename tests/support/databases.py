"""Test databases: a fresh PostgreSQL database per run (dropped after), and a
SQLite file, both migrated with the project's own Alembic migrations."""

from __future__ import annotations

import argparse
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config

from api.readiness import alembic_config

PG_SERVER = os.environ.get("TALENT_TEST_PG", "postgresql://postgres@127.0.0.1:5432")


def alembic_for(url: str) -> Config:
    config = alembic_config()
    config.cmd_opts = argparse.Namespace(x=[f"url={url}"])
    return config


def migrate(url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_for(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_for(url), revision)


@contextmanager
def fresh_postgres(prefix: str = "talent_test") -> Iterator[str]:
    """CREATE DATABASE with a unique name; DROP it (forcing out connections) after."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER.replace('postgresql://', 'postgresql+psycopg://')}/{name}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_sqlite(directory: Path) -> Iterator[str]:
    path = directory / f"talent_{uuid.uuid4().hex[:8]}.db"
    yield f"sqlite+aiosqlite:///{path}"
