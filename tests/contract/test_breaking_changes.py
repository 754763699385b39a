"""A published schema is a promise to clients of any framework: a change that breaks
an operation they may have written (a removed field, a changed type, a new required
argument) fails here unless it is deliberate — listed, with its reason, in
`contract/breaking-changes.txt`.

The schema is compared with the last committed version that differs from it, so the
check holds both for an uncommitted change and, on a clean clone, for the change
the last schema commit made."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from graphql import build_schema
from graphql.utilities import find_breaking_changes

from graphql_schema.export import SCHEMA_FILE

ROOT = Path(__file__).resolve().parents[2]
ALLOWLIST = ROOT / "contract" / "breaking-changes.txt"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def _previous_schema(current: str) -> str | None:
    """The most recent committed schema that differs from `current` (None: no history)."""
    relative = SCHEMA_FILE.relative_to(ROOT).as_posix()
    for commit in _git("log", "--format=%H", "--", relative).split():
        text = _git("show", f"{commit}:{relative}")
        if text != current:
            return text
    return None


def allowed() -> set[str]:
    """Descriptions of deliberate breaking changes (`description  # reason` per line)."""
    entries = set()
    for line in ALLOWLIST.read_text(encoding="utf-8").splitlines():
        description = line.split("#", 1)[0].strip()
        if description:
            entries.add(description)
    return entries


def test_every_allowlist_entry_gives_a_reason() -> None:
    for line in ALLOWLIST.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            assert "#" in line and line.split("#", 1)[1].strip(), f"no reason: {line!r}"


def test_no_undeclared_breaking_change_against_the_previous_schema() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("no git history to compare the schema with")
    current = SCHEMA_FILE.read_text(encoding="utf-8")
    previous = _previous_schema(current)
    if previous is None:
        pytest.skip("the schema has no earlier committed version")
    changes = find_breaking_changes(build_schema(previous), build_schema(current))
    undeclared = [c.description for c in changes if c.description not in allowed()]
    assert undeclared == [], (
        "breaking schema changes: keep the old shape, or list each in "
        f"contract/breaking-changes.txt with the reason: {undeclared}"
    )
