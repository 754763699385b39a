"""Ports: what the use cases need from the outside, as protocols.

Persistence implements the repositories and the unit of work; `api` implements
the password hasher and the token issuer. The domain never imports either.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import BinaryIO, Protocol, Self

from domain.accounts import Account, Organization, RefreshToken
from domain.achievements import Achievement, AchievementStatus, AchievementTransition, Evidence
from domain.analytics_ports import AnalyticsRepository
from domain.events import Event, EventDirection, Registration
from domain.guardians import Guardian, GuardianLink
from domain.import_outcomes import ChunkOutcome, StagedChunk
from domain.imports import ParsedRow, ResultValues
from domain.outbox import OutboxMessage
from domain.participants import Participant
from domain.privacy_ports import (
    ConsentRepository,
    GuardianLinkRepository,
    IdentityRepository,
    PrivacyRepository,
)
from domain.results import ImportBatch, ImportRow


class Clock(Protocol):
    def now(self) -> datetime: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class AccessTokenIssuer(Protocol):
    def issue(self, account: Account) -> str: ...


class AccountRepository(Protocol):
    def add(self, account: Account) -> None: ...

    async def get(self, account_id: int) -> Account | None: ...

    async def by_email(self, email: str) -> Account | None: ...


class OrganizationRepository(Protocol):
    def add(self, organization: Organization) -> None: ...

    async def get(self, organization_id: int) -> Organization | None: ...

    async def by_name(self, name: str) -> Organization | None: ...


class ParticipantRepository(Protocol):
    def add(self, participant: Participant) -> None: ...

    async def get(self, participant_id: int) -> Participant | None: ...

    async def by_account(self, account_id: int) -> Participant | None: ...


class GuardianRepository(Protocol):
    def add(self, guardian: Guardian) -> None: ...

    async def by_account(self, account_id: int) -> Guardian | None: ...

    async def confirmed_ward_ids(self, guardian_id: int) -> Sequence[int]: ...

    def add_link(self, link: GuardianLink) -> None: ...


class RefreshTokenRepository(Protocol):
    def add(self, token: RefreshToken) -> None: ...

    async def by_hash(self, token_hash: str) -> RefreshToken | None: ...

    async def revoke_family(self, family_id: str, at: datetime) -> int: ...


class OutboxRepository(Protocol):
    def add(self, message: OutboxMessage) -> None: ...


# --- Events, result imports, achievements (issue 4) -------------------------


class BlobStore(Protocol):
    """Where evidence files live (a local directory by default; object storage later)."""

    async def put(self, key: str, data: BinaryIO) -> int:
        """Store the stream under `key`; returns the number of bytes written."""
        ...

    async def read(self, key: str) -> bytes | None: ...

    async def delete(self, key: str) -> None: ...


class EventRepository(Protocol):
    def add(self, event: Event) -> None: ...

    async def get(self, event_id: int, *, lock: bool = False) -> Event | None: ...

    async def replace_directions(self, event_id: int, links: Sequence[EventDirection]) -> None: ...

    async def known_codes(self, table: str, codes: Sequence[str]) -> set[str]:
        """Which of the codes exist in a reference table (`seasons`, `regions`, `directions`)."""
        ...

    async def registration(self, event_id: int, participant_id: int) -> Registration | None: ...

    def add_registration(self, registration: Registration) -> None: ...

    async def active_registrations(self, event_id: int) -> int: ...


class ImportRepository(Protocol):
    """Bulk paths of the import: one call per chunk of rows, not per row."""

    pipeline_depth: int
    """How many chunk transactions may be open at once: 2 where the database has
    concurrent writers (the next chunk is staged while one is written), 1 on SQLite."""

    def add_batch(self, batch: ImportBatch) -> None: ...

    async def get_batch(self, batch_id: int) -> ImportBatch | None: ...

    async def find_batch(self, event_id: int, sha256: str) -> ImportBatch | None:
        """The latest batch of this exact file for the event, if any."""
        ...

    async def latest_batch(self, event_id: int) -> ImportBatch | None: ...

    async def last_row_number(self, batch_id: int) -> int: ...

    async def stage_rows(self, rows: Sequence[ParsedRow]) -> StagedChunk:
        """The lookups of a chunk that do not depend on earlier chunks: participants
        matched by id, email or name + birth date, earlier moderator choices. May run
        while the previous chunk's transaction is still open."""
        ...

    async def apply_rows(
        self, batch_id: int, event_id: int, staged: StagedChunk, now: datetime
    ) -> ChunkOutcome:
        """Settle the staged chunk (in the same unit of work) by the rules of
        `domain.import_outcomes.settle` against the earlier rows of the batch, which
        must all be committed; store every row with its state and upsert the results
        of the applied ones, only where a value differs."""
        ...

    async def seen_in_batch(
        self, batch_id: int, participant_ids: Sequence[int], row_keys: Sequence[str]
    ) -> tuple[dict[int, int], dict[str, int]]:
        """Earlier rows of the batch by participant and by row key → their row numbers."""
        ...

    async def count_rows(self, batch_id: int, counts: dict[str, int]) -> int:
        """Add to the batch's counters (`total_rows`, `applied_rows`, …); returns the total."""
        ...

    async def get_row(self, row_id: int) -> ImportRow | None: ...

    async def apply_row(
        self, row: ImportRow, event_id: int, values: ResultValues, now: datetime
    ) -> bool:
        """Upsert one row's result (a moderator's resolution); True when it changed."""
        ...

    async def open_rows_with_key(self, row_key: str, except_row_id: int) -> list[ImportRow]: ...

    async def resolve_row(
        self, row_id: int, participant_id: int, account_id: int, now: datetime
    ) -> bool:
        """UNMATCHED → APPLIED only if still unmatched (two moderators: one wins)."""
        ...


class AchievementRepository(Protocol):
    def add(self, achievement: Achievement) -> None: ...

    async def get(self, achievement_id: int) -> Achievement | None: ...

    async def replace_directions(self, achievement_id: int, codes: Sequence[str]) -> None: ...

    def add_evidence(self, evidence: Evidence) -> None: ...

    async def evidence_count(self, achievement_id: int) -> int: ...

    async def get_evidence(self, evidence_id: int) -> Evidence | None: ...

    def add_transition(self, transition: AchievementTransition) -> None: ...

    async def move(
        self,
        achievement_id: int,
        *,
        expected_version: int,
        expected_status: AchievementStatus,
        values: dict[str, object],
    ) -> bool:
        """Conditional update (`WHERE version = :v AND status = :s`); False when another
        change got there first. Bumps the version."""
        ...

    async def result_id_for(self, participant_id: int, event_id: int) -> int | None: ...


class UnitOfWork(Protocol):
    """One transaction: everything added is committed together or not at all."""

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def organizations(self) -> OrganizationRepository: ...

    @property
    def participants(self) -> ParticipantRepository: ...

    @property
    def guardians(self) -> GuardianRepository: ...

    @property
    def refresh_tokens(self) -> RefreshTokenRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def analytics(self) -> AnalyticsRepository: ...

    @property
    def events(self) -> EventRepository: ...

    @property
    def imports(self) -> ImportRepository: ...

    @property
    def achievements(self) -> AchievementRepository: ...

    @property
    def consents(self) -> ConsentRepository: ...

    @property
    def guardian_links(self) -> GuardianLinkRepository: ...

    @property
    def identity(self) -> IdentityRepository: ...

    @property
    def privacy(self) -> PrivacyRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def flush(self) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...
