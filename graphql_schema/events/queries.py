"""Catalog queries: the filtered event list and single events."""

from __future__ import annotations

import strawberry
from strawberry import relay

from domain.errors import DomainError
from domain.events import EventKind, EventLevel, EventStatus
from graphql_schema.context import Context
from graphql_schema.errors import CodedError
from graphql_schema.events.types import PUBLIC_STATUSES, EventType, event_for
from graphql_schema.pagination import Connection, connection_from_page
from persistence.queries import events as queries
from persistence.queries.pages import page_request


@strawberry.input(description="Filters of the event catalog; all are combined with AND.")
class EventFilterInput:
    season: str | None = None
    direction: str | None = None
    level: EventLevel | None = None
    kind: EventKind | None = None
    region: str | None = strawberry.field(
        default=None, description="A region code: events held there, and online events."
    )
    status: EventStatus | None = None
    text: str | None = strawberry.field(default=None, description="Part of the title.")


@strawberry.type
class EventQuery:
    @strawberry.field(description="The event catalog, by start date.")
    async def events(
        self,
        info: strawberry.Info[Context, None],
        filter: EventFilterInput | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[EventType]:
        viewer = info.context.viewer
        f = filter or EventFilterInput()
        try:
            page = page_request(first, after, arity=2)
        except DomainError as error:
            raise CodedError(error.message, error.code) from error
        text = f.text.strip()[:100] if f.text else None
        query_filter = queries.EventFilter(
            season=f.season,
            direction=f.direction,
            level=f.level,
            kind=f.kind,
            region=f.region,
            status=f.status,
            text=text or None,
            visible_statuses=None if viewer.is_staff else PUBLIC_STATUSES,
            own_organizer_id=viewer.organization_id if viewer.role == "ORGANIZER" else None,
        )
        result = await info.context.read(lambda s: queries.list_events(s, query_filter, page))
        return connection_from_page(result, EventType.from_domain)

    @strawberry.field(description="One event by its global id; null if missing or hidden.")
    async def event(
        self, info: strawberry.Info[Context, None], id: relay.GlobalID
    ) -> EventType | None:
        if id.type_name != "Event" or not id.node_id.isdigit():
            return None
        return await event_for(info.context, int(id.node_id))
