"""Bulk upserts of trials, profession choices and season profiles (see
`persistence.analytics_repository`): read what exists in chunks of participant ids,
compare in Python, write only the differences."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics_import_rows import ChoiceRow, ProfileRow, TrialRow
from domain.analytics_ports import Counts
from persistence.tables import analytics as t

CHUNK = 1000


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


async def upsert_trials(session: AsyncSession, rows: Sequence[TrialRow], now: datetime) -> Counts:
    table = t.professional_trials
    existing: dict[tuple[Any, ...], tuple[int, str]] = {}
    for part in chunks(sorted({r.participant_id for r in rows})):
        result = await session.execute(
            sa.select(
                table.c.id,
                table.c.participant_id,
                table.c.profession_code,
                table.c.kind,
                table.c.held_on,
                table.c.region_code,
            ).where(table.c.participant_id.in_(part))
        )
        for tid, pid, prof, kind, held_on, region in result:
            existing[(pid, prof, str(kind), held_on)] = (tid, region)
    inserts, updates, unchanged = [], [], 0
    for r in rows:
        found = existing.get((r.participant_id, r.profession, r.kind.value, r.held_on))
        if found is None:
            inserts.append(
                {
                    "participant_id": r.participant_id,
                    "profession_code": r.profession,
                    "kind": r.kind,
                    "held_on": r.held_on,
                    "season_code": r.season,
                    "region_code": r.region,
                    "created_at": now,
                }
            )
        elif found[1] == r.region:
            unchanged += 1
        else:
            updates.append({"tid": found[0], "region": r.region})
    for part in chunks(inserts):
        await session.execute(sa.insert(table), list(part))
    if updates:
        await session.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("tid"))
            .values(region_code=sa.bindparam("region")),
            updates,
        )
    return Counts(len(inserts), len(updates), unchanged)


async def replace_choices(
    session: AsyncSession, rows: Sequence[ChoiceRow], now: datetime
) -> Counts:
    table = t.profession_choices
    existing: dict[tuple[int, str], set[str]] = {}
    for part in chunks(sorted({r.participant_id for r in rows})):
        result = await session.execute(
            sa.select(table.c.participant_id, table.c.season_code, table.c.profession_code).where(
                table.c.participant_id.in_(part)
            )
        )
        for pid, season, code in result:
            existing.setdefault((pid, season), set()).add(code)
    inserts: list[dict[str, Any]] = []
    replaced: list[dict[str, Any]] = []
    created = unchanged = 0
    for r in rows:
        found = existing.get((r.participant_id, r.season))
        if found == set(r.professions):
            unchanged += 1
            continue
        if found is None:
            created += 1
        else:
            replaced.append({"pid": r.participant_id, "season": r.season})
        inserts.extend(
            {
                "participant_id": r.participant_id,
                "season_code": r.season,
                "profession_code": code,
                "created_at": now,
            }
            for code in r.professions
        )
    if replaced:
        await session.execute(
            sa.delete(table).where(
                table.c.participant_id == sa.bindparam("pid"),
                table.c.season_code == sa.bindparam("season"),
            ),
            replaced,
        )
    for part in chunks(inserts):
        await session.execute(sa.insert(table), list(part))
    return Counts(created, len(replaced), unchanged)


async def upsert_profiles(
    session: AsyncSession, rows: Sequence[ProfileRow], now: datetime
) -> Counts:
    table = t.respondent_seasons
    existing: dict[tuple[int, str], tuple[Any, Any, bool]] = {}
    for part in chunks(sorted({r.participant_id for r in rows})):
        result = await session.execute(
            sa.select(
                table.c.participant_id,
                table.c.season_code,
                table.c.region_code,
                table.c.average_mark,
                table.c.club_activity,
            ).where(table.c.participant_id.in_(part))
        )
        for pid, season, region, mark, club in result:
            existing[(pid, season)] = (region, mark, bool(club))
    inserts, updates, unchanged = [], [], 0
    for r in rows:
        values = {
            "region_code": r.region,
            "average_mark": r.average_mark,
            "club_activity": r.club_activity,
            "updated_at": now,
        }
        found = existing.get((r.participant_id, r.season))
        if found is None:
            inserts.append({"participant_id": r.participant_id, "season_code": r.season, **values})
        elif found == (r.region, r.average_mark, r.club_activity):
            unchanged += 1
        else:
            updates.append(
                {
                    "pid": r.participant_id,
                    "season": r.season,
                    **{f"v_{k}": v for k, v in values.items()},
                }
            )
    for part in chunks(inserts):
        await session.execute(sa.insert(table), list(part))
    if updates:
        await session.execute(
            sa.update(table)
            .where(
                table.c.participant_id == sa.bindparam("pid"),
                table.c.season_code == sa.bindparam("season"),
            )
            .values(
                **{
                    k: sa.bindparam(f"v_{k}")
                    for k in ("region_code", "average_mark", "club_activity", "updated_at")
                }
            ),
            updates,
        )
    return Counts(len(inserts), len(updates), unchanged)
