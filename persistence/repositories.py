"""SQLAlchemy implementations of the domain's repository ports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.accounts import Account, Organization, RefreshToken
from domain.guardians import Guardian, GuardianLink, GuardianLinkStatus
from domain.outbox import OutboxMessage
from domain.participants import Participant
from persistence.tables.accounts import refresh_tokens
from persistence.tables.people import guardian_links


class _Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session


class SqlAlchemyAccountRepository(_Repository):
    def add(self, account: Account) -> None:
        self.session.add(account)

    async def get(self, account_id: int) -> Account | None:
        return await self.session.get(Account, account_id)

    async def by_email(self, email: str) -> Account | None:
        result = await self.session.scalars(sa.select(Account).filter_by(email=email))
        return result.first()


class SqlAlchemyOrganizationRepository(_Repository):
    def add(self, organization: Organization) -> None:
        self.session.add(organization)

    async def get(self, organization_id: int) -> Organization | None:
        return await self.session.get(Organization, organization_id)

    async def by_name(self, name: str) -> Organization | None:
        result = await self.session.scalars(sa.select(Organization).filter_by(name=name))
        return result.first()


class SqlAlchemyParticipantRepository(_Repository):
    def add(self, participant: Participant) -> None:
        self.session.add(participant)

    async def get(self, participant_id: int) -> Participant | None:
        return await self.session.get(Participant, participant_id)

    async def by_account(self, account_id: int) -> Participant | None:
        result = await self.session.scalars(sa.select(Participant).filter_by(account_id=account_id))
        return result.first()


class SqlAlchemyGuardianRepository(_Repository):
    def add(self, guardian: Guardian) -> None:
        self.session.add(guardian)

    def add_link(self, link: GuardianLink) -> None:
        self.session.add(link)

    async def by_account(self, account_id: int) -> Guardian | None:
        result = await self.session.scalars(sa.select(Guardian).filter_by(account_id=account_id))
        return result.first()

    async def confirmed_ward_ids(self, guardian_id: int) -> Sequence[int]:
        rows = await self.session.scalars(
            sa.select(guardian_links.c.participant_id).where(
                guardian_links.c.guardian_id == guardian_id,
                guardian_links.c.status == GuardianLinkStatus.CONFIRMED,
            )
        )
        return list(rows)


class SqlAlchemyRefreshTokenRepository(_Repository):
    def add(self, token: RefreshToken) -> None:
        self.session.add(token)

    async def by_hash(self, token_hash: str) -> RefreshToken | None:
        result = await self.session.scalars(
            sa.select(RefreshToken).filter_by(token_hash=token_hash).with_for_update()
        )
        return result.first()

    async def revoke_family(self, family_id: str, at: datetime) -> int:
        """One UPDATE for the whole family: every descendant token stops at once."""
        result = await self.session.execute(
            sa.update(refresh_tokens)
            .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
            .execution_options(synchronize_session="fetch")
        )
        return int(getattr(result, "rowcount", 0) or 0)


class SqlAlchemyOutboxRepository(_Repository):
    def add(self, message: OutboxMessage) -> None:
        self.session.add(message)
