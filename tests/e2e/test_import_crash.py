"""`talent import-results` killed between chunks, then run again: every row lands once.

A real process is SIGKILLed right after it reports a committed chunk, so the next
chunk is in flight; the re-run must find the unfinished batch and complete it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from persistence.tables.people import participants
from tests.support.databases import fresh_postgres, fresh_sqlite
from tests.support.keys import suite_private_pem

TALENT = str(Path(sys.executable).parent / "talent")
ROWS = 12_000
CHUNK = 500
NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(params=["postgresql", "sqlite"])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    def make(url: str) -> dict[str, str]:
        return {
            **os.environ,
            "TALENT_DATABASE_URL": url,
            "TALENT_JWT_PRIVATE_KEYS": suite_private_pem(),
            "TALENT_VAR_DIR": str(tmp_path / "var"),
            "TALENT_ARGON2_TIME_COST": "1",
            "TALENT_ARGON2_MEMORY_KIB": "64",
            "TALENT_IMPORT_CHUNK_ROWS": str(CHUNK),
        }

    if request.param == "postgresql":
        with fresh_postgres("talent_crash") as url:
            yield make(url)
    else:
        with fresh_sqlite(tmp_path) as url:
            yield make(url)


def _talent(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TALENT, *args], env=env, capture_output=True, text=True, timeout=300)


def _engine(env: dict[str, str]) -> sa.Engine:
    url = env["TALENT_DATABASE_URL"].replace("+aiosqlite", "")
    return sa.create_engine(url)


def _arrange(env: dict[str, str], tmp_path: Path) -> tuple[int, Path]:
    assert _talent(["migrate"], env).returncode == 0
    created = _talent(
        ["create-account", "--role", "ORGANIZER", "--email", "org@crash.example",
         "--password", "organizer-pass", "--organization", "Crash org"], env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    engine = _engine(env)
    with engine.begin() as c:
        org = c.scalar(sa.text("SELECT id FROM organizations WHERE name = 'Crash org'"))
        event = c.scalar(
            sa.text(
                "INSERT INTO events (title, kind, level, season_code, starts_on, ends_on, is_online,"
                " organizer_id, status, participation, created_at, updated_at) VALUES ('Crash',"
                " 'OLYMPIAD', 'SCHOOL', '2026/27', :d, :d, true, :org, 'PUBLISHED', 'INDIVIDUAL',"
                " :now, :now) RETURNING id"
            ),
            {"d": date(2026, 10, 1), "org": org, "now": NOW},
        )
        ids = c.execute(
            sa.insert(participants).returning(participants.c.id, sort_by_parameter_order=True),
            [
                {"nickname": f"crash_{i}", "status": "ANONYMOUS", "created_at": NOW,
                 "updated_at": NOW}
                for i in range(ROWS)
            ],
        ).scalars()  # fmt: skip
        lines = ["participant_id;status;score;max_score"]
        lines += [f"{pid};PARTICIPANT;{i % 100};100" for i, pid in enumerate(ids)]
    engine.dispose()
    path = tmp_path / "results.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return int(event), path


def _counts(env: dict[str, str], event_id: int) -> dict[str, object]:
    engine = _engine(env)
    with engine.connect() as c:
        results = c.scalar(
            sa.text("SELECT count(*) FROM results WHERE event_id = :e"), {"e": event_id}
        )
        rows = c.scalar(sa.text("SELECT count(*) FROM import_rows"))
        distinct = c.scalar(sa.text("SELECT count(DISTINCT row_number) FROM import_rows"))
        status = c.execute(
            sa.text("SELECT status, total_rows, applied_rows FROM import_batches")
        ).all()
    engine.dispose()
    return {"results": results, "rows": rows, "distinct": distinct, "batches": status}


@pytest.mark.slow
def test_killed_import_resumes_and_lands_every_row_once(
    env: dict[str, str], tmp_path: Path
) -> None:
    event_id, path = _arrange(env, tmp_path)
    command = [TALENT, "import-results", str(event_id), str(path), "--as", "org@crash.example"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    for line in process.stderr:
        if "chunk 3 committed" in line:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL

    crashed = _counts(env, event_id)
    assert crashed["batches"][0][0] == "PROCESSING"  # type: ignore[index]
    assert crashed["results"] == crashed["rows"] == crashed["distinct"]  # no half chunk
    assert crashed["results"] % CHUNK == 0 and 3 * CHUNK <= crashed["results"] < ROWS  # type: ignore[operator]

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{ROWS} rows, {ROWS} applied" in rerun.stdout
    done = _counts(env, event_id)
    assert done["results"] == done["rows"] == done["distinct"] == ROWS
    assert done["batches"] == [("COMPLETED", ROWS, ROWS)]

    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and _counts(env, event_id) == done
