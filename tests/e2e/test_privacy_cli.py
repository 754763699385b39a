"""`talent privacy run-due` as an operator's cron job runs it: a real process on a
database with the demo population, erasing exactly the participants that are due."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.databases import fresh_postgres
from tests.support.keys import suite_private_pem

TALENT = str(Path(sys.executable).parent / "talent")


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with fresh_postgres("talent_privacy") as url:
        yield {
            **os.environ,
            "TALENT_DATABASE_URL": url,
            "TALENT_JWT_PRIVATE_KEYS": suite_private_pem(),
            "TALENT_VAR_DIR": str(tmp_path / "var"),
            "TALENT_ARGON2_TIME_COST": "1",
            "TALENT_ARGON2_MEMORY_KIB": "64",
        }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TALENT, *args], env=env, capture_output=True, text=True, timeout=300)


def test_run_due_erases_exactly_the_due_participants(env: dict[str, str]) -> None:
    assert _run(["migrate"], env).returncode == 0
    assert _run(["seed-demo", "--participants", "60"], env).returncode == 0
    engine = sa.create_engine(env["TALENT_DATABASE_URL"])
    past = datetime.now(UTC) - timedelta(days=1)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE participants SET erasure_due_at = NULL"))
        due = [
            row.id
            for row in connection.execute(
                sa.text(
                    "SELECT id FROM participants WHERE last_name IS NOT NULL ORDER BY id LIMIT 3"
                )
            )
        ]
        connection.execute(
            sa.text("UPDATE participants SET erasure_due_at = :at WHERE id = ANY(:ids)"),
            {"at": past, "ids": due},
        )
        named_before = connection.scalar(
            sa.text("SELECT count(*) FROM participants WHERE last_name IS NOT NULL")
        )
    first = _run(["privacy", "run-due"], env)
    assert first.returncode == 0, first.stderr
    assert "erased participants 3" in first.stdout
    second = _run(["privacy", "run-due"], env)
    assert "erased participants 0" in second.stdout
    with engine.connect() as connection:
        erased = connection.execute(
            sa.text(
                "SELECT last_name, email, status, erased_at FROM participants WHERE id = ANY(:ids)"
            ),
            {"ids": due},
        ).all()
        named_after = connection.scalar(
            sa.text("SELECT count(*) FROM participants WHERE last_name IS NOT NULL")
        )
        links = connection.scalar(
            sa.text("SELECT count(*) FROM guardian_links WHERE participant_id = ANY(:ids)"),
            {"ids": due},
        )
    engine.dispose()
    assert all(r.last_name is None and r.email is None and r.erased_at for r in erased)
    assert {r.status for r in erased} == {"ANONYMOUS"}
    assert named_after == named_before - 3 and links == 0
