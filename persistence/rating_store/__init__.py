"""`RatingStore` on SQLAlchemy: one session, one transaction, rolled back unless
committed. PostgreSQL streams the season's results through a server-side cursor
and writes in bulk with COPY; SQLite takes its one write lock first, so readers
of the board inside the transaction see what the previous writer committed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from datetime import datetime
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.rating_engine.entry_columns import EntryColumns
from domain.rating_engine.inputs import (
    AchievementInput,
    EventInfo,
    Exclusions,
    ResultInput,
)
from domain.rating_engine.items import PricedItem
from domain.rating_engine.ports import (
    BoardState,
    BoardWrite,
    Eligibility,
    StoredEntry,
    WriteOutcome,
)
from domain.rating_engine.pricing import EventField
from domain.rating_engine.result_columns import ResultColumns
from domain.rating_engine.rules import RatingRulesDoc, parse_rules
from domain.ratings import Diploma
from persistence.rating_store import diplomas as diploma_writes
from persistence.rating_store import reads
from persistence.rating_store.entry_columns import read_entry_columns
from persistence.rating_store.result_columns import read_result_columns
from persistence.rating_store.writes import (
    analyze_entries,
    board_values,
    bulk_written,
    write_board,
)
from persistence.tables.ratings import rating_boards, rating_rules, stream_positions
from persistence.tables.reference import directions, seasons

Published = Callable[[WriteOutcome], Awaitable[None]]
"""Called after commit for every board written (the in-process pub/sub on SQLite)."""

_LOCK_ROW = "rating-writer"


class SqlAlchemyRatingStore:
    session: AsyncSession

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        on_commit: Published | None = None,
    ) -> None:
        self._sessions = sessions
        self._on_commit = on_commit
        self._written: list[WriteOutcome] = []
        self._analyze = False
        self._rules: dict[int | None, RatingRulesDoc] = {}

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        self.postgres = (
            self.session.bind is not None and self.session.bind.dialect.name == "postgresql"
        )
        if not self.postgres:
            await self._sqlite_write_lock()
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

    async def _sqlite_write_lock(self) -> None:
        """SQLite has one writer: take the write lock as the very first statement,
        so no snapshot read earlier in the transaction can go stale."""
        stmt = sqlite.insert(stream_positions).values(
            name=_LOCK_ROW, position=0, updated_at=sa.func.current_timestamp()
        )
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["name"], set_={"position": stream_positions.c.position + 1}
            )
        )

    async def commit(self) -> None:
        if self._analyze:
            await analyze_entries(self.session)
            self._analyze = False
        await self.session.commit()
        written, self._written = self._written, []
        if self._on_commit is not None:
            for outcome in written:
                if outcome.head_cursor is not None:
                    await self._on_commit(outcome)

    async def lock_board(self, season: str, direction: str, rules_version: int) -> BoardState:
        values = board_values(season, direction, rules_version)
        insert = (postgresql.insert if self.postgres else sqlite.insert)(rating_boards)
        created = await self.session.scalar(
            insert.values(**values)
            .on_conflict_do_nothing(index_elements=["season_code", "direction_code"])
            .returning(rating_boards.c.season_code)
        )
        b = rating_boards.c
        stmt = sa.select(rating_boards).where(
            b.season_code == season, b.direction_code == direction
        )
        if self.postgres:
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).one()
        return BoardState(
            season_code=season,
            direction_code=direction,
            rules_version=row.rules_version,
            version=int(row.version),
            ranked_count=row.ranked_count,
            entry_count=row.entry_count,
            head_cursor=row.head_cursor,
            frozen=row.frozen_at is not None,
            is_new=created is not None or row.computed_at is None,
        )

    async def rules(self, version: int | None = None) -> RatingRulesDoc:
        if version not in self._rules:
            stmt = sa.select(rating_rules.c.version, rating_rules.c.document)
            stmt = (
                stmt.where(rating_rules.c.version == version)
                if version is not None
                else stmt.order_by(rating_rules.c.version.desc()).limit(1)
            )
            found = (await self.session.execute(stmt)).first()
            if found is None:
                raise LookupError(f"no rating rules version {version}")
            self._rules[version] = parse_rules(found.document, version=found.version)
        return self._rules[version]

    async def exclusions(self, season: str) -> Exclusions:
        """Results and linked achievements whose test attempt has an uncleared quality
        flag (`domain.quality_exclusions`)."""
        return await reads.load_exclusions(self.session, season)

    async def open_seasons(self) -> list[str]:
        stmt = sa.select(seasons.c.code).where(seasons.c.closed_at.is_(None))
        return list((await self.session.execute(stmt)).scalars())

    async def direction_codes(self) -> list[str]:
        stmt = sa.select(directions.c.code).order_by(directions.c.code)
        return list((await self.session.execute(stmt)).scalars())

    async def events(
        self, *, season: str | None = None, ids: Collection[int] | None = None
    ) -> dict[int, EventInfo]:
        return await reads.load_events(self.session, season=season, ids=ids)

    async def fields(
        self, *, season: str | None = None, event_ids: Collection[int] | None = None
    ) -> dict[int, EventField]:
        return await reads.load_fields(self.session, season=season, event_ids=event_ids)

    async def season_result_columns(
        self, season: str, directions: Collection[str]
    ) -> ResultColumns:
        return await read_result_columns(self.session, season, directions, postgres=self.postgres)

    async def results(
        self,
        *,
        season: str,
        event_ids: Collection[int] | None = None,
        participant_ids: Collection[int] | None = None,
    ) -> list[ResultInput]:
        return await reads.load_results(
            self.session, season=season, event_ids=event_ids, participant_ids=participant_ids
        )

    async def achievements(
        self,
        *,
        season: str,
        participant_ids: Collection[int] | None = None,
        event_ids: Collection[int] | None = None,
    ) -> list[AchievementInput]:
        return await reads.load_achievements(
            self.session, season=season, participant_ids=participant_ids, event_ids=event_ids
        )

    async def achievement_boards(
        self, ids: Collection[int]
    ) -> dict[int, tuple[int, set[tuple[str, str]]]]:
        return await reads.load_achievement_boards(self.session, ids)

    async def participant_boards(
        self, participant_ids: Collection[int], seasons: Collection[str]
    ) -> dict[int, set[tuple[str, str]]]:
        return await reads.load_participant_boards(self.session, participant_ids, seasons)

    async def event_participants(self, event_ids: Collection[int]) -> set[int]:
        return await reads.load_event_participants(self.session, event_ids)

    async def eligibility(
        self, participant_ids: Collection[int] | None, now: datetime
    ) -> dict[int, Eligibility]:
        return await reads.load_eligibility(self.session, participant_ids, now)

    async def board_entry_columns(self, season: str, direction: str) -> EntryColumns:
        return await read_entry_columns(self.session, season, direction, postgres=self.postgres)

    async def entries(
        self, season: str, direction: str, participant_ids: Collection[int]
    ) -> dict[int, StoredEntry]:
        return await reads.load_entries(self.session, season, direction, participant_ids)

    async def ranked_scores(self, season: str, direction: str) -> dict[int, int]:
        return await reads.load_ranked_scores(self.session, season, direction)

    async def stored_items(
        self, season: str, direction: str, participant_ids: Collection[int]
    ) -> dict[int, list[PricedItem]]:
        return await reads.load_stored_items(self.session, season, direction, participant_ids)

    async def write(self, change: BoardWrite) -> WriteOutcome:
        outcome = await write_board(self.session, change, postgres=self.postgres)
        self._analyze = self._analyze or bulk_written(change, postgres=self.postgres)
        self._written.append(outcome)
        return outcome

    async def freeze_season(self, season: str, now: datetime) -> list[BoardState]:
        b = rating_boards.c
        await self.session.execute(
            sa.update(rating_boards)
            .where(b.season_code == season)
            .values(frozen_at=now, version=b.version + 1)  # cached pages show `frozen`
        )
        await self.session.execute(
            sa.update(seasons).where(seasons.c.code == season).values(closed_at=now)
        )
        rows = (
            await self.session.execute(sa.select(rating_boards).where(b.season_code == season))
        ).all()
        return [
            BoardState(
                r.season_code,
                r.direction_code,
                r.rules_version,
                int(r.version),
                r.ranked_count,
                r.entry_count,
                r.head_cursor,
                frozen=True,
            )
            for r in rows
        ]

    async def issue_diplomas(self, season: str, now: datetime) -> int:
        return await diploma_writes.issue_diplomas(self.session, season, now)

    async def diploma(self, number: str) -> Diploma | None:
        return await diploma_writes.diploma_by_number(self.session, number)

    async def revoke_diploma(
        self, number: str, account_id: int, reason: str, now: datetime
    ) -> Diploma | None:
        return await diploma_writes.revoke(self.session, number, account_id, reason, now)

    async def latest_rules_version(self) -> int:
        return await diploma_writes.latest_rules_version(self.session)

    async def publish_rules(
        self, document: dict[str, Any], account_id: int | None, now: datetime
    ) -> None:
        await diploma_writes.insert_rules(self.session, document, account_id, now)
        self._rules.clear()


def rating_stores(
    sessions: async_sessionmaker[AsyncSession], on_commit: Published | None = None
) -> Callable[[], SqlAlchemyRatingStore]:
    return lambda: SqlAlchemyRatingStore(sessions, on_commit=on_commit)
