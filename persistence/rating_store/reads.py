"""What the rating engine reads: events, fields, results, approved achievements,
eligibility, stored entries and contributions. Core queries returning the
engine's plain records; no ORM objects are loaded on these bulk paths."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.achievements import AchievementStatus
from domain.analytics_records import UNCLEARED
from domain.consents import ConsentPurpose
from domain.participants import ParticipantStatus
from domain.rating_engine.inputs import (
    COUNTABLE_EVENT_STATUSES,
    NO_EXCLUSIONS,
    AchievementInput,
    EventInfo,
    Exclusions,
    ResultInput,
)
from domain.rating_engine.items import PricedItem, make_item
from domain.rating_engine.ports import Eligibility, StoredEntry
from domain.rating_engine.pricing import Basis, EventField, EventShown, cents, field_from_counts
from domain.ratings import RatingContribution, Tier
from persistence.queries.consent_sql import in_force_condition
from persistence.rating_store.explanations import decode
from persistence.tables.achievements import achievement_directions, achievements
from persistence.tables.analytics import knowledge_test_attempts, knowledge_tests, quality_flags
from persistence.tables.events import event_directions, events, results
from persistence.tables.people import participants
from persistence.tables.ratings import rating_entries, rating_explanations

CHUNK = 5000
"""Ids per IN list: far below the parameter limits of both databases."""


def chunks(ids: Collection[int]) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def _countable() -> sa.ColumnElement[bool]:
    return events.c.status.in_(sorted(COUNTABLE_EVENT_STATUSES))


async def load_events(
    session: AsyncSession, *, season: str | None, ids: Collection[int] | None
) -> dict[int, EventInfo]:
    if ids is not None and not ids:
        return {}
    parts = chunks(ids) if ids is not None else [None]
    found: dict[int, EventInfo] = {}
    for part in parts:
        stmt = sa.select(
            events.c.id, events.c.level, events.c.season_code, events.c.status, events.c.parent_id
        )
        links = sa.select(
            event_directions.c.event_id,
            event_directions.c.direction_code,
            event_directions.c.relevance,
        ).join(events, events.c.id == event_directions.c.event_id)
        if season is not None:
            stmt = stmt.where(events.c.season_code == season)
            links = links.where(events.c.season_code == season)
        if part is not None:
            stmt = stmt.where(events.c.id.in_(part))
            links = links.where(event_directions.c.event_id.in_(part))
        relevance: dict[int, dict[str, Decimal]] = {}
        for event_id, code, value in (await session.execute(links)).tuples():
            relevance.setdefault(event_id, {})[code] = Decimal(value)
        for row in (await session.execute(stmt)).tuples():
            event_id, level, season_code, status, parent_id = row
            found[event_id] = EventInfo(
                id=event_id,
                level=str(getattr(level, "value", level)),
                season_code=season_code,
                status=str(getattr(status, "value", status)),
                relevance=relevance.get(event_id, {}),
                parent_id=parent_id,
            )
    return found


async def load_fields(
    session: AsyncSession, *, season: str | None, event_ids: Collection[int] | None
) -> dict[int, EventField]:
    """N, the highest place, shared places and (where some result has only a score)
    the score counts of each event: three aggregates, no result rows."""
    if event_ids is not None and not event_ids:
        return {}
    scopes: list[sa.ColumnElement[bool]] = []
    if event_ids is not None:
        scopes = [results.c.event_id.in_(part) for part in chunks(event_ids)]
    else:
        scopes = [
            results.c.event_id.in_(sa.select(events.c.id).where(events.c.season_code == season))
        ]
    counts: dict[int, tuple[int, int | None]] = {}
    ties: dict[int, dict[int, int]] = {}
    scores: dict[int, dict[Decimal, int]] = {}
    for scope in scopes:
        stmt = (
            sa.select(results.c.event_id, sa.func.count(), sa.func.max(results.c.place))
            .where(scope)
            .group_by(results.c.event_id)
        )
        for event_id, count, highest in (await session.execute(stmt)).tuples():
            counts[event_id] = (int(count), highest)
        stmt = (
            sa.select(results.c.event_id, results.c.place, sa.func.count())
            .where(scope, results.c.place.is_not(None))
            .group_by(results.c.event_id, results.c.place)
            .having(sa.func.count() > 1)
        )
        for event_id, place, count in (await session.execute(stmt)).tuples():
            ties.setdefault(event_id, {})[place] = int(count)
        score_only = (
            sa.select(results.c.event_id)
            .where(scope, results.c.place.is_(None), results.c.score.is_not(None))
            .distinct()
        )
        stmt = (
            sa.select(results.c.event_id, results.c.score, sa.func.count())
            .where(results.c.event_id.in_(score_only), results.c.score.is_not(None))
            .group_by(results.c.event_id, results.c.score)
        )
        for event_id, score, count in (await session.execute(stmt)).tuples():
            scores.setdefault(event_id, {})[Decimal(score)] = int(count)
    return {
        event_id: field_from_counts(
            count, highest, ties.get(event_id, {}), scores.get(event_id, {})
        )
        for event_id, (count, highest) in counts.items()
    }


def result_columns() -> list[sa.ColumnElement[Any]]:
    c = results.c
    return [c.id, c.event_id, c.participant_id, c.status, c.place, c.score, c.completion]


def to_result(row: tuple[Any, ...]) -> ResultInput:
    rid, event_id, participant_id, status, place, score, completion = row
    return ResultInput(
        rid,
        event_id,
        participant_id,
        str(getattr(status, "value", status)),
        place,
        None if score is None else Decimal(score),
        None if completion is None else str(getattr(completion, "value", completion)),
    )


def season_results_query(season: str, directions: Collection[str] | None = None) -> sa.Select[Any]:
    stmt = (
        sa.select(*result_columns())
        .join(events, events.c.id == results.c.event_id)
        .where(events.c.season_code == season, _countable())
    )
    if directions is not None:
        linked = sa.select(event_directions.c.event_id).where(
            event_directions.c.direction_code.in_(sorted(directions))
        )
        stmt = stmt.where(results.c.event_id.in_(linked))
    return stmt


async def load_results(
    session: AsyncSession,
    *,
    season: str,
    event_ids: Collection[int] | None,
    participant_ids: Collection[int] | None,
) -> list[ResultInput]:
    found: list[ResultInput] = []
    column, ids = (
        (results.c.event_id, event_ids)
        if event_ids is not None
        else (results.c.participant_id, participant_ids)
    )
    for part in chunks(ids or ()):
        stmt = season_results_query(season).where(column.in_(part))
        found.extend(to_result(row) for row in (await session.execute(stmt)).tuples())
    return found


async def load_achievements(
    session: AsyncSession,
    *,
    season: str,
    participant_ids: Collection[int] | None,
    event_ids: Collection[int] | None,
) -> list[AchievementInput]:
    """Approved achievements of the season: their own season when unlinked, the
    linked event's season otherwise (the engine checks the event's season)."""
    a = achievements.c
    base = (
        sa.select(a.id, a.participant_id, a.level, a.result_status, a.season_code, a.event_id)
        .outerjoin(events, events.c.id == a.event_id)
        .where(
            a.status == AchievementStatus.APPROVED,
            sa.or_(
                sa.and_(a.event_id.is_(None), a.season_code == season),
                events.c.season_code == season,
            ),
        )
    )
    scopes: list[sa.ColumnElement[bool] | None] = [None]
    if participant_ids is not None:
        scopes = [a.participant_id.in_(part) for part in chunks(participant_ids)]
    elif event_ids is not None:
        scopes = [a.event_id.in_(part) for part in chunks(event_ids)]
    rows: list[tuple[Any, ...]] = []
    for scope in scopes:
        stmt = base if scope is None else base.where(scope)
        rows.extend((await session.execute(stmt)).tuples())
    directions: dict[int, list[str]] = {}
    for part in chunks([r[0] for r in rows]):
        links = sa.select(
            achievement_directions.c.achievement_id, achievement_directions.c.direction_code
        ).where(achievement_directions.c.achievement_id.in_(part))
        for link in (await session.execute(links)).tuples():
            directions.setdefault(int(link[0]), []).append(str(link[1]))
    return [
        AchievementInput(
            id=aid,
            participant_id=pid,
            level=str(getattr(level, "value", level)),
            result_status=str(getattr(status, "value", status)),
            season_code=season_code,
            directions=tuple(sorted(directions.get(aid, []))),
            event_id=event_id,
        )
        for aid, pid, level, status, season_code, event_id in rows
    ]


async def load_achievement_boards(
    session: AsyncSession, ids: Collection[int]
) -> dict[int, tuple[int, set[tuple[str, str]]]]:
    """Achievement id → (participant, the boards it can count on): the linked event's
    season and directions, or its own season and approved directions."""
    a = achievements.c
    found: dict[int, tuple[int, set[tuple[str, str]]]] = {}
    for part in chunks(ids):
        linked = (
            sa.select(
                a.id, a.participant_id, events.c.season_code, event_directions.c.direction_code
            )
            .join(events, events.c.id == a.event_id)
            .outerjoin(event_directions, event_directions.c.event_id == a.event_id)
            .where(a.id.in_(part))
        )
        own = (
            sa.select(
                a.id, a.participant_id, a.season_code, achievement_directions.c.direction_code
            )
            .outerjoin(achievement_directions, achievement_directions.c.achievement_id == a.id)
            .where(a.id.in_(part), a.event_id.is_(None))
        )
        for stmt in (linked, own):
            for aid, pid, season, direction in (await session.execute(stmt)).tuples():
                boards = found.setdefault(aid, (pid, set()))[1]
                if direction is not None:
                    boards.add((season, direction))
    return found


async def load_eligibility(
    session: AsyncSession, participant_ids: Collection[int] | None, now: datetime
) -> dict[int, Eligibility]:
    """`PROCESSING` in force (the consent rules of `domain.consent_rules`, as SQL)."""
    p = participants.c
    base = sa.select(p.id, p.status).where(
        in_force_condition(ConsentPurpose.PROCESSING, now),
        p.erased_at.is_(None),
    )
    scopes = [None] if participant_ids is None else [p.id.in_(x) for x in chunks(participant_ids)]
    found: dict[int, Eligibility] = {}
    for scope in scopes:
        stmt = base if scope is None else base.where(scope)
        for pid, status in (await session.execute(stmt)).tuples():
            found[pid] = Eligibility(
                verified=str(getattr(status, "value", status)) == ParticipantStatus.VERIFIED.value
            )
    return found


def _entry(row: tuple[Any, ...]) -> StoredEntry:
    pid, points, ranked, rank, tier, digest = row
    return StoredEntry(
        pid, cents(Decimal(points)), bool(ranked), rank, Tier(getattr(tier, "value", tier)), digest
    )


def _entry_columns() -> list[sa.ColumnElement[Any]]:
    e = rating_entries.c
    return [e.participant_id, e.points, e.ranked, e.rank, e.tier, e.contributions_digest]


async def load_entries(
    session: AsyncSession, season: str, direction: str, participant_ids: Collection[int] | None
) -> dict[int, StoredEntry]:
    e = rating_entries.c
    base = sa.select(*_entry_columns()).where(
        e.season_code == season, e.direction_code == direction
    )
    if participant_ids is None:
        return {row[0]: _entry(row) for row in (await session.execute(base)).tuples()}
    found: dict[int, StoredEntry] = {}
    for part in chunks(participant_ids):
        rows = (await session.execute(base.where(e.participant_id.in_(part)))).tuples()
        found.update((row[0], _entry(row)) for row in rows)
    return found


async def load_ranked_scores(session: AsyncSession, season: str, direction: str) -> dict[int, int]:
    e = rating_entries.c
    stmt = sa.select(e.participant_id, e.points).where(
        e.season_code == season, e.direction_code == direction, e.ranked.is_(True)
    )
    return {pid: cents(Decimal(points)) for pid, points in (await session.execute(stmt)).tuples()}


async def load_stored_items(
    session: AsyncSession, season: str, direction: str, participant_ids: Collection[int]
) -> dict[int, list[PricedItem]]:
    """The items stored with the entries (as priced when they were written), rebuilt;
    each item's series comes from its event now (a stage may have been re-parented)."""
    x, e = rating_explanations.c, rating_entries.c
    stored: list[tuple[int, list[RatingContribution]]] = []
    for part in chunks(participant_ids):
        stmt = (
            sa.select(e.participant_id, e.id, x["items"])
            .join(rating_explanations, x.entry_id == e.id)
            .where(
                e.season_code == season, e.direction_code == direction, e.participant_id.in_(part)
            )
        )
        for pid, entry_id, text in (await session.execute(stmt)).tuples():
            stored.append((pid, decode(entry_id, text)))
    event_ids = {c.event_id for _, rows in stored for c in rows if c.event_id is not None}
    parents: dict[int, int | None] = {}
    for part in chunks(event_ids):
        query = sa.select(events.c.id, events.c.parent_id).where(events.c.id.in_(part))
        for event_id, parent_id in (await session.execute(query)).tuples():
            parents[event_id] = parent_id
    found: dict[int, list[PricedItem]] = {}
    events_shown: dict[tuple[Any, ...], EventShown] = {}
    for pid, contributions in stored:
        items = found.setdefault(pid, [])
        for one in contributions:
            series = None if one.event_id is None else parents.get(one.event_id) or one.event_id
            items.append(_stored_item(pid, series, one, events_shown))
    return found


def _stored_item(
    participant_id: int,
    series_id: int | None,
    row: RatingContribution,
    shown: dict[tuple[Any, ...], EventShown],
) -> PricedItem:
    key = (row.level, row.field_size or 0, row.level_weight, row.field_factor, row.relevance)
    event = shown.get(key)
    if event is None:
        event = shown[key] = EventShown(
            row.level, row.field_size or 0, row.level_weight, row.field_factor, row.relevance
        )
    return make_item(
        participant_id=participant_id,
        result_id=row.result_id,
        achievement_id=row.achievement_id,
        event_id=row.event_id,
        series_id=series_id,
        place=row.place,
        ties=row.ties,
        status=row.status,
        completion=row.completion,
        basis=Basis(row.basis or Basis.STATUS),
        factor=int(row.result_factor.scaleb(4)),
        cents_value=cents(row.points),
        shown=event,
    )


async def load_exclusions(session: AsyncSession, season: str) -> Exclusions:
    """The season's results (and achievements linked to their event) of participants
    whose attempt at the event's knowledge test has an uncleared quality flag."""
    k, at, f = knowledge_tests.c, knowledge_test_attempts.c, quality_flags.c
    flagged = (
        sa.select(k.event_id, at.participant_id)
        .join(knowledge_test_attempts, at.test_id == k.id)
        .join(quality_flags, f.attempt_id == at.id)
        .join(events, events.c.id == k.event_id)
        .where(events.c.season_code == season, f.status.in_(UNCLEARED))
        .distinct()
        .subquery()
    )
    r, a = results.c, achievements.c
    result_ids = await session.scalars(
        sa.select(r.id).join(
            flagged,
            sa.and_(flagged.c.event_id == r.event_id, flagged.c.participant_id == r.participant_id),
        )
    )
    achievement_ids = await session.scalars(
        sa.select(a.id).join(
            flagged,
            sa.and_(flagged.c.event_id == a.event_id, flagged.c.participant_id == a.participant_id),
        )
    )
    found = Exclusions(frozenset(result_ids), frozenset(achievement_ids))
    return found if found.result_ids or found.achievement_ids else NO_EXCLUSIONS


async def load_event_participants(session: AsyncSession, event_ids: Collection[int]) -> set[int]:
    """Participants with a result in these events or an achievement linked to them."""
    found: set[int] = set()
    for part in chunks(sorted(event_ids)):
        for stmt in (
            sa.select(results.c.participant_id).where(results.c.event_id.in_(part)),
            sa.select(achievements.c.participant_id).where(achievements.c.event_id.in_(part)),
        ):
            found.update(await session.scalars(stmt.distinct()))
    return found


async def load_participant_boards(
    session: AsyncSession, participant_ids: Collection[int], seasons: Collection[str]
) -> dict[int, set[tuple[str, str]]]:
    """Each participant's boards among these seasons: those of its results, approved
    achievements and existing entries (a change of its eligibility touches only
    these). Four statements per chunk of participants, not per participant."""
    a, r, e = achievements.c, results.c, rating_entries.c
    found: dict[int, set[tuple[str, str]]] = {}
    for part in chunks(participant_ids):
        queries = [
            sa.select(r.participant_id, events.c.season_code, event_directions.c.direction_code)
            .select_from(results)
            .join(events, events.c.id == r.event_id)
            .join(event_directions, event_directions.c.event_id == r.event_id)
            .where(r.participant_id.in_(part)),
            sa.select(a.participant_id, events.c.season_code, event_directions.c.direction_code)
            .select_from(achievements)
            .join(events, events.c.id == a.event_id)
            .join(event_directions, event_directions.c.event_id == a.event_id)
            .where(a.participant_id.in_(part), a.status == AchievementStatus.APPROVED),
            sa.select(a.participant_id, a.season_code, achievement_directions.c.direction_code)
            .join(achievement_directions, achievement_directions.c.achievement_id == a.id)
            .where(
                a.participant_id.in_(part),
                a.status == AchievementStatus.APPROVED,
                a.event_id.is_(None),
            ),
            sa.select(e.participant_id, e.season_code, e.direction_code).where(
                e.participant_id.in_(part)
            ),
        ]
        for stmt in queries:
            for pid, season, direction in (await session.execute(stmt.distinct())).tuples():
                if season in seasons:
                    found.setdefault(int(pid), set()).add((season, direction))
    return found
