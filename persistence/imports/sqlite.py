"""The SQLite path: the same outcome as PostgreSQL's with portable statements.

A chunk asks the database what `domain.import_outcomes.settle` needs (matches,
earlier rows of the batch, earlier moderator choices) in a few bulk queries, lets
`settle` decide, then stores the rows with one multi-row INSERT … RETURNING and
upserts the results. Names are narrowed by birth date (indexed) and compared with
`domain.imports.name_key` in Python, because SQLite's `lower()` knows only ASCII.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from domain.import_outcomes import (
    ChunkOutcome,
    Matches,
    RowOutcome,
    StagedChunk,
    count_states,
    settle,
)
from domain.imports import Identifier, ParsedRow, name_key
from domain.results import ImportRowState
from persistence.imports.base import SqlAlchemyImportRepository, result_row
from persistence.tables.events import import_rows
from persistence.tables.people import participants


class SqliteImportRepository(SqlAlchemyImportRepository):
    async def stage_rows(self, rows: Sequence[ParsedRow]) -> StagedChunk:
        """Ask the database which participants the identifiers name and which rows a
        moderator already resolved, in a few bulk queries."""
        valid = [r for r in rows if r.identifier is not None]
        matches = await self.match([r.identifier for r in valid if r.identifier])
        open_keys = [
            r.row_key for r in valid if r.identifier and len(matches.of(r.identifier)) != 1
        ]
        return StagedChunk(rows, matches, await self.resolved_before(open_keys))

    async def apply_rows(
        self, batch_id: int, event_id: int, staged: StagedChunk, now: datetime
    ) -> ChunkOutcome:
        """Fetch the earlier rows of the batch that matter, let the domain's `settle`
        decide (SQLite has no set-based shortcut worth its complexity), then store
        the rows and upsert the results."""
        rows, matches = staged.rows, staged.matches or Matches({})
        valid = [r for r in rows if r.identifier is not None]
        candidates = [p for r in valid if r.identifier for p in matches.of(r.identifier)]
        seen_participants, seen_keys = await self.seen_in_batch(
            batch_id, candidates + list(staged.resolved.values()), [r.row_key for r in valid]
        )
        outcomes = settle(rows, matches, staged.resolved, seen_participants, seen_keys)
        changed = await self.write_rows(batch_id, event_id, outcomes, now)
        return ChunkOutcome(count_states(outcomes), changed)

    # --- matching ------------------------------------------------------------

    async def match(self, identifiers: Sequence[Identifier]) -> Matches:
        found: dict[str, list[int]] = defaultdict(list)
        ids = {i.participant_id for i in identifiers if i.kind == "id"}
        emails = {i.email for i in identifiers if i.kind == "email"}
        live = participants.c.erased_at.is_(None)
        p = participants.c
        parts: list[Any] = []
        if ids:  # by id and by email in one round trip
            parts.append(sa.select(sa.literal("id"), p.id, sa.cast(p.id, sa.String))
                         .where(self.among(p.id, ids), live))  # fmt: skip
        if emails:
            parts.append(sa.select(sa.literal("email"), p.id, p.email)
                         .where(self.among(p.email, emails), live))  # fmt: skip
        if parts:
            query: Any = parts[0] if len(parts) == 1 else sa.union_all(*parts)
            for kind, pid, value in await self.session.execute(query):
                found[f"{kind}:{value}"].append(pid)
        names = [i for i in identifiers if i.kind == "name"]
        if names:
            for key, pid in await self.match_names(names):
                found[key].append(pid)
        return Matches(dict(found))

    async def resolved_before(self, row_keys: Sequence[str]) -> dict[str, int]:
        """Row keys a moderator already resolved (in any batch) → the participant
        chosen, the latest choice where there were several."""
        if not row_keys:
            return {}
        rows = await self.session.execute(
            sa.select(import_rows.c.row_key, import_rows.c.participant_id)
            .where(
                self.among(import_rows.c.row_key, row_keys),
                import_rows.c.resolved_by_account_id.is_not(None),
                import_rows.c.participant_id.is_not(None),
            )
            .order_by(import_rows.c.id)
        )
        return {key: pid for key, pid in rows}

    async def write_rows(
        self, batch_id: int, event_id: int, outcomes: Sequence[RowOutcome], now: datetime
    ) -> list[int]:
        row_ids = await self.insert_rows(batch_id, outcomes, now)
        applied = [
            result_row(event_id, o.participant_id, o.row.values, row_id, now)
            for o, row_id in zip(outcomes, row_ids, strict=True)
            if o.state == ImportRowState.APPLIED
            and o.participant_id is not None
            and o.row.values is not None
        ]
        return await self.upsert_results(event_id, applied)

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
