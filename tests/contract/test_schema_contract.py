"""The committed SDL is the contract: it must match the code, and every example
operation a client would write must validate against it."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from graphql_schema.export import SCHEMA_FILE
from graphql_schema.schema import export_sdl

OPERATIONS = sorted(
    (Path(__file__).resolve().parents[2] / "contract" / "operations").glob("*.graphql")
)


def test_committed_schema_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == export_sdl(), (
        "graphql_schema/schema.graphql is stale: run `make schema` and commit it"
    )


@pytest.mark.parametrize("path", OPERATIONS, ids=[p.name for p in OPERATIONS])
def test_example_operations_validate(path: Path) -> None:
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    errors = validate(schema, parse(path.read_text(encoding="utf-8")))
    assert errors == [], [e.message for e in errors]


def test_there_are_example_operations() -> None:
    assert len(OPERATIONS) >= 3
