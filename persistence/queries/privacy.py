"""Read paths of consents, guardian links and the access log, batched for loaders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access_log import AccessLogEntry
from domain.accounts import Role
from domain.consents import Consent, ConsentDocument, ConsentHistoryEntry, ConsentPurpose
from domain.guardians import GuardianLink, GuardianLinkStatus
from persistence.access_journal import settle_before_reading
from persistence.queries.pages import Page, PageRequest, encode_cursor
from persistence.queries.participants import organizer_related
from persistence.tables.accounts import accounts, organizations
from persistence.tables.audit import access_log
from persistence.tables.consents import consent_documents, consent_history, consents
from persistence.tables.people import guardian_links, participants


def _group(rows: Sequence[Any], key: str, keys: Sequence[int]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {k: [] for k in keys}
    for row in rows:
        grouped.setdefault(getattr(row, key), []).append(row)
    return grouped


async def consents_of(
    session: AsyncSession, participant_ids: Sequence[int]
) -> dict[int, list[Consent]]:
    rows = await session.scalars(
        sa.select(Consent)
        .where(consents.c.participant_id.in_(participant_ids))
        .order_by(consents.c.participant_id, consents.c.id)
    )
    return _group(list(rows), "participant_id", participant_ids)


async def consents_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, Consent]:
    rows = await session.scalars(sa.select(Consent).where(consents.c.id.in_(ids)))
    return {c.id: c for c in rows if c.id is not None}


async def documents_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, ConsentDocument]:
    rows = await session.scalars(sa.select(ConsentDocument).where(consent_documents.c.id.in_(ids)))
    return {d.id: d for d in rows if d.id is not None}


async def current_documents(
    session: AsyncSession, purpose: ConsentPurpose | None
) -> list[ConsentDocument]:
    """The version offered today for each purpose (the highest)."""
    latest = (
        sa.select(consent_documents.c.purpose, sa.func.max(consent_documents.c.version).label("v"))
        .group_by(consent_documents.c.purpose)
        .subquery()
    )
    stmt = sa.select(ConsentDocument).join(
        latest,
        sa.and_(
            latest.c.purpose == consent_documents.c.purpose,
            latest.c.v == consent_documents.c.version,
        ),
    )
    if purpose is not None:
        stmt = stmt.where(consent_documents.c.purpose == purpose)
    return list(await session.scalars(stmt.order_by(consent_documents.c.purpose)))


async def history_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, ConsentHistoryEntry]:
    rows = await session.scalars(
        sa.select(ConsentHistoryEntry).where(consent_history.c.id.in_(ids))
    )
    return {h.id: h for h in rows if h.id is not None}


async def history_page(
    session: AsyncSession, participant_id: int, page: PageRequest
) -> Page[ConsentHistoryEntry]:
    """Newest first; the cursor is the id (ids grow with time)."""
    mine = consent_history.c.participant_id == participant_id
    stmt = sa.select(ConsentHistoryEntry).where(mine)
    if page.after is not None:
        stmt = stmt.where(consent_history.c.id < int(page.after[0]))
    rows = list(
        await session.scalars(stmt.order_by(consent_history.c.id.desc()).limit(page.first + 1))
    )
    total = await session.scalar(
        sa.select(sa.func.count()).select_from(consent_history).where(mine)
    )
    return _page(rows, page, int(total or 0))


def _page(rows: list[Any], page: PageRequest, total: int) -> Page[Any]:
    items = rows[: page.first]
    return Page(
        items=items,
        cursors=[encode_cursor([item.id]) for item in items],
        has_next_page=len(rows) > page.first,
        has_previous_page=page.after is not None,
        total_count=total,
    )


async def links_of_participants(
    session: AsyncSession, participant_ids: Sequence[int]
) -> dict[int, list[GuardianLink]]:
    rows = await session.scalars(
        sa.select(GuardianLink)
        .where(guardian_links.c.participant_id.in_(participant_ids))
        .order_by(guardian_links.c.id)
    )
    return _group(list(rows), "participant_id", participant_ids)


async def links_of_guardians(
    session: AsyncSession, guardian_ids: Sequence[int]
) -> dict[int, list[GuardianLink]]:
    rows = await session.scalars(
        sa.select(GuardianLink)
        .where(guardian_links.c.guardian_id.in_(guardian_ids))
        .order_by(guardian_links.c.id)
    )
    return _group(list(rows), "guardian_id", guardian_ids)


async def links_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, GuardianLink]:
    rows = await session.scalars(sa.select(GuardianLink).where(guardian_links.c.id.in_(ids)))
    return {link.id: link for link in rows if link.id is not None}


async def pending_links(session: AsyncSession, page: PageRequest) -> Page[GuardianLink]:
    """The moderators' queue, oldest first."""
    pending = guardian_links.c.status == GuardianLinkStatus.PENDING
    stmt = sa.select(GuardianLink).where(pending)
    if page.after is not None:
        stmt = stmt.where(guardian_links.c.id > int(page.after[0]))
    rows = list(await session.scalars(stmt.order_by(guardian_links.c.id).limit(page.first + 1)))
    total = await session.scalar(
        sa.select(sa.func.count()).select_from(guardian_links).where(pending)
    )
    return _page(rows, page, int(total or 0))


async def organizer_related_ids(
    session: AsyncSession, organization_id: int, participant_ids: Sequence[int]
) -> set[int]:
    rows = await session.scalars(
        sa.select(participants.c.id).where(
            participants.c.id.in_(participant_ids), organizer_related(organization_id)
        )
    )
    return set(rows)


@dataclass(frozen=True)
class AccessLogFilter:
    participant_id: int | None = None
    viewer_account_id: int | None = None
    since: datetime | None = None


@dataclass(frozen=True)
class AccessLogRow:
    entry: AccessLogEntry
    viewer_role: Role | None
    viewer_organization: str | None


async def access_log_page(
    session: AsyncSession, f: AccessLogFilter, page: PageRequest
) -> Page[AccessLogRow]:
    """Newest first, with the viewer's role and organization name joined in. Settles
    the journal first, so the page misses no read committed before it was asked for."""
    await settle_before_reading(session)
    conditions = []
    if f.participant_id is not None:
        conditions.append(access_log.c.participant_id == f.participant_id)
    if f.viewer_account_id is not None:
        conditions.append(access_log.c.viewer_account_id == f.viewer_account_id)
    if f.since is not None:
        conditions.append(access_log.c.at >= f.since)
    stmt = (
        sa.select(AccessLogEntry, accounts.c.role, organizations.c.name)
        .join(accounts, accounts.c.id == access_log.c.viewer_account_id)
        .outerjoin(organizations, organizations.c.id == accounts.c.organization_id)
        .where(*conditions)
    )
    if page.after is not None:
        stmt = stmt.where(access_log.c.id < int(page.after[0]))
    result = await session.execute(stmt.order_by(access_log.c.id.desc()).limit(page.first + 1))
    rows = [
        AccessLogRow(entry, Role(role) if role else None, org)
        for entry, role, org in result.tuples()
    ]
    total = await session.scalar(
        sa.select(sa.func.count()).select_from(access_log).where(*conditions)
    )
    items = rows[: page.first]
    return Page(
        items=items,
        cursors=[encode_cursor([row.entry.id]) for row in items],
        has_next_page=len(rows) > page.first,
        has_previous_page=page.after is not None,
        total_count=int(total or 0),
    )


async def access_entries_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, AccessLogRow]:
    result = await session.execute(
        sa.select(AccessLogEntry, accounts.c.role, organizations.c.name)
        .join(accounts, accounts.c.id == access_log.c.viewer_account_id)
        .outerjoin(organizations, organizations.c.id == accounts.c.organization_id)
        .where(access_log.c.id.in_(ids))
    )
    return {
        entry.id: AccessLogRow(entry, Role(role) if role else None, org)
        for entry, role, org in result.tuples()
        if entry.id is not None
    }
