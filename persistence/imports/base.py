"""What both databases share in the import: batches, the batch's earlier rows, the
conditional result upsert and a moderator's resolution of one row. How a chunk is
settled and stored (`apply_rows`) is each database's own: `postgres.py`, `sqlite.py`.

The upsert only writes when a value differs (`IS DISTINCT FROM`), so a re-import
of the same rows touches nothing and reports no participant as changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.achievements import AchievementStatus
from domain.import_outcomes import ChunkOutcome, StagedChunk
from domain.imports import ParsedRow, ResultValues
from domain.results import ImportBatch, ImportRow, ImportRowState, ResultSource
from persistence.tables.achievements import achievements
from persistence.tables.events import import_batches, import_rows, results

_VALUE_COLUMNS = ("status", "score", "max_score", "place", "team", "completion")


def result_row(
    event_id: int, participant_id: int, values: ResultValues, row_id: int, now: datetime
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "participant_id": participant_id,
        "status": values.status,
        "source": ResultSource.IMPORT,
        "score": values.score,
        "max_score": values.max_score,
        "place": values.place,
        "team": values.team,
        "completion": values.completion,
        "import_row_id": row_id,
        "created_at": now,
        "updated_at": now,
    }


class SqlAlchemyImportRepository:
    pipeline_depth = 1

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def among(self, column: sa.ColumnElement[Any], values: Iterable[Any]) -> sa.ColumnElement[bool]:
        """`column IN (…)`; PostgreSQL overrides it with `= ANY(array)`, one bind
        parameter however long the list, so the statement compiles once."""
        return column.in_(set(values))

    # --- batches -------------------------------------------------------------

    def add_batch(self, batch: ImportBatch) -> None:
        self.session.add(batch)

    async def get_batch(self, batch_id: int) -> ImportBatch | None:
        return await self.session.get(ImportBatch, batch_id)

    async def find_batch(self, event_id: int, sha256: str) -> ImportBatch | None:
        stmt = (
            sa.select(ImportBatch)
            .where(import_batches.c.event_id == event_id, import_batches.c.sha256 == sha256)
            .order_by(import_batches.c.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(stmt)).first()

    async def latest_batch(self, event_id: int) -> ImportBatch | None:
        stmt = (
            sa.select(ImportBatch)
            .where(import_batches.c.event_id == event_id)
            .order_by(import_batches.c.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(stmt)).first()

    async def last_row_number(self, batch_id: int) -> int:
        value = await self.session.scalar(
            sa.select(sa.func.max(import_rows.c.row_number)).where(
                import_rows.c.batch_id == batch_id
            )
        )
        return int(value or 0)

    # --- a chunk ---------------------------------------------------------------

    async def stage_rows(self, rows: Sequence[ParsedRow]) -> StagedChunk:
        """Match a chunk (`domain.ports.ImportRepository`); each database its own way."""
        raise NotImplementedError

    async def apply_rows(
        self, batch_id: int, event_id: int, staged: StagedChunk, now: datetime
    ) -> ChunkOutcome:
        """Settle, store and apply a staged chunk (`domain.ports.ImportRepository`)."""
        raise NotImplementedError

    # --- the batch's earlier rows (duplicates, resolution checks) --------------

    async def seen_in_batch(
        self, batch_id: int, participant_ids: Sequence[int], row_keys: Sequence[str]
    ) -> tuple[dict[int, int], dict[str, int]]:
        """One round trip: both questions in a UNION ALL."""
        c = import_rows.c
        parts: list[Any] = []
        if participant_ids:
            parts.append(
                sa.select(
                    sa.literal("p"), sa.cast(c.participant_id, sa.String), sa.func.min(c.row_number)
                )
                .where(c.batch_id == batch_id, self.among(c.participant_id, participant_ids))
                .group_by(c.participant_id)
            )
        if row_keys:
            parts.append(
                sa.select(sa.literal("k"), c.row_key, sa.func.min(c.row_number))
                .where(c.batch_id == batch_id, self.among(c.row_key, row_keys))
                .group_by(c.row_key)
            )
        by_participant: dict[int, int] = {}
        by_key: dict[str, int] = {}
        if not parts:
            return by_participant, by_key
        query: Any = parts[0] if len(parts) == 1 else sa.union_all(*parts)
        for kind, key, number in await self.session.execute(query):
            if kind == "p":
                by_participant[int(key)] = number
            else:
                by_key[key] = number
        return by_participant, by_key

    # --- writing -------------------------------------------------------------

    async def count_rows(self, batch_id: int, counts: dict[str, int]) -> int:
        """Add a chunk's counts to the batch in one UPDATE; returns the rows done."""
        c = import_batches.c
        result = await self.session.execute(
            sa.update(import_batches)
            .where(c.id == batch_id)
            .values(**{name: c[name] + n for name, n in counts.items()})
            .returning(c.total_rows)
        )
        return int(result.scalar_one())

    async def upsert_results(self, event_id: int, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Insert or update results, only where something differs; link approved
        achievements of the same participant and event to new results."""
        if not rows:
            return []
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(results).values(list(rows))
        excluded = stmt.excluded
        changed = sa.or_(
            *(results.c[name].is_distinct_from(excluded[name]) for name in _VALUE_COLUMNS)
        )
        upsert = stmt.on_conflict_do_update(
            index_elements=[results.c.event_id, results.c.participant_id],
            set_={
                **{name: excluded[name] for name in _VALUE_COLUMNS},
                "source": excluded.source,
                "import_row_id": excluded.import_row_id,
                "updated_at": excluded.updated_at,
            },
            where=changed,
        ).returning(results.c.participant_id)
        changed_ids = list((await self.session.execute(upsert)).scalars())
        if changed_ids:
            await self.link_achievements(event_id, changed_ids)
        return changed_ids

    async def link_achievements(self, event_id: int, participant_ids: Sequence[int]) -> None:
        """An approved claim for the same event and participant points at the result,
        so the rating counts the two once."""
        same_result = (
            sa.select(results.c.id)
            .where(
                results.c.event_id == achievements.c.event_id,
                results.c.participant_id == achievements.c.participant_id,
            )
            .scalar_subquery()
        )
        await self.session.execute(
            sa.update(achievements)
            .where(
                achievements.c.event_id == event_id,
                achievements.c.status == AchievementStatus.APPROVED,
                achievements.c.result_id.is_(None),
                self.among(achievements.c.participant_id, participant_ids),
            )
            .values(result_id=same_result)
            .execution_options(synchronize_session=False)
        )

    # --- one row (moderator resolution) -------------------------------------

    async def get_row(self, row_id: int) -> ImportRow | None:
        return await self.session.get(ImportRow, row_id)

    async def apply_row(
        self, row: ImportRow, event_id: int, values: ResultValues, now: datetime
    ) -> bool:
        assert row.id is not None and row.participant_id is not None
        changed = await self.upsert_results(
            event_id, [result_row(event_id, row.participant_id, values, row.id, now)]
        )
        return bool(changed)

    async def open_rows_with_key(self, row_key: str, except_row_id: int) -> list[ImportRow]:
        stmt = sa.select(ImportRow).where(
            import_rows.c.row_key == row_key,
            import_rows.c.state == ImportRowState.UNMATCHED,
            import_rows.c.id != except_row_id,
        )
        return list((await self.session.scalars(stmt)).all())

    async def resolve_row(
        self, row_id: int, participant_id: int, account_id: int, now: datetime
    ) -> bool:
        result = await self.session.execute(
            sa.update(import_rows)
            .where(import_rows.c.id == row_id, import_rows.c.state == ImportRowState.UNMATCHED)
            .values(
                state=ImportRowState.APPLIED,
                participant_id=participant_id,
                resolved_by_account_id=account_id,
                resolved_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1
