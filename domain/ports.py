"""Ports: what the use cases need from the outside, as protocols.

Persistence implements the repositories and the unit of work; `api` implements
the password hasher and the token issuer. The domain never imports either.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from domain.accounts import Account, Organization, RefreshToken
from domain.guardians import Guardian, GuardianLink
from domain.outbox import OutboxMessage
from domain.participants import Participant


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
