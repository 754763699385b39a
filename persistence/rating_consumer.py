"""The rating engine's outbox consumer: reads `results.applied`,
`achievement.decided`, `consent.changed` and `participant.verified` messages and
applies them to the boards they touch (`domain.services.rating_updates`).

Its place in the outbox is its own `stream_positions` row, so other consumers of
the outbox (and its `published_at`) are untouched. The row is locked for the
transaction that applies the messages and moves the position: messages are
applied exactly once, and two processes never apply the same ones.

PostgreSQL: ids are drawn before commit, so a message can commit after one with
a higher id. The position is therefore a *transaction horizon*: the consumer
takes the messages of transactions below the oldest still running
(`pg_snapshot_xmin`), all of which have ended, and moves the horizon there. A
long-running writer holds the horizon (and so the updates) back until it ends.
SQLite: one writer at a time commits ids in order; the position is the last id.

Also here, on the same schedule: participants whose `PROCESSING` consent expired
(no message marks an expiry) and the retention of rating events.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.consents import ConsentPurpose, ConsentStatus
from domain.services.rating_updates import TOPICS, BoardCache, apply_triggers, triggers_from
from persistence.rating_store import SqlAlchemyRatingStore
from persistence.tables.audit import outbox
from persistence.tables.consents import consents
from persistence.tables.ratings import rating_events, stream_positions

log = logging.getLogger("talent.ratings")

CONSUMER = "rating-engine@outbox"
EXPIRY = "rating-engine@consent-expiry"
PURGED = "rating-events@purged"
_XMIN = "(pg_snapshot_xmin(pg_current_snapshot())::text)::bigint"


@dataclass(frozen=True)
class ConsumeReport:
    messages: int
    boards: int
    changes: int
    oldest: datetime | None = None
    """When the oldest message applied was written: the outbox delay is now − this."""


async def read_position(session: AsyncSession, name: str) -> int | None:
    found = await session.scalar(
        sa.select(stream_positions.c.position).where(stream_positions.c.name == name)
    )
    return None if found is None else int(found)


async def lock_position(session: AsyncSession, name: str, postgres: bool) -> int | None:
    """The position row, locked for this transaction; None if another holds it."""
    insert = (postgresql.insert if postgres else sqlite.insert)(stream_positions)
    await session.execute(
        insert.values(name=name, position=0, updated_at=datetime.now(UTC)).on_conflict_do_nothing(
            index_elements=["name"]
        )
    )
    stmt = sa.select(stream_positions.c.position).where(stream_positions.c.name == name)
    if postgres:
        stmt = stmt.with_for_update(skip_locked=True)
    found = await session.scalar(stmt)
    return None if found is None else int(found)


async def save_position(session: AsyncSession, name: str, position: int) -> None:
    await session.execute(
        sa.update(stream_positions)
        .where(stream_positions.c.name == name)
        .values(position=position, updated_at=datetime.now(UTC))
    )


async def pending(session: AsyncSession, position: int, postgres: bool) -> tuple[bool, bool]:
    """A cheap look (no lock, one statement): whether there is anything for the
    consumer, and whether a round could take it now (PostgreSQL: a message below the
    transaction horizon; SQLite: any)."""
    o = outbox.c
    if not postgres:
        stmt = sa.select(o.id).where(o.topic.in_(TOPICS), o.id > position).limit(1)
        found = (await session.scalar(stmt)) is not None
        return found, found
    waiting = sa.select(o.id).where(o.topic.in_(TOPICS), o.txid >= position)
    takeable = waiting.where(o.txid < sa.text(_XMIN))
    row = (await session.execute(sa.select(waiting.exists(), takeable.exists()))).one()
    return bool(row[0]), bool(row[1])


Message = tuple[str, dict[str, Any], datetime]
"""Topic, payload, created_at."""


async def fetch(
    session: AsyncSession, position: int, postgres: bool, limit: int
) -> tuple[list[Message], int]:
    """Messages after the position, and the position after them."""
    o = outbox.c
    if postgres:
        horizon = int(await session.scalar(sa.text(f"SELECT {_XMIN}")) or position)
        stmt = (
            sa.select(o.id, o.topic, o.payload, o.created_at)
            .where(o.topic.in_(TOPICS), o.txid >= position, o.txid < horizon)
            .order_by(o.txid, o.id)
        )
        rows = (await session.execute(stmt)).all()
        return [(str(r[1]), dict(r[2]), r[3]) for r in rows], max(horizon, position)
    stmt = (
        sa.select(o.id, o.topic, o.payload, o.created_at)
        .where(o.id > position, o.topic.in_(TOPICS))
        .order_by(o.id)
        .limit(limit)
    )
    found = (await session.execute(stmt)).all()
    messages: list[Message] = [(str(r[1]), dict(r[2]), r[3]) for r in found]
    if len(found) < limit:  # we hold the write lock: nothing can be added meanwhile
        last = await session.scalar(sa.select(sa.func.max(o.id)))
        return messages, max(int(last or 0), position)
    return messages, int(found[-1][0])


async def expired_processing(session: AsyncSession, since: datetime, until: datetime) -> set[int]:
    c = consents.c
    stmt = sa.select(c.participant_id).where(
        c.purpose == ConsentPurpose.PROCESSING,
        c.status == ConsentStatus.ACTIVE,
        c.expires_at > since,
        c.expires_at <= until,
    )
    return set((await session.execute(stmt)).scalars())


class RatingConsumer:
    """One round = one transaction: lock the position, read, apply, move, commit."""

    def __init__(
        self,
        stores: Any,
        *,
        cache: BoardCache | None = None,
        limit: int = 5000,
    ) -> None:
        self._stores = stores
        self.cache = cache or BoardCache()
        self._limit = limit

    async def run_once(self, now: datetime | None = None) -> ConsumeReport | None:
        """None when another process holds the position (it is doing the work)."""
        now = now or datetime.now(UTC)
        store: SqlAlchemyRatingStore
        async with self._stores() as store:
            session, postgres = store.session, store.postgres
            position = await lock_position(session, CONSUMER, postgres)
            if position is None:
                return None
            if self.cache.position != position:  # another process moved it meanwhile
                self.cache.drop()
            messages, after = await fetch(session, position, postgres, self._limit)
            triggers = triggers_from((topic, payload) for topic, payload, _ in messages)
            swept = await self._expiry(session, postgres, now)
            triggers.participants |= swept
            if triggers.ignored:
                log.warning("%d rating messages with unusable payloads skipped", triggers.ignored)
            outcomes = await apply_triggers(store, triggers, now, self.cache) if triggers else []
            if after != position:
                await save_position(session, CONSUMER, after)
            await store.commit()
            self.cache.position = after
        oldest = min((m[2] for m in messages), default=None)
        return ConsumeReport(len(messages), len(outcomes), sum(o.changes for o in outcomes), oldest)

    async def _expiry(self, session: AsyncSession, postgres: bool, now: datetime) -> set[int]:
        last = await lock_position(session, EXPIRY, postgres)
        if last is None:
            return set()
        since = datetime.fromtimestamp(last, UTC) if last else now - timedelta(days=1)
        if now - since < timedelta(seconds=30):
            return set()
        found = await expired_processing(session, since, now)
        await save_position(session, EXPIRY, int(now.timestamp()))
        return found


async def purge_rating_events(
    session: AsyncSession, older_than: datetime, postgres: bool
) -> tuple[int, int]:
    """Delete events older than the retention; the horizon is the highest cursor
    deleted, and any `after` below it is answered with CURSOR_EXPIRED."""
    e = rating_events.c
    horizon = await session.scalar(
        sa.select(sa.func.max(e.cursor)).where(e.created_at < older_than)
    )
    if horizon is None:
        return 0, await read_position(session, PURGED) or 0
    result = await session.execute(sa.delete(rating_events).where(e.cursor <= horizon))
    known = await lock_position(session, PURGED, postgres)
    if known is not None and int(horizon) > known:
        await save_position(session, PURGED, int(horizon))
    return int(getattr(result, "rowcount", 0) or 0), int(horizon)
