"""The PostgreSQL fast path: COPY for the rows and the results, an index join for names.

Row ids come from the sequence in one round trip; the rows stream in with COPY,
the chunk's results are COPYed into a temporary table and upserted from it in one
set-based statement that writes only rows whose values differ. All of it runs in
the chunk's transaction, so a crash rolls the whole chunk back. Names match
through `talent_name_key()` and its index (migration 0004).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from domain.import_outcomes import RowOutcome
from domain.imports import Identifier
from persistence.imports.base import SqlAlchemyImportRepository

_MATCH_NAMES = sa.text(
    """
    SELECT k.last_name, k.first_name, k.birth_date, p.id
    FROM unnest(CAST(:lasts AS text[]), CAST(:firsts AS text[]), CAST(:births AS date[]))
         AS k(last_name, first_name, birth_date)
    JOIN participants p
      ON talent_name_key(p.last_name) = k.last_name
     AND p.birth_date = k.birth_date
     AND talent_name_key(p.first_name) = k.first_name
    WHERE p.erased_at IS NULL
    """
)
_NEXT_IDS = sa.text(
    "SELECT nextval(pg_get_serial_sequence('import_rows', 'id')) FROM generate_series(1, :n)"
)
_COPY_ROWS = (
    "COPY import_rows (id, batch_id, row_number, row_hash, row_key, state, raw, reason,"
    " participant_id, created_at) FROM STDIN"
)
_STAGE = sa.text(
    "CREATE TEMP TABLE IF NOT EXISTS import_stage (participant_id bigint, status varchar(32),"
    " score numeric(12, 3), max_score numeric(12, 3), place integer, team varchar(200),"
    " completion varchar(32), import_row_id bigint) ON COMMIT DELETE ROWS"
)
_COPY_STAGE = (
    "COPY import_stage (participant_id, status, score, max_score, place, team, completion,"
    " import_row_id) FROM STDIN"
)
_VALUES = ("status", "score", "max_score", "place", "team", "completion")
_UPSERT = sa.text(
    f"""
    INSERT INTO results (event_id, participant_id, {", ".join(_VALUES)}, source, import_row_id,
                         created_at, updated_at)
    SELECT :event_id, participant_id, {", ".join(_VALUES)}, 'IMPORT', import_row_id, :now, :now
    FROM import_stage
    ON CONFLICT (event_id, participant_id) DO UPDATE SET
      {", ".join(f"{v} = EXCLUDED.{v}" for v in _VALUES)}, source = EXCLUDED.source,
      import_row_id = EXCLUDED.import_row_id, updated_at = EXCLUDED.updated_at
    WHERE ({", ".join(f"results.{v}" for v in _VALUES)})
          IS DISTINCT FROM ({", ".join(f"EXCLUDED.{v}" for v in _VALUES)})
    RETURNING participant_id
    """  # noqa: S608 (column names are constants)
)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class PostgresImportRepository(SqlAlchemyImportRepository):
    pipeline_depth = 2

    def among(self, column: sa.ColumnElement[Any], values: Iterable[Any]) -> sa.ColumnElement[bool]:
        # A plain bigint[] / text[]: an array of the column's variant type would reach
        # PostgreSQL as numeric[] and turn the index lookup into a sequential scan.
        item = sa.BigInteger() if isinstance(column.type, sa.Integer) else sa.Text()
        return column == sa.any_(
            sa.bindparam(None, list(set(values)), type_=postgresql.ARRAY(item))
        )

    async def match_names(self, names: Sequence[Identifier]) -> list[tuple[str, int]]:
        unique = {(i.last_name, i.first_name, i.birth_date) for i in names}
        lasts, firsts, births = (list(column) for column in zip(*unique, strict=True))
        rows = await self.session.execute(
            _MATCH_NAMES, {"lasts": lasts, "firsts": firsts, "births": births}
        )
        return [(f"name:{last}|{first}|{born}", pid) for last, first, born, pid in rows]

    async def _driver(self) -> Any:
        connection = await self.session.connection()
        return (await connection.get_raw_connection()).driver_connection

    async def insert_rows(
        self, batch_id: int, outcomes: Sequence[RowOutcome], now: datetime
    ) -> list[int]:
        if not outcomes:
            return []
        ids = list((await self.session.execute(_NEXT_IDS, {"n": len(outcomes)})).scalars())
        raw = await self._driver()
        async with raw.cursor() as cursor, cursor.copy(_COPY_ROWS) as copy:
            for row_id, outcome in zip(ids, outcomes, strict=True):
                row = outcome.row
                await copy.write_row(
                    (row_id, batch_id, row.row_number, row.row_hash, row.row_key,
                     str(outcome.state), row.raw_json, outcome.reason, outcome.participant_id,
                     now)
                )  # fmt: skip
        return ids

    async def upsert_results(self, event_id: int, rows: Sequence[dict[str, Any]]) -> list[int]:
        if len(rows) < 50:  # one moderator's row: the portable statement is enough
            return await super().upsert_results(event_id, rows)
        await self.session.execute(_STAGE)
        raw = await self._driver()
        async with raw.cursor() as cursor, cursor.copy(_COPY_STAGE) as copy:
            for r in rows:
                await copy.write_row(
                    (r["participant_id"], str(r["status"]), r["score"], r["max_score"],
                     r["place"], r["team"], _text(r["completion"]), r["import_row_id"])
                )  # fmt: skip
        params = {"event_id": event_id, "now": rows[0]["updated_at"]}
        changed = list((await self.session.execute(_UPSERT, params)).scalars())
        if changed:
            await self.link_achievements(event_id, changed)
        return changed
