"""`participants(first, after, filter)`: whom the viewer may reach, filtered in SQL."""

from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry
from strawberry.relay import PageInfo

from domain.accounts import Role
from domain.errors import DomainError
from domain.participants import ParticipantStatus
from graphql_schema.context import Context
from graphql_schema.errors import CodedError
from graphql_schema.pagination import Edge
from graphql_schema.participants.types import ParticipantType, view_of
from persistence.queries import participants as queries
from persistence.queries.pages import page_request

Info = strawberry.Info[Context, None]


@strawberry.input(description="Filters of the participants list; all are combined with AND.")
class ParticipantFilterInput:
    region: str | None = strawberry.field(default=None, description="A region code.")
    grade: int | None = None
    status: ParticipantStatus | None = None
    text: str | None = strawberry.field(
        default=None, description="Part of the nickname, last name or first name."
    )


@strawberry.type(name="ParticipantConnection")
class ParticipantConnection:
    edges: list[Edge[ParticipantType]]
    page_info: PageInfo
    query_filter: strawberry.Private[queries.ParticipantFilter]
    now: strawberry.Private[datetime]

    @strawberry.field(
        description="How many participants the viewer may reach match the filter (counted "
        "only when asked for: it scans the whole scope)."
    )
    async def total_count(self, info: Info) -> int:
        ctx, f, now = info.context, self.query_filter, self.now
        return await ctx.read(lambda s: queries.count_participants(s, ctx.viewer, f, now))


@strawberry.type
class ParticipantQuery:
    @strawberry.field(
        description="Participants the viewer may reach (staff: everyone; universities: those "
        "whose sharing consent covers them; organizers: those in their events; a student "
        "itself; a guardian its wards), by id. Anyone else gets an empty list."
    )
    async def participants(
        self,
        info: Info,
        filter: ParticipantFilterInput | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> ParticipantConnection:
        ctx = info.context
        f = filter or ParticipantFilterInput()
        try:
            page = page_request(first, after, arity=1)
        except DomainError as error:
            raise CodedError(error.message, error.code) from error
        text = f.text.strip()[:100] if f.text else None
        query_filter = queries.ParticipantFilter(
            region=f.region, grade=f.grade, status=f.status, text=text or None
        )
        now = ctx.privacy.now
        found = await ctx.read(
            lambda s: queries.list_participants(s, ctx.viewer, query_filter, page, now)
        )
        result = found.page
        if found.consents is not None:
            # Evaluated by the list query itself: no second read of the consents.
            ctx.privacy.primed_consents.update(found.consents)
            if ctx.viewer.role is Role.ORGANIZER:
                for row in result.items:
                    if row.id is not None:
                        ctx.privacy.organizer_related.prime(row.id, True)
        nodes = await asyncio.gather(*(view_of(ctx, row, profile=True) for row in result.items))
        edges = [
            Edge(cursor=cursor, node=node)
            for node, cursor in zip(nodes, result.cursors, strict=True)
            if node is not None
        ]
        return ParticipantConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=result.has_next_page,
                has_previous_page=result.has_previous_page,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            query_filter=query_filter,
            now=now,
        )
