"""The PostgreSQL fast path: a chunk is COPYed into a temporary table and settled,
stored and applied there by set-based statements, not row by row.

Python only parses and validates rows (`domain.imports.parse_row`); what needs the
database happens next to the data, by the rules of `domain.import_outcomes.settle`
(the SQLite path runs `settle` itself; both pass the same tests):

- `stage_rows`: COPY into `import_chunk`, then `_MATCH` counts the live participants
  each identifier names (id, email, or `talent_name_key()` + birth date, migration
  0004) and looks up earlier moderator choices for rows that do not match exactly
  one. Nothing here depends on earlier chunks, so it runs while the previous chunk
  is still being written (`pipeline_depth` 2).
- `apply_rows`, after the previous chunk committed: `_SETTLE` finds duplicates (the
  same row key, or the same participant, in an earlier row of the batch or of the
  chunk), gives every row its state and reason, inserts the report rows, upserts the
  results that differ and links approved achievements to new results — one
  statement, in the chunk's transaction, so a crash rolls the whole chunk back.

Lookups are correlated subqueries on indexes (participants by id, email and name
key; import rows by row key + batch, migration 0009, and by batch + participant),
so the plans do not depend on statistics of the temporary tables or of import rows
freshly written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from domain.achievements import AchievementStatus
from domain.import_outcomes import (
    AMBIGUOUS,
    NOBODY,
    SAME_PARTICIPANT,
    SAME_ROW,
    ChunkOutcome,
    StagedChunk,
    reason_text,
)
from domain.imports import ParsedRow, RowReason
from domain.results import ImportRowState, ResultSource
from persistence.imports.base import SqlAlchemyImportRepository

_CHUNK_TABLE = sa.text(
    "CREATE TEMP TABLE IF NOT EXISTS import_chunk (row_number integer NOT NULL,"
    " row_hash text NOT NULL, row_key text NOT NULL, raw jsonb NOT NULL, reason text,"
    " kind text, participant_id bigint, email text, last_name text, first_name text,"
    " birth_date date, status text, score numeric(12, 3), max_score numeric(12, 3),"
    " place integer, team text, completion text) ON COMMIT DELETE ROWS"
)
_MATCH_TABLE = sa.text(
    "CREATE TEMP TABLE IF NOT EXISTS import_match (row_number integer NOT NULL,"
    " found bigint NOT NULL, chosen bigint) ON COMMIT DELETE ROWS"
)
_NO_JIT = sa.text("SET LOCAL jit = off")
"""The chunk's statements are costed high (they read like big joins), and compiling
them for JIT takes longer than running them: 150 ms per chunk."""
_COPY_CHUNK = (
    "COPY import_chunk (row_number, row_hash, row_key, raw, reason, kind, participant_id,"
    " email, last_name, first_name, birth_date, status, score, max_score, place, team,"
    " completion) FROM STDIN"
)
_MATCH = sa.text(
    """
    INSERT INTO import_match (row_number, found, chosen)
    SELECT c.row_number, m.found,
      -- the participant: the one match, else a moderator's latest choice for this key
      CASE WHEN m.found = 1 THEN m.first_id
           WHEN c.reason IS NULL THEN (
             SELECT (array_agg(r.participant_id ORDER BY r.id DESC))[1] FROM import_rows r
              WHERE r.row_key = c.row_key AND r.resolved_by_account_id IS NOT NULL
                AND r.participant_id IS NOT NULL)
      END
    FROM import_chunk c
    CROSS JOIN LATERAL (
      -- how many live participants the row's identifier names, and the first of them
      SELECT count(*) AS found, min(x.id) AS first_id FROM (
        SELECT p.id FROM participants p
         WHERE c.kind = 'id' AND p.id = c.participant_id AND p.erased_at IS NULL
        UNION ALL
        SELECT p.id FROM participants p
         WHERE c.kind = 'email' AND p.email = c.email AND p.erased_at IS NULL
        UNION ALL
        SELECT p.id FROM participants p
         WHERE c.kind = 'name' AND talent_name_key(p.last_name) = c.last_name
           AND p.birth_date = c.birth_date AND talent_name_key(p.first_name) = c.first_name
           AND p.erased_at IS NULL
      ) x
    ) m
    """
)
_VALUES = ("status", "score", "max_score", "place", "team", "completion")
_SETTLE = sa.text(
    f"""
    WITH keyed AS MATERIALIZED (
      -- the first earlier row of the batch with the same key: this row is a duplicate
      SELECT c.row_number, c.reason IS NULL AS valid, m.found, m.chosen,
        CASE WHEN c.reason IS NULL THEN COALESCE(
          (SELECT min(r.row_number) FROM import_rows r
            WHERE r.row_key = c.row_key AND r.batch_id = :batch_id),
          NULLIF(min(c.row_number) OVER (PARTITION BY c.row_key COLLATE "C"), c.row_number)
        ) END AS same_row
      FROM import_chunk c JOIN import_match m ON m.row_number = c.row_number
    ),
    claimed AS MATERIALIZED (
      -- the first earlier row of the batch that gave this participant a result
      SELECT k.row_number, k.found, k.same_row, k.chosen,
        CASE WHEN k.valid AND k.same_row IS NULL AND k.chosen IS NOT NULL THEN COALESCE(
          (SELECT min(r.row_number) FROM import_rows r
            WHERE r.batch_id = :batch_id AND r.participant_id = k.chosen),
          NULLIF(min(k.row_number) OVER (
            PARTITION BY k.chosen, k.valid AND k.same_row IS NULL), k.row_number)
        ) END AS same_participant
      FROM keyed k
    ),
    settled AS MATERIALIZED (
      -- ids in file order, so the moderators' queue (by id) follows the file
      SELECT nextval(CAST('import_rows_id_seq' AS regclass)) AS id, s.*
      FROM (
        SELECT c.*,
          CASE WHEN c.reason IS NOT NULL OR k.same_row IS NOT NULL THEN :invalid
               WHEN k.chosen IS NULL THEN :unmatched
               WHEN k.same_participant IS NOT NULL THEN :invalid
               ELSE :applied END AS state,
          CASE WHEN c.reason IS NOT NULL THEN c.reason
               WHEN k.same_row IS NOT NULL
                 THEN replace(:same_row, '{{row}}', CAST(k.same_row AS text))
               WHEN k.chosen IS NULL AND k.found > 1 THEN :ambiguous
               WHEN k.chosen IS NULL THEN :nobody
               WHEN k.same_participant IS NOT NULL
                 THEN replace(:same_participant, '{{row}}', CAST(k.same_participant AS text))
          END AS reason_text,
          k.chosen
        FROM import_chunk c JOIN claimed k ON k.row_number = c.row_number
        ORDER BY c.row_number
      ) s
    ),
    stored AS (
      INSERT INTO import_rows (id, batch_id, row_number, row_hash, row_key, state, raw, reason,
                               participant_id, created_at)
      SELECT id, :batch_id, row_number, row_hash, row_key, state, raw, reason_text,
             CASE WHEN state = :applied THEN chosen END, :now
      FROM settled
    ),
    upserted AS (
      INSERT INTO results (event_id, participant_id, {", ".join(_VALUES)}, source,
                           import_row_id, created_at, updated_at)
      SELECT :event_id, chosen, {", ".join(_VALUES)}, :source, id, :now, :now
      FROM settled WHERE state = :applied
      ORDER BY chosen  -- one lock order, should two imports of an event ever overlap
      ON CONFLICT (event_id, participant_id) DO UPDATE SET
        {", ".join(f"{v} = EXCLUDED.{v}" for v in _VALUES)}, source = EXCLUDED.source,
        import_row_id = EXCLUDED.import_row_id, updated_at = EXCLUDED.updated_at
      WHERE ({", ".join(f"results.{v}" for v in _VALUES)})
            IS DISTINCT FROM ({", ".join(f"EXCLUDED.{v}" for v in _VALUES)})
      RETURNING id, participant_id
    ),
    linked AS (
      -- an approved claim for the same event and participant points at the result
      UPDATE achievements a SET result_id = u.id
      FROM upserted u
      WHERE a.event_id = :event_id AND a.participant_id = u.participant_id
        AND a.status = :approved AND a.result_id IS NULL
    )
    SELECT n.*, ARRAY(SELECT participant_id FROM upserted) AS changed
    FROM (
      SELECT count(*) AS total_rows,
             count(*) FILTER (WHERE state = :applied) AS applied_rows,
             count(*) FILTER (WHERE state = :unmatched) AS unmatched_rows,
             count(*) FILTER (WHERE state = :invalid) AS invalid_rows
      FROM settled
    ) n
    """  # noqa: S608 (column names are constants)
)
_SETTLE_TEXTS = {
    "applied": ImportRowState.APPLIED.value,
    "unmatched": ImportRowState.UNMATCHED.value,
    "invalid": ImportRowState.INVALID.value,
    "same_row": reason_text(RowReason.DUPLICATE_ROW, SAME_ROW),
    "same_participant": reason_text(RowReason.DUPLICATE_ROW, SAME_PARTICIPANT),
    "ambiguous": reason_text(RowReason.AMBIGUOUS_PARTICIPANT, AMBIGUOUS),
    "nobody": reason_text(RowReason.UNKNOWN_PARTICIPANT, NOBODY),
    "source": ResultSource.IMPORT.value,
    "approved": AchievementStatus.APPROVED.value,
}
_NO_VALUES = (None,) * 12


def _chunk_row(row: ParsedRow) -> tuple[Any, ...]:
    """One line of the COPY: the row, its INVALID reason, or how it names its
    participant and the result it asks for."""
    ident, values = row.identifier, row.values
    if ident is None or values is None:
        reason = reason_text(row.reason or RowReason.MISSING_IDENTIFIER, row.message or "")
        return (row.row_number, row.row_hash, row.row_key, row.raw_json, reason, *_NO_VALUES)
    grade = values.completion
    return (
        row.row_number, row.row_hash, row.row_key, row.raw_json, None, ident.kind,
        ident.participant_id, ident.email, ident.last_name, ident.first_name, ident.birth_date,
        str(values.status), values.score, values.max_score, values.place, values.team,
        None if grade is None else str(grade),
    )  # fmt: skip


class PostgresImportRepository(SqlAlchemyImportRepository):
    pipeline_depth = 2

    def among(self, column: sa.ColumnElement[Any], values: Iterable[Any]) -> sa.ColumnElement[bool]:
        # A plain bigint[] / text[]: an array of the column's variant type would reach
        # PostgreSQL as numeric[] and turn the index lookup into a sequential scan.
        item = sa.BigInteger() if isinstance(column.type, sa.Integer) else sa.Text()
        return column == sa.any_(
            sa.bindparam(None, list(set(values)), type_=postgresql.ARRAY(item))
        )

    async def stage_rows(self, rows: Sequence[ParsedRow]) -> StagedChunk:
        """COPY the chunk into the transaction's temporary table and match it there."""
        for statement in (_CHUNK_TABLE, _MATCH_TABLE, _NO_JIT):
            await self.session.execute(statement)
        raw = await self._driver()
        async with raw.cursor() as cursor, cursor.copy(_COPY_CHUNK) as copy:
            for row in rows:
                await copy.write_row(_chunk_row(row))
        await self.session.execute(_MATCH)
        return StagedChunk(rows)

    async def apply_rows(
        self, batch_id: int, event_id: int, staged: StagedChunk, now: datetime
    ) -> ChunkOutcome:
        """One statement settles the staged chunk, stores it and applies it."""
        params = {"batch_id": batch_id, "event_id": event_id, "now": now, **_SETTLE_TEXTS}
        *counts, changed = (await self.session.execute(_SETTLE, params)).one()
        names = ("total_rows", "applied_rows", "unmatched_rows", "invalid_rows")
        return ChunkOutcome(dict(zip(names, counts, strict=True)), list(changed))

    async def _driver(self) -> Any:
        connection = await self.session.connection()
        return (await connection.get_raw_connection()).driver_connection
