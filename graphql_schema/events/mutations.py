"""Event management (organizers, admins) and registration (students)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from domain.errors import DomainError
from domain.events import Event, EventKind, EventLevel, EventStatus, ParticipationMode
from domain.services import events as use_cases
from graphql_schema.context import Context
from graphql_schema.errors import UserError
from graphql_schema.events.types import EventType
from graphql_schema.ids import decode_id
from persistence.queries import events as event_queries


@strawberry.input(description="A direction the event counts for, with relevance 0–1.")
class EventDirectionInput:
    direction: str
    relevance: Decimal


@strawberry.input
class CreateEventInput:
    title: str
    kind: EventKind
    level: EventLevel
    season_code: str
    starts_on: date
    ends_on: date
    is_online: bool
    directions: list[EventDirectionInput]
    participation: ParticipationMode = ParticipationMode.INDIVIDUAL
    description: str | None = None
    region_code: str | None = None
    capacity: int | None = None
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The series this event is a stage of."
    )
    stage_order: int | None = None
    organizer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Admins only: the organizer the event belongs to."
    )


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class UpdateEventInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    kind: EventKind | None = strawberry.UNSET
    level: EventLevel | None = strawberry.UNSET
    season_code: str | None = strawberry.UNSET
    starts_on: date | None = strawberry.UNSET
    ends_on: date | None = strawberry.UNSET
    is_online: bool | None = strawberry.UNSET
    directions: list[EventDirectionInput] | None = strawberry.UNSET
    participation: ParticipationMode | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    region_code: str | None = strawberry.UNSET
    capacity: int | None = strawberry.UNSET
    parent_id: strawberry.ID | None = strawberry.UNSET
    stage_order: int | None = strawberry.UNSET


@strawberry.input
class EventIdInput:
    id: strawberry.ID


@strawberry.input
class RegistrationInput:
    event_id: strawberry.ID


@strawberry.type
class EventPayload:
    event: EventType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RegistrationPayload:
    event: EventType | None = None
    registered: bool = False
    user_errors: list[UserError] = strawberry.field(default_factory=list)


_REQUIRED = (
    "title", "kind", "level", "season_code", "starts_on", "ends_on", "is_online", "participation",
)  # fmt: skip


def _directions(items: list[EventDirectionInput]) -> dict[str, Decimal]:
    return {item.direction: item.relevance for item in items}


async def _event_payload(action: Awaitable[Event]) -> EventPayload:
    try:
        event = await action
    except DomainError as error:
        return EventPayload(user_errors=[UserError.from_domain(error)])
    return EventPayload(event=EventType.from_domain(event))


async def _with_ids(build: Callable[[], Awaitable[Event]]) -> EventPayload:
    """Decode ids inside the payload's error handling, so a bad id is a user error."""
    try:
        action = build()
    except DomainError as error:
        return EventPayload(user_errors=[UserError.from_domain(error)])
    return await _event_payload(action)


def _changes(input: UpdateEventInput) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in (
        "title", "kind", "level", "season_code", "starts_on", "ends_on", "is_online",
        "participation", "description", "region_code", "capacity", "stage_order",
    ):  # fmt: skip
        value = getattr(input, name)
        if value is strawberry.UNSET:
            continue
        if value is None and name in _REQUIRED:
            continue  # a required field cannot be cleared; null leaves it as it is
        changes[name] = value
    if input.directions is not strawberry.UNSET and input.directions is not None:
        changes["directions"] = _directions(input.directions)
    if input.parent_id is not strawberry.UNSET:
        changes["parent_id"] = (
            decode_id(input.parent_id, "Event", "parentId") if input.parent_id else None
        )
    return changes


@strawberry.type
class EventMutation:
    @strawberry.mutation(description="A new draft event of the organizer (admins name one).")
    async def create_event(
        self, info: strawberry.Info[Context, None], input: CreateEventInput
    ) -> EventPayload:
        ctx = info.context

        def build() -> Awaitable[Event]:
            fields = use_cases.EventFields(
                title=input.title,
                kind=input.kind,
                level=input.level,
                season_code=input.season_code,
                starts_on=input.starts_on,
                ends_on=input.ends_on,
                is_online=input.is_online,
                directions=_directions(input.directions),
                participation=input.participation,
                description=input.description,
                region_code=input.region_code,
                capacity=input.capacity,
                parent_id=decode_id(input.parent_id, "Event", "parentId")
                if input.parent_id
                else None,
                stage_order=input.stage_order,
            )
            organizer = (
                decode_id(input.organizer_id, "Organization", "organizerId")
                if input.organizer_id
                else None
            )
            return use_cases.create_event(
                ctx.uow(), ctx.viewer, fields, ctx.services.clock, organizer
            )

        return await _with_ids(build)

    @strawberry.mutation(description="Edit a draft or published event of one's own.")
    async def update_event(
        self, info: strawberry.Info[Context, None], input: UpdateEventInput
    ) -> EventPayload:
        ctx = info.context

        async def run() -> Event:
            event_id = decode_id(input.id, "Event", "id")
            changes = _changes(input)
            links = await ctx.read(lambda s: event_queries.directions_of_events(s, [event_id]))
            current = {link.direction_code: link.relevance for link in links[event_id]}
            return await use_cases.update_event(
                ctx.uow(), ctx.viewer, event_id, changes, ctx.services.clock, current
            )

        return await _event_payload(run())

    @strawberry.mutation(description="DRAFT → PUBLISHED: visible in the catalog, open to sign up.")
    async def publish_event(
        self, info: strawberry.Info[Context, None], input: EventIdInput
    ) -> EventPayload:
        return await _status(info.context, input.id, EventStatus.PUBLISHED)

    @strawberry.mutation(description="PUBLISHED → COMPLETED: the event took place.")
    async def complete_event(
        self, info: strawberry.Info[Context, None], input: EventIdInput
    ) -> EventPayload:
        return await _status(info.context, input.id, EventStatus.COMPLETED)

    @strawberry.mutation(description="DRAFT or PUBLISHED → CANCELLED.")
    async def cancel_event(
        self, info: strawberry.Info[Context, None], input: EventIdInput
    ) -> EventPayload:
        return await _status(info.context, input.id, EventStatus.CANCELLED)

    @strawberry.mutation(description="Sign the signed-in student up; twice changes nothing.")
    async def register_for_event(
        self, info: strawberry.Info[Context, None], input: RegistrationInput
    ) -> RegistrationPayload:
        return await _registration(info.context, input.event_id, register=True)

    @strawberry.mutation(description="Withdraw the signed-in student's registration.")
    async def unregister_from_event(
        self, info: strawberry.Info[Context, None], input: RegistrationInput
    ) -> RegistrationPayload:
        return await _registration(info.context, input.event_id, register=False)


async def _status(ctx: Context, raw_id: strawberry.ID, to: EventStatus) -> EventPayload:
    async def run() -> Event:
        event_id = decode_id(raw_id, "Event", "id")
        return await use_cases.change_event_status(
            ctx.uow(), ctx.viewer, event_id, to, ctx.services.clock
        )

    return await _event_payload(run())


async def _registration(
    ctx: Context, raw_id: strawberry.ID, *, register: bool
) -> RegistrationPayload:
    try:
        event_id = decode_id(raw_id, "Event", "eventId")
        action = use_cases.register_for_event if register else use_cases.unregister_from_event
        await action(ctx.uow(), ctx.viewer, event_id, ctx.services.clock)
    except DomainError as error:
        return RegistrationPayload(user_errors=[UserError.from_domain(error)])
    event = await ctx.loaders.event.load(event_id)
    return RegistrationPayload(
        event=EventType.from_domain(event) if event else None, registered=register
    )
