"""What the analytics use cases need from storage, as protocols (persistence implements them).

Kept apart from `domain/ports.py` so the analytics area can grow without touching the
shared port module; the unit of work exposes it as `uow.analytics`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np
import numpy.typing as npt

from domain.analytics_definitions import QuestionnaireDefinition, TestDefinition
from domain.analytics_import_rows import AnswerRow, ChoiceRow, ProfileRow, TrialRow
from domain.analytics_records import (
    AnalyticsImport,
    FlagSubject,
    KnowledgeTest,
    KnowledgeTestItem,
    QualityFlag,
    QualityFlagStatus,
    Questionnaire,
    QuestionnaireItem,
)


@dataclass(frozen=True)
class Counts:
    """What an upsert did: rows created, changed, and found identical."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


@dataclass(frozen=True)
class AnswerMatrix:
    """Every stored response (or attempt) of one instrument, as arrays in id order."""

    ids: npt.NDArray[np.int64]
    participant_ids: npt.NDArray[np.int64]
    seasons: tuple[str, ...]
    answers: npt.NDArray[np.float64]  # NaN = missing
    times: npt.NDArray[np.float64]  # NaN = no time (all NaN when none were given)

    def __len__(self) -> int:
        return len(self.ids)


class AnalyticsRepository(Protocol):
    async def known_seasons(self) -> frozenset[str]: ...

    async def known_regions(self) -> frozenset[str]: ...

    async def known_professions(self) -> frozenset[str]: ...

    async def existing_participants(self, ids: Collection[int]) -> frozenset[int]: ...

    async def questionnaire(
        self, code: str
    ) -> tuple[Questionnaire, list[QuestionnaireItem]] | None: ...

    async def knowledge_test(
        self, code: str
    ) -> tuple[KnowledgeTest, list[KnowledgeTestItem]] | None: ...

    async def save_questionnaire(self, draft: QuestionnaireDefinition, now: datetime) -> Counts: ...

    async def save_test(self, draft: TestDefinition, now: datetime) -> Counts: ...

    async def upsert_responses(
        self, questionnaire_id: int, rows: Sequence[AnswerRow], now: datetime
    ) -> Counts: ...

    async def upsert_attempts(
        self, test_id: int, rows: Sequence[AnswerRow], now: datetime
    ) -> Counts: ...

    async def upsert_trials(self, rows: Sequence[TrialRow], now: datetime) -> Counts: ...

    async def replace_choices(self, rows: Sequence[ChoiceRow], now: datetime) -> Counts: ...

    async def upsert_profiles(self, rows: Sequence[ProfileRow], now: datetime) -> Counts: ...

    def add_import(self, record: AnalyticsImport) -> None: ...

    async def bump_revision(self) -> None:
        """Mark analytics data as changed, so cached index reports are recomputed."""
        ...

    async def answer_matrix(
        self, subject: FlagSubject, instrument_id: int, width: int, season: str | None
    ) -> AnswerMatrix: ...

    async def flags_of(self, subject: FlagSubject, instrument_id: int) -> dict[int, QualityFlag]:
        """Existing flags of one questionnaire's responses (or test's attempts), keyed by
        the response or attempt id."""
        ...

    def add_flag(self, flag: QualityFlag) -> None: ...

    async def flagged_participants(self, test_id: int) -> frozenset[int]:
        """Participants with an uncleared flag (`FLAGGED`, `CONFIRMED`) on an attempt of
        this test: those whose results in the test's event the rating leaves out."""
        ...

    async def existing_events(self, ids: Collection[int]) -> frozenset[int]: ...

    async def delete_flags(self, flag_ids: Collection[int]) -> None: ...

    async def get_flag(self, flag_id: int) -> QualityFlag | None: ...

    async def decide_flag(
        self,
        flag_id: int,
        status: QualityFlagStatus,
        account_id: int | None,
        at: datetime,
        comment: str | None,
    ) -> bool:
        """Move a FLAGGED flag to `status`; False when it was no longer FLAGGED."""
        ...
