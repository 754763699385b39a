"""Portfolio achievements claimed by participants and their moderation workflow.

DRAFT → SUBMITTED → APPROVED | REJECTED | NEEDS_CHANGES; NEEDS_CHANGES →
SUBMITTED. `version` guards concurrent decisions: exactly one wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.events import EventKind, EventLevel
from domain.results import ResultStatus


class AchievementStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    NEEDS_CHANGES = "NEEDS_CHANGES"


ALLOWED_TRANSITIONS: dict[AchievementStatus, frozenset[AchievementStatus]] = {
    AchievementStatus.DRAFT: frozenset({AchievementStatus.SUBMITTED}),
    AchievementStatus.SUBMITTED: frozenset(
        {
            AchievementStatus.APPROVED,
            AchievementStatus.REJECTED,
            AchievementStatus.NEEDS_CHANGES,
        }
    ),
    AchievementStatus.NEEDS_CHANGES: frozenset({AchievementStatus.SUBMITTED}),
    AchievementStatus.APPROVED: frozenset(),
    AchievementStatus.REJECTED: frozenset(),
}


class EvidenceKind(StrEnum):
    FILE = "FILE"
    LINK = "LINK"


@dataclass(eq=False)
class Achievement:
    participant_id: int
    title: str
    kind: EventKind
    level: EventLevel
    result_status: ResultStatus
    achieved_on: date
    season_code: str
    status: AchievementStatus
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    event_id: int | None = None
    submitted_at: datetime | None = None
    decided_by_account_id: int | None = None
    decided_at: datetime | None = None
    decision_comment: str | None = None
    version: int = 1
    id: int | None = None


@dataclass(eq=False)
class AchievementDirection:
    achievement_id: int
    direction_code: str


@dataclass(eq=False)
class Evidence:
    """A file (metadata only; the bytes live in the blob store) or a link."""

    achievement_id: int
    kind: EvidenceKind
    created_at: datetime
    url: str | None = None
    filename: str | None = None
    content_type: str | None = None
    size_bytes: int | None = None
    sha256: str | None = None
    storage_key: str | None = None
    deleted_at: datetime | None = None
    id: int | None = None
