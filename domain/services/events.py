"""Use cases of events: organizers manage their own (admins any), students register.

Every registration change writes a `registration.changed` outbox message in the
same transaction, so notifications never miss one and never see a phantom; every
edit or status change of an event writes `event.changed {event_id, fields}` (the
names of the fields that changed), so the ratings reprice its results when a field
that prices them moved and cached pages that show it go stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import date
from decimal import Decimal

from domain.accounts import Role
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.events import (
    EDITABLE_STATUSES,
    EVENT_CHANGED,
    Event,
    EventDirection,
    EventKind,
    EventLevel,
    EventStatus,
    ParticipationMode,
    Registration,
    change_status,
    validate_capacity,
    validate_dates,
    validate_relevance,
    validate_stage,
    validate_title,
)
from domain.outbox import OutboxMessage
from domain.policy import Viewer, can_act_as_participant, can_manage_event, require_signed_in
from domain.ports import Clock, UnitOfWork
from domain.reference import season_bounds

REGISTRATION_CHANGED = "registration.changed"
MAX_DIRECTIONS = 10


@dataclass(frozen=True)
class EventFields:
    """Everything an organizer sets on an event; updates replace some of them."""

    title: str
    kind: EventKind
    level: EventLevel
    season_code: str
    starts_on: date
    ends_on: date
    is_online: bool
    directions: dict[str, Decimal] = field(default_factory=dict)
    participation: ParticipationMode = ParticipationMode.INDIVIDUAL
    description: str | None = None
    region_code: str | None = None
    capacity: int | None = None
    parent_id: int | None = None
    stage_order: int | None = None


async def _validate(uow: UnitOfWork, fields: EventFields, organizer_id: int) -> EventFields:
    title = validate_title(fields.title)
    validate_dates(fields.starts_on, fields.ends_on)
    validate_capacity(fields.capacity)
    if not await uow.events.known_codes("seasons", [fields.season_code]):
        raise InvalidInput(f"Unknown season `{fields.season_code}`.", field="seasonCode")
    first, last = season_bounds(fields.season_code)
    if not first <= fields.starts_on <= last:
        raise InvalidInput("The event starts outside its season.", field="startsOn")
    if not fields.is_online and fields.region_code is None:
        raise InvalidInput("An offline event needs a region.", field="regionCode")
    if fields.region_code is not None and not await uow.events.known_codes(
        "regions", [fields.region_code]
    ):
        raise InvalidInput(f"Unknown region `{fields.region_code}`.", field="regionCode")
    if not 1 <= len(fields.directions) <= MAX_DIRECTIONS:
        raise InvalidInput(
            f"An event counts for 1 to {MAX_DIRECTIONS} directions.", field="directions"
        )
    known = await uow.events.known_codes("directions", list(fields.directions))
    unknown = sorted(set(fields.directions) - known)
    if unknown:
        raise InvalidInput(f"Unknown direction `{unknown[0]}`.", field="directions")
    for relevance in fields.directions.values():
        validate_relevance(relevance)
    parent = await uow.events.get(fields.parent_id) if fields.parent_id is not None else None
    if fields.parent_id is not None and parent is None:
        raise InvalidInput("No such parent event.", field="parentId")
    validate_stage(parent, organizer_id, fields.stage_order)
    description = (fields.description or "").strip() or None
    if description is not None and len(description) > 10_000:
        raise InvalidInput("The description has at most 10,000 characters.", field="description")
    return replace(fields, title=title, description=description)


async def create_event(
    uow: UnitOfWork, viewer: Viewer, fields: EventFields, clock: Clock, organizer_id: int | None
) -> Event:
    """A new DRAFT event. Organizers create for their own organization; an admin
    names the organizer."""
    require_signed_in(viewer)
    owner = organizer_id if viewer.role is Role.ADMIN else viewer.organization_id
    if owner is None or not can_manage_event(viewer, owner):
        raise Forbidden("Only organizers (for themselves) and admins create events.")
    async with uow:
        organization = await uow.organizations.get(owner)
        if organization is None or organization.kind != "ORGANIZER":
            raise InvalidInput("No such organizer.", field="organizerId")
        fields = await _validate(uow, fields, owner)
        now = clock.now()
        event = Event(
            title=fields.title,
            kind=fields.kind,
            level=fields.level,
            season_code=fields.season_code,
            starts_on=fields.starts_on,
            ends_on=fields.ends_on,
            is_online=fields.is_online,
            organizer_id=owner,
            status=EventStatus.DRAFT,
            created_at=now,
            updated_at=now,
            participation=fields.participation,
            description=fields.description,
            region_code=fields.region_code,
            capacity=fields.capacity,
            parent_id=fields.parent_id,
            stage_order=fields.stage_order,
        )
        uow.events.add(event)
        await uow.flush()
        assert event.id is not None
        await uow.events.replace_directions(event.id, _links(event.id, fields.directions))
        await uow.commit()
        return event


def _links(event_id: int, directions: dict[str, Decimal]) -> list[EventDirection]:
    return [EventDirection(event_id, code, value) for code, value in sorted(directions.items())]


async def _managed(uow: UnitOfWork, viewer: Viewer, event_id: int) -> Event:
    require_signed_in(viewer)
    event = await uow.events.get(event_id, lock=True)
    if event is None:
        raise NotFound("No such event.", field="id")
    if not can_manage_event(viewer, event.organizer_id):
        if event.status == EventStatus.DRAFT:
            raise NotFound("No such event.", field="id")
        raise Forbidden("Only the event's organizer or an admin changes it.")
    return event


async def update_event(
    uow: UnitOfWork,
    viewer: Viewer,
    event_id: int,
    changes: dict[str, object],
    clock: Clock,
    current_directions: dict[str, Decimal],
) -> Event:
    """Change some fields of a draft or published event; the result is validated whole."""
    async with uow:
        event = await _managed(uow, viewer, event_id)
        if EventStatus(event.status) not in EDITABLE_STATUSES:
            raise InvalidInput("A completed or cancelled event cannot be edited.", field="id")
        before = _fields_of(event, current_directions)
        merged = replace(before, **changes)  # type: ignore[arg-type]
        fields = await _validate(uow, merged, event.organizer_id)
        for name in (
            "title", "kind", "level", "season_code", "starts_on", "ends_on", "is_online",
            "participation", "description", "region_code", "capacity", "parent_id", "stage_order",
        ):  # fmt: skip
            setattr(event, name, getattr(fields, name))
        event.updated_at = clock.now()
        if "directions" in changes:
            await uow.events.replace_directions(event_id, _links(event_id, fields.directions))
        changed = [
            f.name
            for f in dataclass_fields(EventFields)
            if getattr(before, f.name) != getattr(fields, f.name)
        ]
        if changed:
            uow.outbox.add(_event_changed(event_id, changed, clock))
        await uow.commit()
        return event


def _event_changed(event_id: int, fields: list[str], clock: Clock) -> OutboxMessage:
    return OutboxMessage(
        topic=EVENT_CHANGED,
        created_at=clock.now(),
        payload={"event_id": event_id, "fields": sorted(fields)},
    )


def _fields_of(event: Event, directions: dict[str, Decimal]) -> EventFields:
    return EventFields(
        title=event.title,
        kind=EventKind(event.kind),
        level=EventLevel(event.level),
        season_code=event.season_code,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        is_online=event.is_online,
        directions=directions,
        participation=ParticipationMode(event.participation),
        description=event.description,
        region_code=event.region_code,
        capacity=event.capacity,
        parent_id=event.parent_id,
        stage_order=event.stage_order,
    )


async def change_event_status(
    uow: UnitOfWork, viewer: Viewer, event_id: int, to: EventStatus, clock: Clock
) -> Event:
    """Publish, complete or cancel, along `domain.events.EVENT_TRANSITIONS` only."""
    async with uow:
        event = await _managed(uow, viewer, event_id)
        change_status(event, to, clock.now())
        uow.outbox.add(_event_changed(event_id, ["status"], clock))
        await uow.commit()
        return event


async def register_for_event(
    uow: UnitOfWork, viewer: Viewer, event_id: int, clock: Clock
) -> Registration:
    """Sign the student up for a published event with a free place. Registering
    twice changes nothing."""
    participant_id = _self(viewer)
    async with uow:
        event = await uow.events.get(event_id, lock=True)
        if event is None or event.status == EventStatus.DRAFT:
            raise NotFound("No such event.", field="eventId")
        now = clock.now()
        if event.status != EventStatus.PUBLISHED or event.ends_on < now.date():
            raise InvalidInput("Registration is open for published, upcoming events only.",
                               field="eventId")  # fmt: skip
        registration = await uow.events.registration(event_id, participant_id)
        if registration is not None and registration.cancelled_at is None:
            await uow.commit()  # nothing changed; keeps the loaded row usable
            return registration
        if event.capacity is not None:
            if await uow.events.active_registrations(event_id) >= event.capacity:
                raise Conflict("The event is full.", field="eventId")
        if registration is None:
            registration = Registration(event_id, participant_id, created_at=now)
            uow.events.add_registration(registration)
        else:
            registration.cancelled_at = None
            registration.created_at = now
        _changed(uow, event_id, participant_id, registered=True, clock=clock)
        await uow.commit()
        return registration


async def unregister_from_event(
    uow: UnitOfWork, viewer: Viewer, event_id: int, clock: Clock
) -> Registration:
    participant_id = _self(viewer)
    async with uow:
        registration = await uow.events.registration(event_id, participant_id)
        if registration is None or registration.cancelled_at is not None:
            raise NotFound("You are not registered for this event.", field="eventId")
        event = await uow.events.get(event_id)
        if event is None or event.status != EventStatus.PUBLISHED:
            raise InvalidInput("Registration can change only while the event is published.",
                               field="eventId")  # fmt: skip
        registration.cancelled_at = clock.now()
        _changed(uow, event_id, participant_id, registered=False, clock=clock)
        await uow.commit()
        return registration


def _self(viewer: Viewer) -> int:
    require_signed_in(viewer)
    if viewer.participant_id is None or not can_act_as_participant(viewer, viewer.participant_id):
        raise Forbidden("Only a student registers, and only for itself.")
    return viewer.participant_id


def _changed(
    uow: UnitOfWork, event_id: int, participant_id: int, *, registered: bool, clock: Clock
) -> None:
    uow.outbox.add(
        OutboxMessage(
            topic=REGISTRATION_CHANGED,
            created_at=clock.now(),
            payload={
                "event_id": event_id,
                "participant_id": participant_id,
                "registered": registered,
            },
        )
    )
