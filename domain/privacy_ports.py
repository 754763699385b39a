"""Ports of the consent, guardian, identity and erasure use cases (issue 3).

Kept apart from `domain/ports.py` so each area's protocols stay readable; the
unit of work there exposes them as `consents`, `guardian_links`, `identity` and
`privacy`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from domain.accounts import Account
from domain.consents import (
    Consent,
    ConsentDocument,
    ConsentHistoryEntry,
    ConsentPurpose,
    ConsentStatus,
)
from domain.guardians import Guardian, GuardianLink, GuardianLinkStatus
from domain.identity import IdentityNonce, ParticipantVerification


class ConsentRepository(Protocol):
    def add(self, consent: Consent) -> None: ...

    def add_history(self, entry: ConsentHistoryEntry) -> None: ...

    async def get(self, consent_id: int) -> Consent | None: ...

    async def of_participant(self, participant_id: int) -> Sequence[Consent]: ...

    async def document(self, purpose: ConsentPurpose, version: int) -> ConsentDocument | None: ...

    async def current_document(self, purpose: ConsentPurpose) -> ConsentDocument | None: ...

    async def move(
        self, consent_id: int, expected: ConsentStatus, values: dict[str, object]
    ) -> bool:
        """Conditional update (`WHERE status = :expected`): False when a concurrent
        request changed the record first (a double revocation, say)."""
        ...

    async def due_to_expire(self, now: datetime, limit: int) -> Sequence[Consent]: ...

    async def existing_universities(self, ids: Sequence[int]) -> set[int]: ...


class GuardianLinkRepository(Protocol):
    async def get(self, link_id: int) -> GuardianLink | None: ...

    async def guardian(self, guardian_id: int) -> Guardian | None: ...

    async def between(self, participant_id: int, guardian_id: int) -> Sequence[GuardianLink]: ...

    async def is_confirmed(self, guardian_id: int, participant_id: int) -> bool: ...

    async def move(
        self, link_id: int, expected: GuardianLinkStatus, values: dict[str, object]
    ) -> bool: ...

    async def pending_for_subjects(
        self, guardian_id: int, subjects: Sequence[str]
    ) -> Sequence[tuple[GuardianLink, str]]:
        """PENDING links of the guardian to participants whose account has one of
        these identity-provider subjects, with the subject that matched."""
        ...


class IdentityRepository(Protocol):
    def add_nonce(self, nonce: IdentityNonce) -> None: ...

    async def consume_nonce(self, nonce_hash: str, now: datetime) -> bool:
        """Mark an issued, unexpired, unused nonce used; False for anything else."""
        ...

    async def account_by_subject(self, subject: str) -> Account | None: ...

    def add_verification(self, verification: ParticipantVerification) -> None: ...


class PrivacyRepository(Protocol):
    async def region_exists(self, code: str) -> bool: ...

    async def due_erasures(self, now: datetime, limit: int) -> Sequence[int]: ...

    async def evidence_keys(self, participant_id: int) -> Sequence[str]: ...

    async def erase(
        self, participant_id: int, now: datetime, nickname: str
    ) -> list[ConsentPurpose] | None:
        """Anonymise every identifying value of the participant, irreversibly, in
        this transaction, revoking the consents still live (their purposes are
        returned); None if it was erased already or is no longer due."""
        ...
