"""`talent ratings recompute` and `talent ratings purge-events` as an operator runs
them, on PostgreSQL and on SQLite: progress on stderr, a summary per board, the
same numbers on both databases, nothing to change the second time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import fresh_postgres
from tests.support.keys import suite_private_pem

TALENT = str(Path(sys.executable).parent / "talent")


@pytest.fixture(params=["postgresql", "sqlite"])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    base = {
        **os.environ,
        "TALENT_JWT_PRIVATE_KEYS": suite_private_pem(),
        "TALENT_VAR_DIR": str(tmp_path / "var"),
        "TALENT_ARGON2_TIME_COST": "1",
        "TALENT_ARGON2_MEMORY_KIB": "64",
    }
    if request.param == "sqlite":
        yield {**base, "TALENT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    else:
        with fresh_postgres("talent_e2e_rating_cli") as url:
            yield {**base, "TALENT_DATABASE_URL": url}


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TALENT, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_recompute_from_the_command_line(env: dict[str, str], tmp_path: Path) -> None:
    assert _run(["migrate"], env, tmp_path).returncode == 0
    seeded = _run(["seed-demo", "--participants", "300"], env, tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    first = _run(["ratings", "recompute", "--season", "2025/26"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    changes = dict(re.findall(r"2025/26 (\w+): (\d+) changes", first.stdout))
    assert set(changes) == {"COMPLEX_ENGINEERING", "PYTHON_PROGRAMMING", "ROBOTICS_PROGRAMMING"}
    assert all(int(n) > 0 for n in changes.values()), first.stdout
    assert "results" in first.stderr  # the progress bar
    again = _run(
        ["ratings", "recompute", "--season", "2025/26", "--direction", "PYTHON_PROGRAMMING"],
        env,
        tmp_path,
    )
    assert again.returncode == 0 and "PYTHON_PROGRAMMING: 0 changes" in again.stdout
    bad = _run(
        ["ratings", "recompute", "--season", "2025/26", "--direction", "NOPE"], env, tmp_path
    )
    assert bad.returncode == 2 and "Unknown direction" in bad.stderr
    purged = _run(["ratings", "purge-events"], env, tmp_path)
    assert purged.returncode == 0 and "deleted 0 rating events" in purged.stdout
