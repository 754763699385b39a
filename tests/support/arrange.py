"""Arranging test data directly in the database (for what has no mutation yet)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.events import EventKind, EventLevel, EventStatus, ParticipationMode
from domain.participants import ParticipantStatus
from persistence.tables import accounts as ta
from persistence.tables import events as te
from persistence.tables import people as tp

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


async def organization(sessions: async_sessionmaker[AsyncSession], kind: str = "ORGANIZER") -> int:
    async with sessions() as s, s.begin():
        return int(
            (
                await s.execute(
                    sa.insert(ta.organizations).returning(ta.organizations.c.id),
                    [{"kind": kind, "name": f"Org {uuid.uuid4().hex[:10]}", "created_at": NOW}],
                )
            ).scalar_one()
        )


async def event(
    sessions: async_sessionmaker[AsyncSession],
    organizer_id: int,
    *,
    title: str,
    season: str = "2026/27",
    kind: EventKind = EventKind.OLYMPIAD,
    level: EventLevel = EventLevel.REGIONAL,
    status: EventStatus = EventStatus.PUBLISHED,
    region: str | None = "77",
    starts_on: date = date(2026, 12, 1),
    directions: dict[str, str] | None = None,
    parent_id: int | None = None,
) -> int:
    row: dict[str, Any] = {
        "title": title,
        "description": None,
        "kind": kind,
        "level": level,
        "season_code": season,
        "starts_on": starts_on,
        "ends_on": starts_on,
        "is_online": region is None,
        "region_code": region,
        "organizer_id": organizer_id,
        "status": status,
        "participation": ParticipationMode.INDIVIDUAL,
        "capacity": None,
        "parent_id": parent_id,
        "stage_order": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    async with sessions() as s, s.begin():
        event_id = int(
            (await s.execute(sa.insert(te.events).returning(te.events.c.id), [row])).scalar_one()
        )
        links = [
            {"event_id": event_id, "direction_code": code, "relevance": Decimal(rel)}
            for code, rel in (directions or {"ROBOTICS_PROGRAMMING": "1.0"}).items()
        ]
        await s.execute(sa.insert(te.event_directions), links)
    return event_id


async def registered_profile(
    sessions: async_sessionmaker[AsyncSession], participant_id: int, **fields: Any
) -> None:
    """Fill in personal data as if a PROCESSING consent had been given."""
    values = {
        "status": ParticipantStatus.REGISTERED,
        "last_name": "Петров",
        "first_name": "Пётр",
        "middle_name": "Петрович",
        "birth_date": date(2010, 5, 17),
        "region_code": "66",
        "school": "Лицей № 1",
        "grade": 10,
        "email": "petr@test.example",
        "phone": "+7 900 111-22-33",
    }
    values.update(fields)
    async with sessions() as s, s.begin():
        await s.execute(
            sa.update(tp.participants)
            .where(tp.participants.c.id == participant_id)
            .values(**values)
        )


async def guardian_link(
    sessions: async_sessionmaker[AsyncSession],
    participant_id: int,
    guardian_account_id: int,
    status: str = "CONFIRMED",
) -> None:
    async with sessions() as s, s.begin():
        guardian_id = (
            await s.execute(
                sa.select(tp.guardians.c.id).where(tp.guardians.c.account_id == guardian_account_id)
            )
        ).scalar_one()
        await s.execute(
            sa.insert(tp.guardian_links),
            [
                {
                    "participant_id": participant_id,
                    "guardian_id": guardian_id,
                    "relation": "PARENT",
                    "status": status,
                    "requested_by_account_id": guardian_account_id,
                    "created_at": NOW,
                }
            ],
        )


# --- issue 4: participants to match imported rows against -----------------


async def participants(
    sessions: async_sessionmaker[AsyncSession], people: list[dict[str, Any]]
) -> list[int]:
    """Insert REGISTERED participants (no accounts) with the given personal fields."""
    rows = [
        {
            "nickname": f"p_{uuid.uuid4().hex[:10]}",
            "status": ParticipantStatus.REGISTERED,
            "created_at": NOW,
            "updated_at": NOW,
            **person,
        }
        for person in people
    ]
    keys = {key for row in rows for key in row}
    rows = [{key: row.get(key) for key in keys} for row in rows]
    async with sessions() as s, s.begin():
        result = await s.execute(
            sa.insert(tp.participants).returning(
                tp.participants.c.id, sort_by_parameter_order=True
            ),
            rows,
        )
        return list(result.scalars())


# --- issue 6: ratings --------------------------------------------------------


async def fresh_season(sessions: async_sessionmaker[AsyncSession]) -> str:
    """A season of its own (long past, so achievements can be dated in it), so a
    test's boards hold only its data. Years 1900–2019: tests that need a season that
    does not exist use one before 1900."""
    from persistence.tables.reference import seasons

    for _ in range(50):
        year = 1900 + int(uuid.uuid4().int % 120)
        code = f"{year}/{(year + 1) % 100:02d}"
        async with sessions() as s, s.begin():
            taken = await s.scalar(sa.select(seasons.c.code).where(seasons.c.code == code))
            if taken is None:
                await s.execute(
                    sa.insert(seasons).values(
                        code=code, starts_on=date(year, 9, 1), ends_on=date(year + 1, 8, 31)
                    )
                )
                return code
    raise RuntimeError("no free season code")
