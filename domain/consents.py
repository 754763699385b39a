"""Consents under 152-FZ: immutable grant records and their history.

A consent names the exact text agreed to (document id, version, SHA-256), who
gave it and how. Revocation does not delete the record; it adds who and when.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ConsentPurpose(StrEnum):
    PROCESSING = "PROCESSING"
    PUBLICATION = "PUBLICATION"
    UNIVERSITY_SHARING = "UNIVERSITY_SHARING"
    CONTACT_SHARING = "CONTACT_SHARING"


class ConsentStatus(StrEnum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"


class ConsentGiver(StrEnum):
    """Which party's will the record carries (the age rules decide who must)."""

    PARTICIPANT = "PARTICIPANT"
    GUARDIAN = "GUARDIAN"
    PARTICIPANT_AND_GUARDIAN = "PARTICIPANT_AND_GUARDIAN"


class ConsentMethod(StrEnum):
    FORM_SIGNATURE = "FORM_SIGNATURE"
    IDENTITY_PROVIDER = "IDENTITY_PROVIDER"


class ConsentAction(StrEnum):
    REQUESTED = "REQUESTED"
    GRANTED = "GRANTED"
    CONFIRMED = "CONFIRMED"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"


@dataclass(eq=False)
class ConsentDocument:
    """A versioned consent text; the hash pins exactly what was agreed to."""

    purpose: ConsentPurpose
    version: int
    title: str
    text: str
    sha256: str
    published_at: datetime
    id: int | None = None


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(eq=False)
class Consent:
    participant_id: int
    purpose: ConsentPurpose
    document_id: int
    status: ConsentStatus
    given_by: ConsentGiver
    method: ConsentMethod
    requested_by_account_id: int
    created_at: datetime
    scope_all_universities: bool = True
    scope_organization_ids: list[int] = field(default_factory=list)
    participant_account_id: int | None = None
    guardian_account_id: int | None = None
    granted_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by_account_id: int | None = None
    id: int | None = None

    def status_at(self, now: datetime) -> ConsentStatus:
        """The status as of `now`: an ACTIVE consent past its expiry is EXPIRED."""
        if (
            self.status is ConsentStatus.ACTIVE
            and self.expires_at is not None
            and now >= self.expires_at
        ):
            return ConsentStatus.EXPIRED
        return self.status

    def is_in_force(self, now: datetime) -> bool:
        return self.status_at(now) is ConsentStatus.ACTIVE

    def covers_organization(self, organization_id: int) -> bool:
        return self.scope_all_universities or organization_id in self.scope_organization_ids


@dataclass(eq=False)
class ConsentHistoryEntry:
    """Append-only: one row per grant, confirmation, revocation or expiry."""

    participant_id: int
    consent_id: int
    purpose: ConsentPurpose
    action: ConsentAction
    at: datetime
    actor_account_id: int | None = None
    id: int | None = None
