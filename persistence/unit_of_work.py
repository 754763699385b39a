"""The unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.errors import Conflict
from persistence.analytics_repository import SqlAlchemyAnalyticsRepository
from persistence.erasure import SqlAlchemyPrivacyRepository
from persistence.imports import import_repository
from persistence.privacy_repositories import (
    SqlAlchemyConsentRepository,
    SqlAlchemyGuardianLinkRepository,
    SqlAlchemyIdentityRepository,
)
from persistence.repositories import (
    SqlAlchemyAccountRepository,
    SqlAlchemyGuardianRepository,
    SqlAlchemyOrganizationRepository,
    SqlAlchemyOutboxRepository,
    SqlAlchemyParticipantRepository,
    SqlAlchemyRefreshTokenRepository,
)
from persistence.repositories_aggregator import (
    SqlAlchemyAchievementRepository,
    SqlAlchemyEventRepository,
)


def _conflict(error: IntegrityError) -> Conflict:
    """A unique or foreign-key violation that a concurrent request caused between
    our check and our write: the contract's CONFLICT, not an internal error."""
    return Conflict("This conflicts with data that was just changed; try again.")


class SqlAlchemyUnitOfWork:
    """Opened with `async with`; leaving without `commit()` rolls everything back."""

    session: AsyncSession

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        self.accounts = SqlAlchemyAccountRepository(self.session)
        self.organizations = SqlAlchemyOrganizationRepository(self.session)
        self.participants = SqlAlchemyParticipantRepository(self.session)
        self.guardians = SqlAlchemyGuardianRepository(self.session)
        self.refresh_tokens = SqlAlchemyRefreshTokenRepository(self.session)
        self.outbox = SqlAlchemyOutboxRepository(self.session)
        self.analytics = SqlAlchemyAnalyticsRepository(self.session)
        self.events = SqlAlchemyEventRepository(self.session)
        self.imports = import_repository(self.session)
        self.achievements = SqlAlchemyAchievementRepository(self.session)
        self.consents = SqlAlchemyConsentRepository(self.session)
        self.guardian_links = SqlAlchemyGuardianLinkRepository(self.session)
        self.identity = SqlAlchemyIdentityRepository(self.session)
        self.privacy = SqlAlchemyPrivacyRepository(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    async def flush(self) -> None:
        try:
            await self.session.flush()
        except IntegrityError as error:
            raise _conflict(error) from error

    async def commit(self) -> None:
        try:
            await self.session.commit()
        except IntegrityError as error:
            raise _conflict(error) from error

    async def rollback(self) -> None:
        await self.session.rollback()
