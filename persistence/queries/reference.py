"""Read paths for reference data: small, static tables read whole.

Filters use the table columns (typed SQL expressions), the select names the
domain class so rows come back as domain objects.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.reference import Direction, Profession, Region, Season
from persistence.tables import reference as t


async def seasons(session: AsyncSession) -> Sequence[Season]:
    return (await session.scalars(sa.select(Season).order_by(t.seasons.c.code))).all()


async def directions(session: AsyncSession) -> Sequence[Direction]:
    return (await session.scalars(sa.select(Direction).order_by(t.directions.c.code))).all()


async def regions(session: AsyncSession) -> Sequence[Region]:
    return (await session.scalars(sa.select(Region).order_by(t.regions.c.code))).all()


async def professions(
    session: AsyncSession, *, sphere: str | None = None, is_digital: bool | None = None
) -> Sequence[Profession]:
    stmt = sa.select(Profession).order_by(t.professions.c.code)
    if sphere is not None:
        stmt = stmt.where(t.professions.c.sphere == sphere)
    if is_digital is not None:
        stmt = stmt.where(t.professions.c.is_digital == is_digital)
    return (await session.scalars(stmt)).all()
