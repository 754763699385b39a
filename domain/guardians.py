"""Guardians (legal representatives) and their links to participants.

A link is PENDING until a moderator saw evidence or the identity provider
asserted the relationship; only a CONFIRMED link lets a guardian act.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class GuardianRelation(StrEnum):
    PARENT = "PARENT"
    ADOPTIVE_PARENT = "ADOPTIVE_PARENT"
    CUSTODIAN = "CUSTODIAN"


class GuardianLinkStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"
    ENDED = "ENDED"


@dataclass(eq=False)
class Guardian:
    account_id: int
    last_name: str
    first_name: str
    created_at: datetime
    middle_name: str | None = None
    email: str | None = None
    phone: str | None = None
    id: int | None = None


@dataclass(eq=False)
class GuardianLink:
    participant_id: int
    guardian_id: int
    relation: GuardianRelation
    status: GuardianLinkStatus
    requested_by_account_id: int
    created_at: datetime
    decided_by_account_id: int | None = None
    decided_at: datetime | None = None
    comment: str | None = None
    ended_at: datetime | None = None
    id: int | None = None
