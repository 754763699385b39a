"""Erasure (art. 21 of 152-FZ): every identifying value of one participant, gone.

What is erased or cut, table by table, in one transaction:
- `participants`: names, birth date, region, school, grade, email, phone and the
  verification; the nickname becomes a random `anon-…`; status ANONYMOUS.
- `accounts`: the login's email, password hash and provider subject; the account
  is deactivated and its refresh tokens revoked (the login email identifies too).
- `guardian_links` are deleted: a link to an identified parent re-identifies the child.
- `consents` and `consent_history` stay as proof of lawful processing (purpose,
  document version, dates), with every link to another account cut; consents still
  live are revoked.
- `participant_verifications` are deleted.
- `import_rows` that named the participant lose their raw content and row key.
- `achievements` keep kind, level, status, date and directions (the anonymous
  footprint); title, description and comments go; `evidence` rows are marked
  deleted with their file names, links, hashes and storage keys cleared (the
  files themselves are deleted through the blob store by the use case).
Kept as anonymous statistics: results, registrations, rating entries, analytics
answers, the access log (ids only).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.achievements import EvidenceKind
from domain.consents import ConsentPurpose, ConsentStatus
from domain.participants import ParticipantStatus
from persistence.tables.accounts import accounts, refresh_tokens
from persistence.tables.achievements import achievement_transitions, achievements, evidence
from persistence.tables.consents import consent_history, consents
from persistence.tables.events import import_rows
from persistence.tables.identity import participant_verifications
from persistence.tables.people import guardian_links, participants
from persistence.tables.reference import regions

ERASED_TITLE = "Erased achievement"


class SqlAlchemyPrivacyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def region_exists(self, code: str) -> bool:
        found = await self.session.scalar(
            sa.select(sa.func.count()).select_from(regions).where(regions.c.code == code)
        )
        return bool(found)

    async def due_erasures(self, now: datetime, limit: int) -> Sequence[int]:
        rows = await self.session.scalars(
            sa.select(participants.c.id)
            .where(
                participants.c.erasure_due_at.is_not(None),
                participants.c.erasure_due_at <= now,
                participants.c.erased_at.is_(None),
            )
            .order_by(participants.c.erasure_due_at, participants.c.id)
            .limit(limit)
        )
        return list(rows)

    async def evidence_keys(self, participant_id: int) -> Sequence[str]:
        rows = await self.session.scalars(
            sa.select(evidence.c.storage_key).where(
                evidence.c.achievement_id.in_(self._achievement_ids(participant_id)),
                evidence.c.kind == EvidenceKind.FILE,
                evidence.c.storage_key.is_not(None),
            )
        )
        return [str(key) for key in rows]

    @staticmethod
    def _achievement_ids(participant_id: int) -> sa.Select[tuple[int]]:
        return sa.select(achievements.c.id).where(achievements.c.participant_id == participant_id)

    async def erase(
        self, participant_id: int, now: datetime, nickname: str
    ) -> list[ConsentPurpose] | None:
        execute = self.session.execute
        claimed = await execute(
            sa.update(participants)
            .where(
                participants.c.id == participant_id,
                participants.c.erased_at.is_(None),
                participants.c.erasure_due_at.is_not(None),
                participants.c.erasure_due_at <= now,
            )
            .values(
                nickname=nickname,
                status=ParticipantStatus.ANONYMOUS,
                last_name=None,
                first_name=None,
                middle_name=None,
                birth_date=None,
                region_code=None,
                school=None,
                grade=None,
                email=None,
                phone=None,
                verified_at=None,
                verification_method=None,
                erasure_due_at=None,
                erased_at=now,
                updated_at=now,
            )
        )
        if int(getattr(claimed, "rowcount", 0) or 0) != 1:
            return None
        account_id = await self.session.scalar(
            sa.select(participants.c.account_id).where(participants.c.id == participant_id)
        )
        if account_id is not None:
            await execute(
                sa.update(accounts)
                .where(accounts.c.id == account_id)
                .values(email=None, password_hash=None, idp_subject=None, is_active=False)
            )
            await execute(
                sa.update(refresh_tokens)
                .where(
                    refresh_tokens.c.account_id == account_id, refresh_tokens.c.revoked_at.is_(None)
                )
                .values(revoked_at=now)
            )
        await execute(
            sa.delete(guardian_links).where(guardian_links.c.participant_id == participant_id)
        )
        await execute(
            sa.delete(participant_verifications).where(
                participant_verifications.c.participant_id == participant_id
            )
        )
        revoked = await self._consents(participant_id, account_id, now)
        await execute(
            sa.update(import_rows)
            .where(import_rows.c.participant_id == participant_id)
            .values(raw={"erased": True}, row_key=None)
        )
        await self._achievements(participant_id, now)
        return revoked

    async def _consents(
        self, participant_id: int, account_id: int | None, now: datetime
    ) -> list[ConsentPurpose]:
        mine = consents.c.participant_id == participant_id
        live = await self.session.scalars(
            sa.select(consents.c.purpose).where(
                mine, consents.c.status.in_([ConsentStatus.ACTIVE, ConsentStatus.PENDING])
            )
        )
        revoked = [ConsentPurpose(p) for p in live]
        await self.session.execute(
            sa.update(consents)
            .where(mine, consents.c.status.in_([ConsentStatus.ACTIVE, ConsentStatus.PENDING]))
            .values(status=ConsentStatus.REVOKED, revoked_at=now)
        )
        # Keep the records, cut every link to another account (a guardian's account
        # names the parent, and with it the child). `requested_by_account_id` is
        # required, so it points at the participant's own, now anonymous, account.
        cut: dict[str, object] = {"guardian_account_id": None, "revoked_by_account_id": None}
        if account_id is not None:
            cut["requested_by_account_id"] = account_id
            cut["participant_account_id"] = account_id
        await self.session.execute(sa.update(consents).where(mine).values(**cut))
        await self.session.execute(
            sa.update(consent_history)
            .where(consent_history.c.participant_id == participant_id)
            .values(actor_account_id=None)
        )
        return revoked

    async def _achievements(self, participant_id: int, now: datetime) -> None:
        ids = self._achievement_ids(participant_id)
        await self.session.execute(
            sa.update(achievements)
            .where(achievements.c.participant_id == participant_id)
            .values(title=ERASED_TITLE, description=None, decision_comment=None)
        )
        await self.session.execute(
            sa.update(achievement_transitions)
            .where(achievement_transitions.c.achievement_id.in_(ids))
            .values(comment=None)
        )
        await self.session.execute(
            sa.update(evidence)
            .where(evidence.c.achievement_id.in_(ids), evidence.c.deleted_at.is_(None))
            .values(deleted_at=now)
        )
        await self.session.execute(
            sa.update(evidence)
            .where(evidence.c.achievement_id.in_(ids))
            .values(url=None, filename=None, sha256=None, storage_key=None, content_type=None)
        )
