"""Repositories of consents, guardian links and identity verification (issue 3)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.accounts import Account, OrganizationKind
from domain.consents import (
    Consent,
    ConsentDocument,
    ConsentHistoryEntry,
    ConsentPurpose,
    ConsentStatus,
)
from domain.guardians import Guardian, GuardianLink, GuardianLinkStatus
from domain.identity import IdentityNonce, ParticipantVerification
from persistence.tables.accounts import accounts, organizations
from persistence.tables.consents import consent_documents, consents
from persistence.tables.identity import idp_nonces
from persistence.tables.people import guardian_links, participants


class _Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session


class SqlAlchemyConsentRepository(_Repository):
    def add(self, consent: Consent) -> None:
        self.session.add(consent)

    def add_history(self, entry: ConsentHistoryEntry) -> None:
        self.session.add(entry)

    async def get(self, consent_id: int) -> Consent | None:
        return await self.session.get(Consent, consent_id, populate_existing=True)

    async def of_participant(self, participant_id: int) -> Sequence[Consent]:
        rows = await self.session.scalars(
            sa.select(Consent)
            .where(consents.c.participant_id == participant_id)
            .order_by(consents.c.id)
        )
        return list(rows)

    async def document(self, purpose: ConsentPurpose, version: int) -> ConsentDocument | None:
        result = await self.session.scalars(
            sa.select(ConsentDocument).where(
                consent_documents.c.purpose == purpose, consent_documents.c.version == version
            )
        )
        return result.first()

    async def current_document(self, purpose: ConsentPurpose) -> ConsentDocument | None:
        result = await self.session.scalars(
            sa.select(ConsentDocument)
            .where(consent_documents.c.purpose == purpose)
            .order_by(consent_documents.c.version.desc())
            .limit(1)
        )
        return result.first()

    async def move(
        self, consent_id: int, expected: ConsentStatus, values: dict[str, object]
    ) -> bool:
        result = await self.session.execute(
            sa.update(consents)
            .where(consents.c.id == consent_id, consents.c.status == expected)
            .values(**values)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def due_to_expire(self, now: datetime, limit: int) -> Sequence[Consent]:
        rows = await self.session.scalars(
            sa.select(Consent)
            .where(
                consents.c.status == ConsentStatus.ACTIVE,
                consents.c.expires_at.is_not(None),
                consents.c.expires_at <= now,
            )
            .order_by(consents.c.id)
            .limit(limit)
        )
        return list(rows)

    async def existing_universities(self, ids: Sequence[int]) -> set[int]:
        rows = await self.session.scalars(
            sa.select(organizations.c.id).where(
                organizations.c.id.in_(ids), organizations.c.kind == OrganizationKind.UNIVERSITY
            )
        )
        return set(rows)


class SqlAlchemyGuardianLinkRepository(_Repository):
    async def get(self, link_id: int) -> GuardianLink | None:
        return await self.session.get(GuardianLink, link_id, populate_existing=True)

    async def guardian(self, guardian_id: int) -> Guardian | None:
        return await self.session.get(Guardian, guardian_id)

    async def between(self, participant_id: int, guardian_id: int) -> Sequence[GuardianLink]:
        rows = await self.session.scalars(
            sa.select(GuardianLink).where(
                guardian_links.c.participant_id == participant_id,
                guardian_links.c.guardian_id == guardian_id,
            )
        )
        return list(rows)

    async def is_confirmed(self, guardian_id: int, participant_id: int) -> bool:
        found = await self.session.scalar(
            sa.select(sa.func.count())
            .select_from(guardian_links)
            .where(
                guardian_links.c.guardian_id == guardian_id,
                guardian_links.c.participant_id == participant_id,
                guardian_links.c.status == GuardianLinkStatus.CONFIRMED,
            )
        )
        return bool(found)

    async def move(
        self, link_id: int, expected: GuardianLinkStatus, values: dict[str, object]
    ) -> bool:
        result = await self.session.execute(
            sa.update(guardian_links)
            .where(guardian_links.c.id == link_id, guardian_links.c.status == expected)
            .values(**values)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def pending_for_subjects(
        self, guardian_id: int, subjects: Sequence[str]
    ) -> Sequence[tuple[GuardianLink, str]]:
        rows = await self.session.execute(
            sa.select(GuardianLink, accounts.c.idp_subject)
            .join(participants, participants.c.id == guardian_links.c.participant_id)
            .join(accounts, accounts.c.id == participants.c.account_id)
            .where(
                guardian_links.c.guardian_id == guardian_id,
                guardian_links.c.status == GuardianLinkStatus.PENDING,
                accounts.c.idp_subject.in_(list(subjects)),
            )
        )
        return [(link, str(subject)) for link, subject in rows.tuples()]


class SqlAlchemyIdentityRepository(_Repository):
    def add_nonce(self, nonce: IdentityNonce) -> None:
        self.session.add(nonce)

    async def consume_nonce(self, nonce_hash: str, now: datetime) -> bool:
        """One conditional UPDATE: of two concurrent uses exactly one succeeds."""
        result = await self.session.execute(
            sa.update(idp_nonces)
            .where(
                idp_nonces.c.nonce_hash == nonce_hash,
                idp_nonces.c.used_at.is_(None),
                idp_nonces.c.expires_at > now,
            )
            .values(used_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def account_by_subject(self, subject: str) -> Account | None:
        result = await self.session.scalars(
            sa.select(Account).where(accounts.c.idp_subject == subject)
        )
        return result.first()

    def add_verification(self, verification: ParticipantVerification) -> None:
        self.session.add(verification)
