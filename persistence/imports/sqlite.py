"""The SQLite path: the same outcome as PostgreSQL's with portable statements.

Rows go in with one multi-row INSERT … RETURNING per batch; names are narrowed by
birth date (indexed) and compared with `domain.imports.name_key` in Python,
because SQLite's `lower()` knows only ASCII.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from domain.import_outcomes import RowOutcome
from domain.imports import Identifier, name_key
from persistence.imports.base import SqlAlchemyImportRepository
from persistence.tables.events import import_rows
from persistence.tables.people import participants


class SqliteImportRepository(SqlAlchemyImportRepository):
    async def match_names(self, names: Sequence[Identifier]) -> list[tuple[str, int]]:
        wanted = {(i.last_name, i.first_name, i.birth_date) for i in names}
        births = {born for _, _, born in wanted}
        rows = await self.session.execute(
            sa.select(
                participants.c.id,
                participants.c.last_name,
                participants.c.first_name,
                participants.c.birth_date,
            ).where(
                participants.c.birth_date.in_(births),
                participants.c.erased_at.is_(None),
                participants.c.last_name.is_not(None),
                participants.c.first_name.is_not(None),
            )
        )
        found: list[tuple[str, int]] = []
        for pid, last, first, born in rows:
            key = (name_key(last), name_key(first), born)
            if key in wanted:
                found.append((f"name:{key[0]}|{key[1]}|{born}", pid))
        return found

    async def insert_rows(
        self, batch_id: int, outcomes: Sequence[RowOutcome], now: datetime
    ) -> list[int]:
        if not outcomes:
            return []
        values = [
            {
                "batch_id": batch_id,
                "row_number": o.row.row_number,
                "row_hash": o.row.row_hash,
                "row_key": o.row.row_key,
                "state": o.state,
                "raw": o.row.raw,
                "reason": o.reason,
                "participant_id": o.participant_id,
                "created_at": now,
            }
            for o in outcomes
        ]
        result = await self.session.execute(
            sa.insert(import_rows).returning(import_rows.c.id, sort_by_parameter_order=True),
            values,
        )
        return list(result.scalars())
