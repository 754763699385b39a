"""SQLAlchemy implementation of `domain.analytics_ports.AnalyticsRepository`.

Imports can hold hundreds of thousands of rows, so the upserts work in bulk: existing
rows are read in chunks of ids, compared in Python, and the differences written with
multi-row INSERT and executemany UPDATE. Identical rows are left untouched, which is
what makes a re-import change nothing. A response or attempt whose answers change
loses its quality flag: the moderator's decision was about other answers.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics_definitions import QuestionnaireDefinition, TestDefinition
from domain.analytics_import_rows import AnswerRow, ChoiceRow, ProfileRow, TrialRow
from domain.analytics_ports import AnswerMatrix, Counts
from domain.analytics_records import (
    UNCLEARED,
    AnalyticsImport,
    FlagSubject,
    KnowledgeTest,
    KnowledgeTestItem,
    QualityFlag,
    QualityFlagStatus,
    Questionnaire,
    QuestionnaireItem,
)
from domain.errors import Conflict
from persistence import analytics_matrix
from persistence import analytics_upserts as upserts
from persistence.tables import analytics as t
from persistence.tables.events import events
from persistence.tables.people import participants
from persistence.tables.reference import professions, regions, seasons

CHUNK = 1000


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _plain(values: Sequence[float | None] | None) -> list[float | int | None] | None:
    """JSON form of answers or times: whole numbers as ints, so equal lists compare equal."""
    if values is None:
        return None
    return [None if v is None else int(v) if float(v).is_integer() else float(v) for v in values]


class SqlAlchemyAnalyticsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _codes(self, column: sa.Column[Any]) -> frozenset[str]:
        return frozenset(await self.session.scalars(sa.select(column)))

    async def known_seasons(self) -> frozenset[str]:
        return await self._codes(seasons.c.code)

    async def known_regions(self) -> frozenset[str]:
        return await self._codes(regions.c.code)

    async def known_professions(self) -> frozenset[str]:
        return await self._codes(professions.c.code)

    async def existing_events(self, ids: Collection[int]) -> frozenset[int]:
        return await self._existing(events.c.id, ids)

    async def flagged_participants(self, test_id: int) -> frozenset[int]:
        f, a = t.quality_flags, t.knowledge_test_attempts
        stmt = (
            sa.select(f.c.participant_id)
            .join(a, a.c.id == f.c.attempt_id)
            .where(a.c.test_id == test_id, f.c.status.in_(UNCLEARED))
            .distinct()
        )
        return frozenset(await self.session.scalars(stmt))

    async def existing_participants(self, ids: Collection[int]) -> frozenset[int]:
        return await self._existing(participants.c.id, ids)

    async def _existing(self, key: sa.Column[Any], ids: Collection[int]) -> frozenset[int]:
        found: set[int] = set()
        for part in chunks(sorted(ids)):
            found.update(await self.session.scalars(sa.select(key).where(key.in_(part))))
        return frozenset(found)

    async def questionnaire(
        self, code: str
    ) -> tuple[Questionnaire, list[QuestionnaireItem]] | None:
        found = (
            await self.session.scalars(
                sa.select(Questionnaire).where(t.questionnaires.c.code == code)
            )
        ).first()
        if found is None:
            return None
        items = await self.session.scalars(
            sa.select(QuestionnaireItem)
            .where(t.questionnaire_items.c.questionnaire_id == found.id)
            .order_by(t.questionnaire_items.c.position)
        )
        return found, list(items)

    async def knowledge_test(
        self, code: str
    ) -> tuple[KnowledgeTest, list[KnowledgeTestItem]] | None:
        found = (
            await self.session.scalars(
                sa.select(KnowledgeTest).where(t.knowledge_tests.c.code == code)
            )
        ).first()
        if found is None:
            return None
        items = await self.session.scalars(
            sa.select(KnowledgeTestItem)
            .where(t.knowledge_test_items.c.test_id == found.id)
            .order_by(t.knowledge_test_items.c.position)
        )
        return found, list(items)

    async def _has_answers(self, table: sa.Table, column: str, instrument_id: int) -> bool:
        found = await self.session.scalar(
            sa.select(table.c.id).where(table.c[column] == instrument_id).limit(1)
        )
        return found is not None

    async def save_questionnaire(self, draft: QuestionnaireDefinition, now: datetime) -> Counts:
        items = [
            {"position": i + 1, "code": d.code, "scale": d.scale, "reverse_keyed": d.reverse_keyed}
            for i, d in enumerate(draft.items)
        ]
        head = {"title": draft.title, "scale_min": draft.scale_min, "scale_max": draft.scale_max}
        return await self._save_definition(
            t.questionnaires,
            t.questionnaire_items,
            "questionnaire_id",
            draft.code,
            head,
            items,
            now,
            t.questionnaire_responses,
        )

    async def save_test(self, draft: TestDefinition, now: datetime) -> Counts:
        items = [
            {
                "position": i + 1,
                "code": d.code,
                "correct_option": d.correct_option,
                "option_count": d.option_count,
                "discrimination": d.a,
                "difficulty": d.b,
                "guessing": d.c,
            }
            for i, d in enumerate(draft.items)
        ]
        return await self._save_definition(
            t.knowledge_tests,
            t.knowledge_test_items,
            "test_id",
            draft.code,
            {"title": draft.title, "event_id": draft.event_id},
            items,
            now,
            t.knowledge_test_attempts,
        )

    async def _save_definition(
        self,
        table: sa.Table,
        item_table: sa.Table,
        fk: str,
        code: str,
        head: dict[str, Any],
        items: list[dict[str, Any]],
        now: datetime,
        answers: sa.Table,
    ) -> Counts:
        """Create, or update when different; items stay fixed once answers exist."""
        row = (await self.session.execute(sa.select(table).where(table.c.code == code))).first()
        if row is None:
            new_id = await self.session.scalar(
                sa.insert(table).values(code=code, created_at=now, **head).returning(table.c.id)
            )
            await self.session.execute(sa.insert(item_table), [{fk: new_id, **i} for i in items])
            return Counts(created=1)
        current = row._mapping
        stored = [
            {k: v for k, v in r._mapping.items() if k != fk}
            for r in await self.session.execute(
                sa.select(item_table)
                .where(item_table.c[fk] == current["id"])
                .order_by(item_table.c.position)
            )
        ]
        same_head = all(current[k] == v for k, v in head.items())
        if stored == items and same_head:
            return Counts(unchanged=1)
        if stored != items:
            if await self._has_answers(answers, fk, current["id"]):
                raise Conflict(
                    f"{code!r} already has answers: its items cannot change. "
                    "Import the new version under a new code.",
                    field="content",
                )
            await self.session.execute(
                sa.delete(item_table).where(item_table.c[fk] == current["id"])
            )
            await self.session.execute(
                sa.insert(item_table), [{fk: current["id"], **i} for i in items]
            )
        await self.session.execute(
            sa.update(table).where(table.c.id == current["id"]).values(**head)
        )
        return Counts(updated=1)

    async def upsert_responses(
        self, questionnaire_id: int, rows: Sequence[AnswerRow], now: datetime
    ) -> Counts:
        return await self._upsert_answers(
            t.questionnaire_responses,
            "questionnaire_id",
            questionnaire_id,
            rows,
            now,
            "response_id",
        )

    async def upsert_attempts(
        self, test_id: int, rows: Sequence[AnswerRow], now: datetime
    ) -> Counts:
        return await self._upsert_answers(
            t.knowledge_test_attempts, "test_id", test_id, rows, now, "attempt_id"
        )

    async def _upsert_answers(
        self,
        table: sa.Table,
        fk: str,
        instrument_id: int,
        rows: Sequence[AnswerRow],
        now: datetime,
        flag_column: str,
    ) -> Counts:
        existing: dict[tuple[int, str], tuple[int, Any, Any]] = {}
        for part in chunks(sorted({r.participant_id for r in rows})):
            result = await self.session.execute(
                sa.select(
                    table.c.id,
                    table.c.participant_id,
                    table.c.season_code,
                    table.c.answers,
                    table.c.times,
                ).where(table.c[fk] == instrument_id, table.c.participant_id.in_(part))
            )
            for rid, pid, season, answers, times in result:
                existing[(pid, season)] = (rid, answers, times)
        inserts, updates = [], []
        unchanged = 0
        for r in rows:
            answers, times = _plain(r.answers), _plain(r.times)
            found = existing.get((r.participant_id, r.season))
            if found is None:
                inserts.append(
                    {
                        fk: instrument_id,
                        "participant_id": r.participant_id,
                        "season_code": r.season,
                        "answers": answers,
                        "times": times,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            elif (found[1], found[2]) == (answers, times):
                unchanged += 1
            else:
                updates.append({"rid": found[0], "answers": answers, "times": times, "now": now})
        for part in chunks(inserts):
            await self.session.execute(sa.insert(table), list(part))
        if updates:
            await self.session.execute(
                sa.update(table)
                .where(table.c.id == sa.bindparam("rid"))
                .values(
                    answers=sa.bindparam("answers"),
                    times=sa.bindparam("times"),
                    updated_at=sa.bindparam("now"),
                ),
                updates,
            )
            for part in chunks([u["rid"] for u in updates]):
                await self.session.execute(
                    sa.delete(t.quality_flags).where(t.quality_flags.c[flag_column].in_(part))
                )
        return Counts(len(inserts), len(updates), unchanged)

    async def upsert_trials(self, rows: Sequence[TrialRow], now: datetime) -> Counts:
        return await upserts.upsert_trials(self.session, rows, now)

    async def replace_choices(self, rows: Sequence[ChoiceRow], now: datetime) -> Counts:
        return await upserts.replace_choices(self.session, rows, now)

    async def upsert_profiles(self, rows: Sequence[ProfileRow], now: datetime) -> Counts:
        return await upserts.upsert_profiles(self.session, rows, now)

    def add_import(self, record: AnalyticsImport) -> None:
        self.session.add(record)

    async def bump_revision(self) -> None:
        await analytics_matrix.bump_revision(self.session)

    async def answer_matrix(
        self, subject: FlagSubject, instrument_id: int, width: int, season: str | None
    ) -> AnswerMatrix:
        return await analytics_matrix.answer_matrix(
            self.session, subject, instrument_id, width, season
        )

    async def flags_of(self, subject: FlagSubject, instrument_id: int) -> dict[int, QualityFlag]:
        flags = t.quality_flags
        if subject is FlagSubject.QUESTIONNAIRE_RESPONSE:
            table, key, fk = t.questionnaire_responses, flags.c.response_id, "questionnaire_id"
        else:
            table, key, fk = t.knowledge_test_attempts, flags.c.attempt_id, "test_id"
        rows = await self.session.scalars(
            sa.select(QualityFlag)
            .join(table, table.c.id == key)
            .where(table.c[fk] == instrument_id)
        )
        found: dict[int, QualityFlag] = {}
        for flag in rows:
            subject_id = flag.response_id if flag.response_id is not None else flag.attempt_id
            assert subject_id is not None
            found[subject_id] = flag
        return found

    def add_flag(self, flag: QualityFlag) -> None:
        self.session.add(flag)

    async def delete_flags(self, flag_ids: Collection[int]) -> None:
        for part in chunks(sorted(flag_ids)):
            await self.session.execute(
                sa.delete(t.quality_flags).where(t.quality_flags.c.id.in_(part))
            )

    async def get_flag(self, flag_id: int) -> QualityFlag | None:
        return await self.session.get(QualityFlag, flag_id)

    async def decide_flag(
        self,
        flag_id: int,
        status: QualityFlagStatus,
        account_id: int | None,
        at: datetime,
        comment: str | None,
    ) -> bool:
        """A conditional UPDATE: of two moderators deciding at once, exactly one wins."""
        result = await self.session.execute(
            sa.update(t.quality_flags)
            .where(
                t.quality_flags.c.id == flag_id,
                t.quality_flags.c.status == QualityFlagStatus.FLAGGED,
            )
            .values(status=status, decided_by_account_id=account_id, decided_at=at, comment=comment)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1
