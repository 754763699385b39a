"""Read paths for accounts, participants, guardians and organizations."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.accounts import Account, Organization
from domain.guardians import Guardian, GuardianLinkStatus
from domain.participants import Participant
from persistence.tables.accounts import accounts, organizations
from persistence.tables.people import guardian_links, guardians, participants


async def account_with_people(
    session: AsyncSession, account_id: int
) -> tuple[Account | None, Participant | None, Guardian | None]:
    """The account and the person behind it, in one round trip each (three small reads)."""
    account = (await session.scalars(sa.select(Account).where(accounts.c.id == account_id))).first()
    if account is None:
        return None, None, None
    participant = (
        await session.scalars(sa.select(Participant).where(participants.c.account_id == account_id))
    ).first()
    guardian = (
        await session.scalars(sa.select(Guardian).where(guardians.c.account_id == account_id))
    ).first()
    return account, participant, guardian


async def participants_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Participant]:
    rows = await session.scalars(sa.select(Participant).where(participants.c.id.in_(ids)))
    return {p.id: p for p in rows if p.id is not None}


async def guardians_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Guardian]:
    rows = await session.scalars(sa.select(Guardian).where(guardians.c.id.in_(ids)))
    return {g.id: g for g in rows if g.id is not None}


async def organizations_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, Organization]:
    rows = await session.scalars(sa.select(Organization).where(organizations.c.id.in_(ids)))
    return {o.id: o for o in rows if o.id is not None}


async def confirmed_ward_ids(session: AsyncSession, guardian_id: int) -> frozenset[int]:
    rows = await session.scalars(
        sa.select(guardian_links.c.participant_id).where(
            guardian_links.c.guardian_id == guardian_id,
            guardian_links.c.status == GuardianLinkStatus.CONFIRMED,
        )
    )
    return frozenset(rows)
