"""Diplomas and rules versions: the few rating writes that are not board writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.diplomas import DIPLOMA_TIERS, diploma_number
from domain.ratings import Diploma, Tier
from persistence.tables.ratings import diplomas, rating_boards, rating_entries, rating_rules


async def issue_diplomas(session: AsyncSession, season: str, now: datetime) -> int:
    """One diploma per winner and prize-winner of the frozen boards, numbered in
    order of direction, rank and participant; idempotent."""
    e, b, d = rating_entries.c, rating_boards.c, diplomas.c
    existing = (
        sa.select(d.id)
        .where(
            d.season_code == e.season_code,
            d.direction_code == e.direction_code,
            d.participant_id == e.participant_id,
        )
        .exists()
    )
    stmt = (
        sa.select(
            e.direction_code,
            e.participant_id,
            e.tier,
            e.rank,
            e.points,
            b.ranked_count,
            e.rules_version,
        )
        .join(
            rating_boards,
            sa.and_(b.season_code == e.season_code, b.direction_code == e.direction_code),
        )
        .where(
            e.season_code == season,
            e.ranked.is_(True),
            e.tier.in_([t.value for t in DIPLOMA_TIERS]),
            ~existing,
        )
        .order_by(e.direction_code, e.rank, e.participant_id)
    )
    rows = (await session.execute(stmt)).all()
    if not rows:
        return 0
    issued = int(
        await session.scalar(sa.select(sa.func.count()).where(d.season_code == season)) or 0
    )
    values: list[dict[str, Any]] = [
        {
            "number": diploma_number(season, issued + i + 1),
            "season_code": season,
            "direction_code": row.direction_code,
            "participant_id": row.participant_id,
            "tier": Tier(row.tier).value,
            "rank": row.rank,
            "points": row.points,
            "ranked_count": row.ranked_count,
            "rules_version": row.rules_version,
            "issued_at": now,
        }
        for i, row in enumerate(rows)
    ]
    for start in range(0, len(values), 2000):
        await session.execute(sa.insert(diplomas), values[start : start + 2000])
    return len(values)


async def diploma_by_number(session: AsyncSession, number: str) -> Diploma | None:
    return (await session.scalars(sa.select(Diploma).where(diplomas.c.number == number))).first()


async def revoke(
    session: AsyncSession, number: str, account_id: int, reason: str, now: datetime
) -> Diploma | None:
    """Revoke once; a second revocation keeps the first one's who, when and why."""
    d = diplomas.c
    await session.execute(
        sa.update(diplomas)
        .where(d.number == number, d.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_account_id=account_id, revocation_reason=reason)
    )
    session.expire_all()
    return await diploma_by_number(session, number)


async def latest_rules_version(session: AsyncSession) -> int:
    return int(await session.scalar(sa.select(sa.func.max(rating_rules.c.version))) or 0)


async def insert_rules(
    session: AsyncSession, document: dict[str, Any], account_id: int | None, now: datetime
) -> None:
    await session.execute(
        sa.insert(rating_rules).values(
            version=document["version"],
            document=document,
            published_at=now,
            published_by_account_id=account_id,
        )
    )
