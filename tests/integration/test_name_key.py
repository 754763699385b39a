"""PostgreSQL's `talent_name_key()` (the indexed matching key) equals `domain.imports.name_key`."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.imports import name_key

NAMES = ["  ЁЛКИНА ", "Пётр", "иванова  -  петрова", "Anna\u00a0Maria", "О'Нил", "\tЁж\t"]


async def test_database_and_python_keys_agree(database_url: str, state) -> None:  # type: ignore[no-untyped-def]
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite compares names in Python (see persistence/imports/sqlite.py)")
    async with state.services.sessions() as session:
        for name in NAMES:
            key = await session.scalar(sa.text("SELECT talent_name_key(:n)"), {"n": name})
            assert key == name_key(name), name
        await session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            (
                await session.execute(
                    sa.text(
                        "EXPLAIN SELECT id FROM participants WHERE "
                        "talent_name_key(last_name) = 'иванов'"
                    )
                )
            ).scalars()
        )
    # the planner may pick either index on a tiny table; it must not scan it whole
    assert "Index" in plan and "Seq Scan" not in plan, plan
