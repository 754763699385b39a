"""`talent seed-demo`: the population the issue asks for, and idempotent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from api.app import build_state
from persistence.demo.seed import SeedPlan, seed_demo
from tests.conftest import make_settings
from tests.support.databases import fresh_postgres, fresh_sqlite, migrate


def _scalar(url: str, sql: str) -> int:
    engine = sa.create_engine(url.replace("+aiosqlite", ""))
    with engine.connect() as connection:
        value = connection.scalar(sa.text(sql))
    engine.dispose()
    return int(value or 0)


@pytest.fixture(params=["postgresql", "sqlite"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "postgresql":
        with fresh_postgres("talent_seed") as url:
            migrate(url)
            yield url
    else:
        with fresh_sqlite(tmp_path) as url:
            migrate(url)
            yield url


async def test_seed_demo_population_and_idempotence(empty_database: str, tmp_path: Path) -> None:
    state = build_state(make_settings(empty_database, tmp_path))
    plan = SeedPlan(participants=2000, today=date(2026, 11, 23))
    try:
        first = await seed_demo(state.services.sessions, plan, state.services.hasher.hash)
        second = await seed_demo(state.services.sessions, plan, state.services.hasher.hash)
    finally:
        await state.engine.dispose()
    assert first.created and not second.created
    url = empty_database
    assert _scalar(url, "SELECT count(*) FROM participants") == 2000
    assert _scalar(url, "SELECT count(DISTINCT region_code) FROM participants") >= 40
    assert _scalar(url, "SELECT count(*) FROM events") >= 60
    assert _scalar(url, "SELECT count(DISTINCT kind) FROM events") == 8
    assert _scalar(url, "SELECT count(DISTINCT level) FROM events") == 5
    assert _scalar(url, "SELECT count(DISTINCT season_code) FROM events") == 2
    assert _scalar(url, "SELECT count(DISTINCT status) FROM consents") == 4
    assert _scalar(url, "SELECT count(DISTINCT status) FROM achievements") == 5
    assert _scalar(url, "SELECT count(DISTINCT status) FROM results") == 4
    assert _scalar(url, "SELECT count(*) FROM results") >= 5000
    assert _scalar(url, "SELECT count(DISTINCT status) FROM participants") == 3
    # every minor with personal data has a guardian link
    assert (
        _scalar(
            url,
            "SELECT count(*) FROM participants p WHERE p.status <> 'ANONYMOUS' AND p.birth_date > '2008-11-23'"
            " AND NOT EXISTS (SELECT 1 FROM guardian_links g WHERE g.participant_id = p.id AND g.status = 'CONFIRMED')",
        )
        == 0
    )
    # demo accounts, one per role, and a confirmed guardian of a demo minor
    assert (
        _scalar(url, "SELECT count(DISTINCT role) FROM accounts WHERE email LIKE '%@demo.test'")
        == 6
    )
    assert (
        _scalar(
            url,
            "SELECT count(*) FROM guardian_links l JOIN guardians g ON g.id = l.guardian_id"
            " JOIN accounts a ON a.id = g.account_id WHERE a.email = 'guardian@demo.test' AND l.status = 'CONFIRMED'",
        )
        >= 1
    )
    assert (
        _scalar(
            url,
            "SELECT count(*) FROM accounts WHERE email = 'organizer@demo.test' AND organization_id IN"
            " (SELECT organizer_id FROM events GROUP BY organizer_id HAVING count(*) >= 3)",
        )
        == 1
    )


@pytest.fixture
def sqlite_database(tmp_path: Path):  # type: ignore[no-untyped-def]
    with fresh_sqlite(tmp_path) as url:
        migrate(url)  # Alembic runs its own event loop: keep it out of the async test
        yield url


async def test_seed_without_demo_accounts_creates_none(
    sqlite_database: str, tmp_path: Path
) -> None:
    state = build_state(make_settings(sqlite_database, tmp_path))
    try:
        await seed_demo(
            state.services.sessions,
            SeedPlan(participants=50, demo_accounts=False),
            state.services.hasher.hash,
        )
    finally:
        await state.engine.dispose()
    assert (
        _scalar(sqlite_database, "SELECT count(*) FROM accounts WHERE email LIKE '%@demo.test'")
        == 0
    )
