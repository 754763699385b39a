"""Portfolio achievements claimed by participants and their moderation workflow.

DRAFT → SUBMITTED → APPROVED | REJECTED | NEEDS_CHANGES; NEEDS_CHANGES →
SUBMITTED. `version` guards concurrent decisions: exactly one wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.errors import InvalidInput
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
    result_id: int | None = None
    """The imported result for the same participant and event, if any: linked so
    the rating counts the two once (the better of them)."""
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


DECISIONS = frozenset(
    {AchievementStatus.APPROVED, AchievementStatus.REJECTED, AchievementStatus.NEEDS_CHANGES}
)
EDITABLE = frozenset({AchievementStatus.DRAFT, AchievementStatus.NEEDS_CHANGES})
"""The participant may change the claim and its evidence only before a decision
or when a moderator asked for changes."""


def check_transition(current: AchievementStatus, to: AchievementStatus) -> None:
    """Refuse every move the workflow does not list, with a clear message."""
    if to not in ALLOWED_TRANSITIONS[AchievementStatus(current)]:
        raise InvalidInput(
            f"An achievement in {AchievementStatus(current).value} cannot move to {to.value}.",
            field="status",
        )


def check_editable(achievement: Achievement) -> None:
    if AchievementStatus(achievement.status) not in EDITABLE:
        raise InvalidInput(
            "Only a draft or a claim returned for changes can be edited.", field="id"
        )


def validate_comment(comment: str | None, decision: AchievementStatus) -> str | None:
    """Rejections and requests for changes must say why; approvals may."""
    text = (comment or "").strip() or None
    if text is not None and len(text) > 2000:
        raise InvalidInput("The comment has at most 2,000 characters.", field="comment")
    if text is None and decision in (AchievementStatus.REJECTED, AchievementStatus.NEEDS_CHANGES):
        raise InvalidInput(
            "Say why: a rejection or a request for changes needs a comment.", field="comment"
        )
    return text


@dataclass(eq=False)
class AchievementTransition:
    """One step of the workflow: who moved the claim, when, from what to what, and why."""

    achievement_id: int
    from_status: AchievementStatus
    to_status: AchievementStatus
    actor_account_id: int
    at: datetime
    comment: str | None = None
    id: int | None = None
