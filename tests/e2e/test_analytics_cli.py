"""`talent analytics import` and `talent analytics flags` as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.databases import fresh_sqlite, migrate
from tests.support.keys import suite_private_pem

TALENT = str(Path(sys.executable).parent / "talent")


@pytest.fixture
def env(tmp_path: Path):  # type: ignore[no-untyped-def]
    with fresh_sqlite(tmp_path) as url:
        migrate(url)
        yield {
            **os.environ,
            "TALENT_DATABASE_URL": url,
            "TALENT_VAR_DIR": str(tmp_path / "var"),
            "TALENT_JWT_PRIVATE_KEYS": suite_private_pem(),
        }


def _talent(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TALENT, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow
def test_import_is_all_or_nothing_and_flags_run(env: dict[str, str], tmp_path: Path) -> None:
    seeded = _talent(["seed-demo", "--participants", "60"], env, tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    assert "quality_flags" in seeded.stdout and "profession_choices" in seeded.stdout
    (tmp_path / "q.csv").write_text(
        "questionnaire,title,scale_min,scale_max,item,scale,reverse\n"
        + "".join(f"CLI_Q,Анкета,1,5,i{j},S{j // 3},false\n" for j in range(6))
    )
    assert _talent(["analytics", "import", "questionnaire", "q.csv"], env, tmp_path).returncode == 0
    (tmp_path / "bad.csv").write_text(
        "participant,season,i0,i1,i2,i3,i4,i5\n1,2026/27,1,2,3,4,5,1\n2,2026/27,1,2,x,4,5\n"
    )
    bad = _talent(
        ["analytics", "import", "responses", "bad.csv", "--target", "CLI_Q"], env, tmp_path
    )
    assert bad.returncode == 2
    assert "row 2: expected 8 values, found 7" in bad.stderr and "nothing was changed" in bad.stderr
    (tmp_path / "empty.csv").write_text("")
    empty = _talent(["analytics", "import", "choices", "empty.csv"], env, tmp_path)
    assert empty.returncode == 2 and "empty" in empty.stderr
    (tmp_path / "good.csv").write_text(
        "participant,season,i0,i1,i2,i3,i4,i5\n1,2026/27,1,2,3,4,5,1\n2,2026/27,3,3,3,3,3,3\n"
    )
    good = _talent(
        ["analytics", "import", "responses", "good.csv", "--target", "CLI_Q"], env, tmp_path
    )
    assert good.returncode == 0 and "2 created" in good.stdout, good.stderr
    again = _talent(
        ["analytics", "import", "responses", "good.csv", "--target", "CLI_Q"], env, tmp_path
    )
    assert "2 unchanged" in again.stdout
    flags = _talent(["analytics", "flags", "--questionnaire", "DEMO_INTERESTS"], env, tmp_path)
    assert flags.returncode == 0 and "60 respondents" in flags.stdout, flags.stderr
    tests = _talent(["analytics", "flags", "--test", "DEMO_LOGIC"], env, tmp_path)
    assert tests.returncode == 0 and "rapid_guessing" in tests.stdout, tests.stderr
    missing = _talent(["analytics", "flags", "--test", "NOPE"], env, tmp_path)
    assert missing.returncode == 2 and "No test 'NOPE'" in missing.stderr
