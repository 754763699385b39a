"""Records of the early career-guidance data ("Ticket to the Future") and their flags.

Questionnaires (Likert items grouped into scales, some reverse-keyed), tests (items
with a correct option), the responses and attempts of participants, professional
trials and festival visits, profession choices and a respondent's season profile
(region, average mark, club activity). Quality flags mark responses and attempts that
the multiple-hurdle rule (`domain.analytics.quality_flags`) found careless; a flag
never changes the data, a moderator confirms or clears it.

Answers are stored as one list per response (NaN-free: `None` is a missing answer),
because every index reads a whole respondents × items matrix at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class TrialKind(StrEnum):
    """A professional trial (hands-on try-out) or a visit to a careers festival."""

    TRIAL = "TRIAL"
    FESTIVAL = "FESTIVAL"


class QualityFlagStatus(StrEnum):
    """FLAGGED by the rule → CONFIRMED or CLEARED by a moderator."""

    FLAGGED = "FLAGGED"
    CONFIRMED = "CONFIRMED"
    CLEARED = "CLEARED"


UNCLEARED = (QualityFlagStatus.FLAGGED, QualityFlagStatus.CONFIRMED)
"""Flag states whose data stays out of ratings and of the regional index."""


class FlagSubject(StrEnum):
    QUESTIONNAIRE_RESPONSE = "QUESTIONNAIRE_RESPONSE"
    TEST_ATTEMPT = "TEST_ATTEMPT"


@dataclass(eq=False)
class Questionnaire:
    """A Likert questionnaire; answers run from `scale_min` to `scale_max`."""

    code: str
    title: str
    scale_min: int
    scale_max: int
    created_at: datetime
    id: int | None = None


@dataclass(eq=False)
class QuestionnaireItem:
    """Item at `position` (1-based) of a questionnaire; items of a scale are consecutive."""

    questionnaire_id: int
    position: int
    code: str
    scale: str
    reverse_keyed: bool


@dataclass(eq=False)
class QuestionnaireResponse:
    questionnaire_id: int
    participant_id: int
    season_code: str
    answers: list[float | None]
    created_at: datetime
    updated_at: datetime
    times: list[float | None] | None = None
    id: int | None = None


@dataclass(eq=False)
class KnowledgeTest:
    """A test of items with one correct option each (not named Test*: pytest collects those)."""

    code: str
    title: str
    created_at: datetime
    id: int | None = None
    event_id: int | None = None
    """The catalog event whose results its attempts produced (their flags count there)."""


@dataclass(eq=False)
class KnowledgeTestItem:
    """Item at `position` (1-based); `correct_option` in 1..`option_count`.

    Optional IRT parameters (a, b, c of the 3PL without the 1.7 factor) are used for
    person fit when every item of the test has them; otherwise a 2PL is estimated.
    """

    test_id: int
    position: int
    code: str
    correct_option: int
    option_count: int
    discrimination: float | None = None
    difficulty: float | None = None
    guessing: float | None = None


@dataclass(eq=False)
class KnowledgeTestAttempt:
    """Chosen options (1-based, None = skipped) and per-item response times in seconds."""

    test_id: int
    participant_id: int
    season_code: str
    answers: list[int | None]
    created_at: datetime
    updated_at: datetime
    times: list[float | None] | None = None
    id: int | None = None


@dataclass(eq=False)
class ProfessionalTrial:
    participant_id: int
    profession_code: str
    kind: TrialKind
    held_on: date
    season_code: str
    region_code: str
    created_at: datetime
    id: int | None = None


@dataclass(eq=False)
class ProfessionChoice:
    """A profession a respondent named in a season's career questionnaire."""

    participant_id: int
    season_code: str
    profession_code: str
    created_at: datetime


@dataclass(eq=False)
class RespondentSeason:
    """Where a respondent studied in a season, their average mark, and club activity."""

    participant_id: int
    season_code: str
    updated_at: datetime
    region_code: str | None = None
    average_mark: Decimal | None = None
    club_activity: bool = False


@dataclass(eq=False)
class QualityFlag:
    """The rule's verdict on one response or attempt, with the moderator's decision."""

    subject: FlagSubject
    participant_id: int
    season_code: str
    failed_hurdles: list[str]
    indices: dict[str, Any]
    status: QualityFlagStatus
    computed_at: datetime
    response_id: int | None = None
    attempt_id: int | None = None
    decided_by_account_id: int | None = None
    decided_at: datetime | None = None
    comment: str | None = None
    id: int | None = None


@dataclass(eq=False)
class AnalyticsImport:
    """One accepted import file: who sent what, and what it changed."""

    kind: str
    filename: str
    format: str
    sha256: str
    total_rows: int
    created_rows: int
    updated_rows: int
    unchanged_rows: int
    created_at: datetime
    uploaded_by_account_id: int | None = None
    target_code: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class RowProblem:
    """Why one row of an import file cannot be applied (1-based data row)."""

    row: int
    reason: str


@dataclass(frozen=True)
class ImportOutcome:
    """The result of an import: applied entirely, or refused with every row's problem."""

    kind: str
    total_rows: int
    applied: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: tuple[RowProblem, ...] = field(default_factory=tuple)
    import_id: int | None = None

    @property
    def invalid_rows(self) -> int:
        return len({p.row for p in self.problems})
