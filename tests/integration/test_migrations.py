"""Migrations: up → down → up works, and the models match what migrations build."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from migrations import reference_data
from persistence.tables import metadata
from tests.support.databases import downgrade, fresh_postgres, fresh_sqlite, migrate


def _sync(url: str) -> str:
    return url.replace("+aiosqlite", "").replace("+psycopg", "+psycopg")


def _diff(url: str) -> list[object]:
    engine = sa.create_engine(_sync(url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    return diff


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(_sync(url))
    with engine.connect() as connection:
        value = connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
    engine.dispose()
    return int(value or 0)


def test_upgrade_downgrade_upgrade_on_postgresql() -> None:
    with fresh_postgres("talent_migrations") as url:
        migrate(url)
        assert _count(url, "regions") == len(reference_data.regions())
        downgrade(url, "base")
        engine = sa.create_engine(_sync(url))
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
        engine.dispose()
        assert tables == set()
        migrate(url)
        assert _count(url, "professions") == len(reference_data.professions())
        assert _diff(url) == []


def test_models_match_migrations_on_sqlite(tmp_path: Path) -> None:
    with fresh_sqlite(tmp_path) as url:
        migrate(url)
        downgrade(url, "base")
        migrate(url)
        assert _diff(url) == []


@pytest.mark.parametrize(
    "loader,minimum",
    [
        (reference_data.regions, 89),
        (reference_data.professions, 100),
        (reference_data.directions, 3),
        (reference_data.consent_documents, 4),
    ],
)
def test_reference_data_files_load(loader, minimum) -> None:  # type: ignore[no-untyped-def]
    assert len(loader()) >= minimum


def test_the_migration_graph_has_a_single_head() -> None:
    from alembic.script import ScriptDirectory

    from api.readiness import alembic_config

    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1
