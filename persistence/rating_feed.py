"""The per-process feed of rating events for subscriptions.

One reader per board and process: when a batch is committed (a notification, or
the periodic safety poll), it reads the new events once, with what permission
decisions need about their participants (profiles and consents, read now), and
hands the batch to every subscriber of that board on this process. Subscribers
decide per viewer; a consent revoked before the batch was read already applies.
A subscriber that falls too far behind is told so and resumes with `after`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.consents import Consent
from domain.participants import Participant
from domain.ratings import RatingEventKind, Tier
from persistence.pubsub import RATING_CHANNEL, PubSub
from persistence.queries.people import participants_by_ids
from persistence.queries.privacy import consents_of
from persistence.rating_consumer import PURGED
from persistence.tables.ratings import rating_boards, rating_events, stream_positions

log = logging.getLogger("talent.ratings")


@dataclass(frozen=True, slots=True)
class FeedEvent:
    cursor: int
    batch_id: str
    kind: RatingEventKind
    season_code: str
    direction_code: str
    created_at: datetime
    participant_id: int | None = None
    old_points: Decimal | None = None
    new_points: Decimal | None = None
    old_rank: int | None = None
    new_rank: int | None = None
    old_tier: Tier | None = None
    new_tier: Tier | None = None


@dataclass(frozen=True)
class FeedBatch:
    events: tuple[FeedEvent, ...]
    participants: Mapping[int, Participant] = field(default_factory=dict)
    consents: Mapping[int, list[Consent]] = field(default_factory=dict)
    read_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    shared: dict[tuple[object, ...], Any] = field(default_factory=dict, compare=False)
    """What subscribers of one viewer class may share for this batch (their messages'
    root objects): decided once per batch and class, not once per subscriber."""

    @property
    def last(self) -> int:
        return self.events[-1].cursor

    @cached_property
    def groups(self) -> tuple[tuple[FeedEvent, ...], ...]:
        """The events split by rating batch, in cursor order: split once per feed
        batch, not once per subscriber of the fan-out."""
        found: list[list[FeedEvent]] = []
        for event in self.events:
            if not found or found[-1][-1].batch_id != event.batch_id:
                found.append([])
            found[-1].append(event)
        return tuple(tuple(group) for group in found)


class FellBehind(Exception):
    """The subscriber did not keep up; it resumes with `after` its last cursor."""


def _event(row: Any) -> FeedEvent:
    return FeedEvent(
        cursor=int(row.cursor),
        batch_id=row.batch_id,
        kind=RatingEventKind(row.kind),
        season_code=row.season_code,
        direction_code=row.direction_code,
        created_at=row.created_at,
        participant_id=row.participant_id,
        old_points=row.old_points,
        new_points=row.new_points,
        old_rank=row.old_rank,
        new_rank=row.new_rank,
        old_tier=Tier(row.old_tier) if row.old_tier else None,
        new_tier=Tier(row.new_tier) if row.new_tier else None,
    )


async def read_events(
    session: AsyncSession, season: str, direction: str, after: int, limit: int
) -> list[FeedEvent]:
    e = rating_events.c
    stmt = (
        sa.select(rating_events)
        .where(e.season_code == season, e.direction_code == direction, e.cursor > after)
        .order_by(e.cursor)
        .limit(limit)
    )
    return [_event(row) for row in (await session.execute(stmt)).all()]


async def board_head(session: AsyncSession, season: str, direction: str) -> int:
    b = rating_boards.c
    found = await session.scalar(
        sa.select(b.head_cursor).where(b.season_code == season, b.direction_code == direction)
    )
    return int(found or 0)


async def purge_horizon(session: AsyncSession) -> int:
    found = await session.scalar(
        sa.select(stream_positions.c.position).where(stream_positions.c.name == PURGED)
    )
    return int(found or 0)


@dataclass
class _Board:
    last: int | None = None
    queues: set[asyncio.Queue[FeedBatch | Exception]] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class RatingFeed:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        pubsub: PubSub,
        *,
        poll_seconds: float = 5.0,
        max_backlog: int = 1000,
        page: int = 1000,
    ) -> None:
        self._sessions = sessions
        self._pubsub = pubsub
        self._poll = poll_seconds
        self._max_backlog = max_backlog
        self._page = page
        self._boards: dict[tuple[str, str], _Board] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="talent-rating-feed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def read(self, season: str, direction: str, after: int, limit: int) -> FeedBatch | None:
        """Events after a cursor with the facts about their participants, read now."""
        async with self._sessions() as session:
            found = await read_events(session, season, direction, after, limit)
            if not found:
                return None
            ids = sorted({e.participant_id for e in found if e.participant_id is not None})
            people = await participants_by_ids(session, ids) if ids else {}
            consents = await consents_of(session, ids) if ids else {}
        return FeedBatch(tuple(found), people, consents)

    async def head(self, season: str, direction: str) -> int:
        async with self._sessions() as session:
            return await board_head(session, season, direction)

    async def horizon(self) -> int:
        async with self._sessions() as session:
            return await purge_horizon(session)

    @contextlib.asynccontextmanager
    async def live(
        self, season: str, direction: str
    ) -> AsyncIterator[asyncio.Queue[FeedBatch | Exception]]:
        """Batches committed from now on (register first, then catch up from the DB)."""
        key = (season, direction)
        board = self._boards.setdefault(key, _Board())
        queue: asyncio.Queue[FeedBatch | Exception] = asyncio.Queue()
        async with board.lock:
            if board.last is None:
                board.last = await self.head(season, direction)
            board.queues.add(queue)
        try:
            yield queue
        finally:
            board.queues.discard(queue)
            if not board.queues and self._boards.get(key) is board:
                del self._boards[key]

    async def _run(self) -> None:
        async with self._pubsub.listen(RATING_CHANNEL) as notes:
            while True:
                keys: set[tuple[str, str]] = set()
                try:
                    note = await asyncio.wait_for(notes.get(), timeout=self._poll)
                    keys.add(_key(note))
                except TimeoutError:
                    keys.add(("", ""))
                while not notes.empty():
                    keys.add(_key(notes.get_nowait()))
                targets = set(self._boards) if ("", "") in keys else keys & set(self._boards)
                for key in sorted(targets):
                    try:
                        await self._advance(key)
                    except asyncio.CancelledError:
                        raise
                    except Exception:
                        log.exception("rating feed read failed for %s", key)

    async def _advance(self, key: tuple[str, str]) -> None:
        board = self._boards.get(key)
        if board is None:
            return
        async with board.lock:
            while board.queues and board.last is not None:
                batch = await self.read(key[0], key[1], board.last, self._page)
                if batch is None:
                    return
                board.last = batch.last
                for queue in tuple(board.queues):
                    if queue.qsize() >= self._max_backlog:
                        board.queues.discard(queue)
                        queue.put_nowait(FellBehind())
                    else:
                        queue.put_nowait(batch)


def _key(note: str) -> tuple[str, str]:
    season, _, rest = note.partition("|")
    direction = rest.partition("|")[0]
    return (season, direction) if season and direction else ("", "")
