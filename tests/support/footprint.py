"""What erasure must scrub or keep, arranged in the database, and the search for any
old value left behind (every text and JSON column of every table)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from persistence.tables import metadata
from tests.support import arrange
from tests.support.privacy import PROFILE, Person


async def arrange_footprint(
    services: Any, person: Person, values: dict[str, str]
) -> dict[str, Any]:
    """A result, an approved achievement with a file and a link, and an import row
    naming the participant: what erasure must scrub or keep."""
    sessions = services.sessions
    org = await arrange.organization(sessions)
    event_id = await arrange.event(sessions, org, title="Олимпиада")
    key = f"evidence/{person.id}/diploma.pdf"
    await services.blobs.put(key, io.BytesIO(b"%PDF-1.4 diploma"))
    now = datetime.now(UTC)
    t = metadata.tables
    async with sessions() as s, s.begin():
        await s.execute(
            sa.insert(t["results"]),
            [
                {
                    "event_id": event_id,
                    "participant_id": person.id,
                    "status": "WINNER",
                    "source": "IMPORT",
                    "created_at": now,
                    "updated_at": now,
                }
            ],
        )
        achievement = (
            await s.execute(
                sa.insert(t["achievements"]).returning(t["achievements"].c.id),
                [
                    {
                        "participant_id": person.id,
                        "title": values["title"],
                        "description": values["description"],
                        "kind": "OLYMPIAD",
                        "level": "REGIONAL",
                        "result_status": "WINNER",
                        "achieved_on": date(2026, 1, 10),
                        "season_code": "2025/26",
                        "status": "APPROVED",
                        "decision_comment": values["comment"],
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                ],
            )
        ).scalar_one()
        await s.execute(
            sa.insert(t["evidence"]),
            [
                {
                    "achievement_id": achievement,
                    "kind": "FILE",
                    "filename": values["filename"],
                    "content_type": "application/pdf",
                    "size_bytes": 16,
                    "storage_key": key,
                    "created_at": now,
                },
            ],
        )
        await s.execute(
            sa.insert(t["evidence"]),
            [
                {
                    "achievement_id": achievement,
                    "kind": "LINK",
                    "url": values["url"],
                    "created_at": now,
                },
            ],
        )
        batch = (
            await s.execute(
                sa.insert(t["import_batches"]).returning(t["import_batches"].c.id),
                [
                    {
                        "event_id": event_id,
                        "uploaded_by_account_id": person.account_id,
                        "filename": "r.csv",
                        "format": "CSV",
                        "sha256": "0" * 64,
                        "status": "COMPLETED",
                        "total_rows": 1,
                        "applied_rows": 1,
                        "unmatched_rows": 0,
                        "invalid_rows": 0,
                        "created_at": now,
                    }
                ],
            )
        ).scalar_one()
        await s.execute(
            sa.insert(t["import_rows"]),
            [
                {
                    "batch_id": batch,
                    "row_number": 1,
                    "row_hash": "1" * 64,
                    "state": "APPLIED",
                    "raw": {"last_name": PROFILE["lastName"], "email": values["email"]},
                    "participant_id": person.id,
                    "created_at": now,
                }
            ],
        )
    return {"event_id": event_id, "key": key, "tables": t}


async def find_anywhere(
    services: Any, tables: dict[str, sa.Table], needles: list[str]
) -> list[str]:
    """Every text (and JSON) column of every table, searched for each old value."""
    hits = []
    async with services.sessions() as s:
        for table in tables.values():
            for column in table.c:
                if not isinstance(column.type, sa.String | sa.Text | sa.JSON):
                    continue
                as_text = sa.cast(column, sa.Text)
                for needle in needles:
                    found = await s.scalar(
                        sa.select(sa.func.count())
                        .select_from(table)
                        .where(as_text.contains(needle))
                    )
                    if found:
                        hits.append(f"{table.name}.{column.name} ~ {needle}")
    return hits
