"""Write the schema's SDL to `graphql_schema/schema.graphql` (the committed contract)."""

from __future__ import annotations

from pathlib import Path

from graphql_schema.schema import export_sdl

SCHEMA_FILE = Path(__file__).resolve().parent / "schema.graphql"


def main() -> None:
    SCHEMA_FILE.write_text(export_sdl(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")


if __name__ == "__main__":
    main()
