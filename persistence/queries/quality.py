"""Read paths for quality flags (moderators' review list) and instrument definitions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics_records import (
    FlagSubject,
    KnowledgeTest,
    KnowledgeTestItem,
    QualityFlag,
    QualityFlagStatus,
    Questionnaire,
    QuestionnaireItem,
)
from persistence.queries.pages import Page, PageRequest, encode_cursor
from persistence.tables import analytics as t


@dataclass(frozen=True)
class FlagView:
    """A flag with what a moderator needs beside it: the instrument and the answers."""

    flag: QualityFlag
    instrument_code: str
    answers: list[Any]
    times: list[Any] | None


@dataclass(frozen=True)
class FlagFilter:
    status: QualityFlagStatus | None = QualityFlagStatus.FLAGGED
    season: str | None = None
    subject: FlagSubject | None = None
    instrument_code: str | None = None
    participant_id: int | None = None


def _select() -> Any:
    f, r, a = t.quality_flags, t.questionnaire_responses, t.knowledge_test_attempts
    q, k = t.questionnaires, t.knowledge_tests
    return (
        sa.select(
            QualityFlag,
            sa.func.coalesce(q.c.code, k.c.code).label("code"),
            sa.func.coalesce(r.c.answers, a.c.answers).label("answers"),
            sa.func.coalesce(r.c.times, a.c.times).label("times"),
        )
        .select_from(f)
        .outerjoin(r, r.c.id == f.c.response_id)
        .outerjoin(q, q.c.id == r.c.questionnaire_id)
        .outerjoin(a, a.c.id == f.c.attempt_id)
        .outerjoin(k, k.c.id == a.c.test_id)
    )


def _conditions(flt: FlagFilter) -> list[sa.ColumnElement[bool]]:
    f = t.quality_flags
    conditions: list[sa.ColumnElement[bool]] = []
    if flt.status is not None:
        conditions.append(f.c.status == flt.status)
    if flt.season is not None:
        conditions.append(f.c.season_code == flt.season)
    if flt.subject is not None:
        conditions.append(f.c.subject == flt.subject)
    if flt.participant_id is not None:
        conditions.append(f.c.participant_id == flt.participant_id)
    if flt.instrument_code is not None:
        conditions.append(
            sa.or_(
                t.questionnaires.c.code == flt.instrument_code,
                t.knowledge_tests.c.code == flt.instrument_code,
            )
        )
    return conditions


def _views(rows: Sequence[Any]) -> list[FlagView]:
    return [FlagView(flag, code, answers, times) for flag, code, answers, times in rows]


async def list_flags(session: AsyncSession, flt: FlagFilter, page: PageRequest) -> Page[FlagView]:
    """Oldest first by id; the cursor is the id."""
    f = t.quality_flags
    conditions = _conditions(flt)
    stmt = _select().where(*conditions)
    if page.after is not None:
        stmt = stmt.where(f.c.id > int(page.after[0]))
    rows = (await session.execute(stmt.order_by(f.c.id).limit(page.first + 1))).all()
    counted = _select().where(*conditions).with_only_columns(sa.func.count(f.c.id))
    total = await session.scalar(counted)
    items = _views(rows[: page.first])
    return Page(
        items=items,
        cursors=[encode_cursor([v.flag.id]) for v in items],
        has_next_page=len(rows) > page.first,
        has_previous_page=page.after is not None,
        total_count=int(total or 0),
    )


async def flags_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, FlagView]:
    rows = (await session.execute(_select().where(t.quality_flags.c.id.in_(ids)))).all()
    return {v.flag.id: v for v in _views(rows) if v.flag.id is not None}


async def flags_of_participants(
    session: AsyncSession, participant_ids: Sequence[int]
) -> dict[int, list[FlagView]]:
    rows = (
        await session.execute(
            _select()
            .where(t.quality_flags.c.participant_id.in_(participant_ids))
            .order_by(t.quality_flags.c.id)
        )
    ).all()
    found: dict[int, list[FlagView]] = {pid: [] for pid in participant_ids}
    for view in _views(rows):
        found.setdefault(view.flag.participant_id, []).append(view)
    return found


async def questionnaires(
    session: AsyncSession,
) -> list[tuple[Questionnaire, list[QuestionnaireItem]]]:
    heads = list(await session.scalars(sa.select(Questionnaire).order_by(t.questionnaires.c.code)))
    items = await session.scalars(
        sa.select(QuestionnaireItem).order_by(
            t.questionnaire_items.c.questionnaire_id, t.questionnaire_items.c.position
        )
    )
    by_head: dict[int, list[QuestionnaireItem]] = {}
    for item in items:
        by_head.setdefault(item.questionnaire_id, []).append(item)
    return [(h, by_head.get(h.id or 0, [])) for h in heads]


async def knowledge_tests(
    session: AsyncSession,
) -> list[tuple[KnowledgeTest, list[KnowledgeTestItem]]]:
    heads = list(await session.scalars(sa.select(KnowledgeTest).order_by(t.knowledge_tests.c.code)))
    items = await session.scalars(
        sa.select(KnowledgeTestItem).order_by(
            t.knowledge_test_items.c.test_id, t.knowledge_test_items.c.position
        )
    )
    by_head: dict[int, list[KnowledgeTestItem]] = {}
    for item in items:
        by_head.setdefault(item.test_id, []).append(item)
    return [(h, by_head.get(h.id or 0, [])) for h in heads]
