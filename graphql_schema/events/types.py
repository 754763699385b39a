"""Catalog event types."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry import relay

from domain.accounts import Role
from domain.errors import DomainError
from domain.events import Event, EventKind, EventLevel, EventStatus, ParticipationMode
from domain.policy import Viewer, can_see_event_results
from graphql_schema.accounts.types import OrganizationType
from graphql_schema.context import Context
from graphql_schema.errors import CodedError, forbidden
from graphql_schema.events.results import ResultType
from graphql_schema.pagination import Connection, connection_from_page
from graphql_schema.reference.types import DirectionType, RegionType, SeasonType
from persistence.queries import events as event_queries
from persistence.queries import imports as import_queries
from persistence.queries.pages import page_request

EventKindEnum = strawberry.enum(EventKind, name="EventKind")
EventLevelEnum = strawberry.enum(EventLevel, name="EventLevel")
EventStatusEnum = strawberry.enum(EventStatus, name="EventStatus")
ParticipationModeEnum = strawberry.enum(ParticipationMode, name="ParticipationMode")

PUBLIC_STATUSES = frozenset({EventStatus.PUBLISHED, EventStatus.COMPLETED, EventStatus.CANCELLED})


def can_see_event(viewer: Viewer, event: Event) -> bool:
    """Drafts are visible to their organizer and to moderators and admins only."""
    if EventStatus(event.status) in PUBLIC_STATUSES or viewer.is_staff:
        return True
    return viewer.role is Role.ORGANIZER and viewer.organization_id == event.organizer_id


@strawberry.type(name="EventDirection", description="A direction an event counts for.")
class EventDirectionType:
    direction: DirectionType
    relevance: Decimal = strawberry.field(description="0–1: how much the event counts for it.")


@strawberry.type(name="Event", description="An olympiad, hackathon, course or other event.")
class EventType(relay.Node):
    id: relay.NodeID[int]
    title: str
    description: str | None
    kind: EventKind
    level: EventLevel
    status: EventStatus
    participation: ParticipationMode
    starts_on: date
    ends_on: date
    is_online: bool
    capacity: int | None
    stage_order: int | None
    row: strawberry.Private[Event]

    @strawberry.field
    async def season(self, info: strawberry.Info[Context, None]) -> SeasonType:
        season = (await info.context.loaders.seasons())[self.row.season_code]
        return SeasonType.from_domain(season)

    @strawberry.field(description="The region of an offline event.")
    async def region(self, info: strawberry.Info[Context, None]) -> RegionType | None:
        if self.row.region_code is None:
            return None
        region = (await info.context.loaders.regions()).get(self.row.region_code)
        return RegionType.from_domain(region) if region else None

    @strawberry.field
    async def organizer(self, info: strawberry.Info[Context, None]) -> OrganizationType:
        org = await info.context.loaders.organization.load(self.row.organizer_id)
        assert org is not None
        return OrganizationType.from_domain(org)

    @strawberry.field(description="Directions with their relevance, most relevant first.")
    async def directions(self, info: strawberry.Info[Context, None]) -> list[EventDirectionType]:
        links = await info.context.loaders.event_directions.load(self.id)
        catalog = await info.context.loaders.directions()
        return [
            EventDirectionType(
                direction=DirectionType.from_domain(catalog[link.direction_code]),
                relevance=Decimal(link.relevance),
            )
            for link in links
        ]

    @strawberry.field(description="The series this event is a stage of.")
    async def parent(self, info: strawberry.Info[Context, None]) -> EventType | None:
        if self.row.parent_id is None:
            return None
        return await event_for(info.context, self.row.parent_id)

    @strawberry.field(description="Ordered stages of a series (qualifier, final, modules).")
    async def stages(self, info: strawberry.Info[Context, None]) -> list[EventType]:
        rows = await info.context.loaders.event_stages.load(self.id)
        return [EventType.from_domain(r) for r in rows if can_see_event(info.context.viewer, r)]

    @strawberry.field(description="Active registrations.")
    async def registered_count(self, info: strawberry.Info[Context, None]) -> int:
        return await info.context.loaders.registration_count.load(self.id)

    @strawberry.field(description="Whether the signed-in student is registered; null for others.")
    async def viewer_registered(self, info: strawberry.Info[Context, None]) -> bool | None:
        participant_id = info.context.viewer.participant_id
        if participant_id is None:
            return None
        return await info.context.read(
            lambda s: event_queries.active_registration(s, self.id, participant_id)
        )

    @strawberry.field(
        description="Results of the event: to its organizer and staff (FORBIDDEN otherwise)."
    )
    async def results(
        self, info: strawberry.Info[Context, None], first: int | None = 20, after: str | None = None
    ) -> Connection[ResultType] | None:
        if not can_see_event_results(info.context.viewer, self.row.organizer_id):
            raise forbidden("results")
        try:
            page = page_request(first, after, arity=1)
        except DomainError as error:
            raise CodedError(error.message, error.code) from error
        found = await info.context.read(lambda s: import_queries.event_results(s, self.id, page))
        return connection_from_page(found, ResultType.from_domain)

    @classmethod
    def from_domain(cls, event: Event) -> EventType:
        assert event.id is not None
        return cls(
            id=event.id,
            title=event.title,
            description=event.description,
            kind=EventKind(event.kind),
            level=EventLevel(event.level),
            status=EventStatus(event.status),
            participation=ParticipationMode(event.participation),
            starts_on=event.starts_on,
            ends_on=event.ends_on,
            is_online=event.is_online,
            capacity=event.capacity,
            stage_order=event.stage_order,
            row=event,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: strawberry.Info[Context, None],
        node_ids: list[str],
        required: bool = False,
    ) -> list[EventType | None]:
        return [await event_for(info.context, int(i)) for i in node_ids]


async def event_for(context: Context, event_id: int) -> EventType | None:
    row = await context.loaders.event.load(event_id)
    if row is None or not can_see_event(context.viewer, row):
        return None
    return EventType.from_domain(row)
