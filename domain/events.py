"""Catalog events (olympiads, hackathons, courses…) and registrations.

Note the name: an *event* here is an olympiad or a course, not a domain message;
messages for other parts of the system live in `domain.outbox`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from domain.errors import InvalidInput


class EventKind(StrEnum):
    OLYMPIAD = "OLYMPIAD"
    HACKATHON = "HACKATHON"
    PROJECT_SCHOOL = "PROJECT_SCHOOL"
    ONLINE_COURSE = "ONLINE_COURSE"
    TEST = "TEST"
    COMPETITION = "COMPETITION"
    CONFERENCE = "CONFERENCE"
    OTHER = "OTHER"


class EventLevel(StrEnum):
    INTERNATIONAL = "INTERNATIONAL"
    FEDERAL = "FEDERAL"
    REGIONAL = "REGIONAL"
    MUNICIPAL = "MUNICIPAL"
    SCHOOL = "SCHOOL"


class EventStatus(StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class ParticipationMode(StrEnum):
    INDIVIDUAL = "INDIVIDUAL"
    TEAM = "TEAM"


@dataclass(eq=False)
class Event:
    title: str
    kind: EventKind
    level: EventLevel
    season_code: str
    starts_on: date
    ends_on: date
    is_online: bool
    organizer_id: int
    status: EventStatus
    created_at: datetime
    updated_at: datetime
    participation: ParticipationMode = ParticipationMode.INDIVIDUAL
    description: str | None = None
    region_code: str | None = None
    capacity: int | None = None
    parent_id: int | None = None
    stage_order: int | None = None
    id: int | None = None


@dataclass(eq=False)
class EventDirection:
    """How relevant an event is to a direction, 0–1; it scales rating points."""

    event_id: int
    direction_code: str
    relevance: Decimal


@dataclass(eq=False)
class Registration:
    event_id: int
    participant_id: int
    created_at: datetime
    cancelled_at: datetime | None = None
    id: int | None = None


def validate_relevance(value: Decimal) -> Decimal:
    if not Decimal(0) <= value <= Decimal(1):
        raise InvalidInput("Relevance is between 0 and 1.", field="relevance")
    return value


def validate_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise InvalidInput("An event cannot end before it starts.", field="endsOn")


EVENT_TRANSITIONS: dict[EventStatus, frozenset[EventStatus]] = {
    EventStatus.DRAFT: frozenset({EventStatus.PUBLISHED, EventStatus.CANCELLED}),
    EventStatus.PUBLISHED: frozenset({EventStatus.COMPLETED, EventStatus.CANCELLED}),
    EventStatus.COMPLETED: frozenset(),
    EventStatus.CANCELLED: frozenset(),
}
"""An event is prepared as a draft, published for registration, then completed
(results come in) or cancelled. Completed and cancelled events are final."""

EVENT_CHANGED = "event.changed"
"""Outbox topic of an event's edit or status change: `{event_id, fields}`, the names
of the changed fields (`directions` for the directions and their relevance, `status`
for a status change)."""

EDITABLE_STATUSES = frozenset({EventStatus.DRAFT, EventStatus.PUBLISHED})
IMPORTABLE_STATUSES = frozenset({EventStatus.PUBLISHED, EventStatus.COMPLETED})
"""Results can be imported once an event is public: during it (stages) and after it."""


def change_status(event: Event, to: EventStatus, now: datetime) -> EventStatus:
    """Move the event along its lifecycle or refuse; returns the previous status."""
    current = EventStatus(event.status)
    if to not in EVENT_TRANSITIONS[current]:
        raise InvalidInput(
            f"A {current.value.lower()} event cannot become {to.value.lower()}.", field="status"
        )
    event.status = to
    event.updated_at = now
    return current


def validate_title(title: str) -> str:
    title = " ".join(title.split())
    if not 3 <= len(title) <= 300:
        raise InvalidInput("The title has 3 to 300 characters.", field="title")
    return title


def validate_capacity(capacity: int | None) -> int | None:
    if capacity is not None and not 1 <= capacity <= 1_000_000:
        raise InvalidInput("Capacity is between 1 and 1,000,000 places.", field="capacity")
    return capacity


def validate_stage(parent: Event | None, child_organizer_id: int, stage_order: int | None) -> None:
    """A series is one level deep: a stage belongs to a parent of the same organizer."""
    if parent is None:
        if stage_order is not None:
            raise InvalidInput("Only a stage of a series has a stage order.", field="stageOrder")
        return
    if parent.parent_id is not None:
        raise InvalidInput("A stage cannot have stages of its own.", field="parentId")
    if parent.organizer_id != child_organizer_id:
        raise InvalidInput("A stage belongs to a series of the same organizer.", field="parentId")
    if stage_order is None or not 1 <= stage_order <= 100:
        raise InvalidInput("A stage needs an order from 1 to 100.", field="stageOrder")
