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
