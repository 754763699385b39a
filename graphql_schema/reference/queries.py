"""Queries over reference data."""

from __future__ import annotations

import strawberry

from graphql_schema.context import Context
from graphql_schema.reference.types import (
    DirectionType,
    ProfessionType,
    RegionType,
    SeasonType,
)
from persistence.queries import reference as queries


@strawberry.type
class ReferenceQuery:
    @strawberry.field(description="All seasons, oldest first.")
    async def seasons(self, info: strawberry.Info[Context, None]) -> list[SeasonType]:
        rows = await info.context.loaders.seasons()
        return [SeasonType.from_domain(s) for s in rows.values()]

    @strawberry.field(description="All directions of the rating.")
    async def directions(self, info: strawberry.Info[Context, None]) -> list[DirectionType]:
        rows = await info.context.loaders.directions()
        return [DirectionType.from_domain(d) for d in rows.values()]

    @strawberry.field(description="All federal subjects, by subject code.")
    async def regions(self, info: strawberry.Info[Context, None]) -> list[RegionType]:
        rows = await info.context.loaders.regions()
        return [RegionType.from_domain(r) for r in rows.values()]

    @strawberry.field(description="Professions, optionally of one sphere or only digital ones.")
    async def professions(
        self,
        info: strawberry.Info[Context, None],
        sphere: str | None = None,
        is_digital: bool | None = None,
    ) -> list[ProfessionType]:
        rows = await info.context.read(
            lambda s: queries.professions(s, sphere=sphere, is_digital=is_digital)
        )
        return [ProfessionType.from_domain(p) for p in rows]
