"""`myData`: everything the platform holds about one participant, as one JSON document
(art. 14 of 152-FZ).

Generic on purpose: every table with a `participant_id` column is exported, and
every table whose rows hang off one of those (evidence of an achievement,
contributions of a rating entry), so data a future feature stores is exported
without anyone remembering to add it here. Credentials (password hashes,
refresh tokens, nonces) are not about the person and are left out.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.access_journal import settle_before_reading
from persistence.tables import metadata
from persistence.tables.accounts import accounts
from persistence.tables.people import guardian_links, guardians, participants

SKIPPED_COLUMNS = frozenset(
    {
        "password_hash",
        "token_hash",
        "nonce_hash",
        # Who on the staff acted or read: the policy shows them to staff only
        # (`AccessLogEntry.viewerAccount`); the export says what, when and the role.
        "viewer_account_id",
        "decided_by_account_id",
        "actor_account_id",
        "resolved_by_account_id",
    }
)


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _rows(result: sa.Result[Any]) -> list[dict[str, Any]]:
    return [
        {k: _json(v) for k, v in row.items() if k not in SKIPPED_COLUMNS}
        for row in result.mappings()
    ]


def _owned_tables() -> list[sa.Table]:
    return [
        t for t in metadata.sorted_tables if "participant_id" in t.c and t.name != "participants"
    ]


def _children(owners: list[sa.Table]) -> list[tuple[sa.Table, sa.Column[Any], sa.Table]]:
    """(child table, its foreign key column, the owned table it points at)."""
    found = []
    owner_names = {t.name: t for t in owners}
    for table in metadata.sorted_tables:
        if "participant_id" in table.c:
            continue
        for fk in table.foreign_keys:
            target = owner_names.get(fk.column.table.name)
            if target is not None and fk.column.name == "id":
                found.append((table, fk.parent, target))
    return found


async def export_participant(session: AsyncSession, participant_id: int) -> dict[str, Any]:
    # Reads still in the access-log journal (no participant_id column of their own)
    # are settled into `access_log` first, so the export misses none of them.
    await settle_before_reading(session)
    p = (
        (await session.execute(sa.select(participants).where(participants.c.id == participant_id)))
        .mappings()
        .first()
    )
    if p is None:
        return {}
    document: dict[str, Any] = {
        "participant": {k: _json(v) for k, v in p.items()},
        "account": None,
        "guardians": [],
        "tables": {},
    }
    if p["account_id"] is not None:
        account = (
            (
                await session.execute(
                    sa.select(
                        accounts.c.id,
                        accounts.c.role,
                        accounts.c.email,
                        accounts.c.created_at,
                        accounts.c.is_active,
                        (accounts.c.idp_subject.is_not(None)).label("identity_provider_linked"),
                    ).where(accounts.c.id == p["account_id"])
                )
            )
            .mappings()
            .first()
        )
        document["account"] = {k: _json(v) for k, v in account.items()} if account else None
    named = await session.execute(
        sa.select(
            guardian_links.c.id.label("link_id"),
            guardian_links.c.status,
            guardian_links.c.relation,
            guardians.c.last_name,
            guardians.c.first_name,
            guardians.c.middle_name,
        )
        .join(guardians, guardians.c.id == guardian_links.c.guardian_id)
        .where(guardian_links.c.participant_id == participant_id)
        .order_by(guardian_links.c.id)
    )
    document["guardians"] = _rows(named)
    owners = _owned_tables()
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in owners:
        order = [table.c[k] for k in table.primary_key.columns.keys()]
        result = await session.execute(
            sa.select(table).where(table.c.participant_id == participant_id).order_by(*order)
        )
        tables[table.name] = _rows(result)
    for child, column, owner in _children(owners):
        mine = sa.select(owner.c.id).where(owner.c.participant_id == participant_id)
        order = [child.c[k] for k in child.primary_key.columns.keys()]
        result = await session.execute(sa.select(child).where(column.in_(mine)).order_by(*order))
        tables.setdefault(child.name, []).extend(_rows(result))
    document["tables"] = tables
    return document
