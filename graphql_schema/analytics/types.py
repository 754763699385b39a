"""GraphQL types of the career-guidance data: instruments, quality flags, import results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from domain.analytics_import import FileFormat, ImportKind
from domain.analytics_records import (
    FlagSubject,
    ImportOutcome,
    KnowledgeTest,
    KnowledgeTestItem,
    QualityFlagStatus,
    Questionnaire,
    QuestionnaireItem,
)
from domain.policy import may_review_quality_flags
from graphql_schema.context import Context
from graphql_schema.errors import UserError
from graphql_schema.participants.types import ParticipantType, participant_for
from persistence.queries import quality as queries
from persistence.queries.quality import FlagView

QualityFlagStatusEnum = strawberry.enum(QualityFlagStatus, name="QualityFlagStatus")
FlagSubjectEnum = strawberry.enum(FlagSubject, name="QualityFlagSubject")
ImportKindEnum = strawberry.enum(
    ImportKind,
    name="AnalyticsImportKind",
    description="What an analytics file holds (docs/analytics-data.md lists the columns).",
)
FileFormatEnum = strawberry.enum(FileFormat, name="AnalyticsFileFormat")


@strawberry.type(name="QuestionnaireItem")
class QuestionnaireItemType:
    position: int
    code: str
    scale: str
    reverse_keyed: bool


@strawberry.type(name="Questionnaire", description="A Likert questionnaire of the career data.")
class QuestionnaireType(relay.Node):
    id: relay.NodeID[int]
    code: str
    title: str
    scale_min: int
    scale_max: int
    items: list[QuestionnaireItemType]

    @classmethod
    def from_domain(cls, head: Questionnaire, items: list[QuestionnaireItem]) -> QuestionnaireType:
        assert head.id is not None
        return cls(
            id=head.id,
            code=head.code,
            title=head.title,
            scale_min=head.scale_min,
            scale_max=head.scale_max,
            items=[
                QuestionnaireItemType(
                    position=i.position, code=i.code, scale=i.scale, reverse_keyed=i.reverse_keyed
                )
                for i in items
            ],
        )


@strawberry.type(name="KnowledgeTestItem")
class KnowledgeTestItemType:
    position: int
    code: str
    correct_option: int
    option_count: int
    discrimination: float | None
    difficulty: float | None
    guessing: float | None


@strawberry.type(name="KnowledgeTest", description="A test whose items have one correct option.")
class KnowledgeTestType(relay.Node):
    id: relay.NodeID[int]
    code: str
    title: str
    items: list[KnowledgeTestItemType]

    @classmethod
    def from_domain(cls, head: KnowledgeTest, items: list[KnowledgeTestItem]) -> KnowledgeTestType:
        assert head.id is not None
        return cls(
            id=head.id,
            code=head.code,
            title=head.title,
            items=[
                KnowledgeTestItemType(
                    position=i.position,
                    code=i.code,
                    correct_option=i.correct_option,
                    option_count=i.option_count,
                    discrimination=i.discrimination,
                    difficulty=i.difficulty,
                    guessing=i.guessing,
                )
                for i in items
            ],
        )


@strawberry.type(description="One index value behind a flag (null = undefined for this row).")
class QualityIndexValue:
    name: str
    value: float | None


def _numbers(values: list[Any] | None) -> list[float | None] | None:
    if values is None:
        return None
    return [None if v is None else float(v) for v in values]


@strawberry.type(
    name="QualityFlag",
    description="A questionnaire response or test attempt the multiple-hurdle rule flagged "
    "(docs/data-quality.md). Moderators and admins only.",
)
class QualityFlagType(relay.Node):
    id: relay.NodeID[int]
    subject: FlagSubject
    instrument_code: str = strawberry.field(description="The questionnaire or test code.")
    season: str
    status: QualityFlagStatus
    failed_hurdles: list[str]
    indices: list[QualityIndexValue]
    answers: list[float | None] = strawberry.field(
        description="The answers as stored (chosen options for tests); null = skipped."
    )
    response_times: list[float | None] | None = strawberry.field(
        description="Seconds per item, when the source recorded them."
    )
    computed_at: datetime
    decided_at: datetime | None
    comment: str | None
    participant_id: strawberry.Private[int]

    @strawberry.field(description="The respondent.")
    async def participant(self, info: strawberry.Info[Context, None]) -> ParticipantType | None:
        return await participant_for(info.context, self.participant_id)

    @classmethod
    def from_view(cls, view: FlagView) -> QualityFlagType:
        flag = view.flag
        assert flag.id is not None
        return cls(
            id=flag.id,
            subject=FlagSubject(flag.subject),
            instrument_code=view.instrument_code,
            season=flag.season_code,
            status=QualityFlagStatus(flag.status),
            failed_hurdles=list(flag.failed_hurdles),
            indices=[
                QualityIndexValue(name=k, value=None if v is None else float(v))
                for k, v in sorted(flag.indices.items())
            ],
            answers=_numbers(view.answers) or [],
            response_times=_numbers(view.times),
            computed_at=flag.computed_at,
            decided_at=flag.decided_at,
            comment=flag.comment,
            participant_id=flag.participant_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: strawberry.Info[Context, None],
        node_ids: list[str],
        required: bool = False,
    ) -> list[QualityFlagType | None]:
        return [await quality_flag_for(info.context, int(i)) for i in node_ids]


async def quality_flag_for(context: Context, flag_id: int) -> QualityFlagType | None:
    """Staff only; for anyone else the flag does not exist (same answer as missing)."""
    if not may_review_quality_flags(context.viewer):
        return None
    found = await context.read(lambda s: queries.flags_by_ids(s, [flag_id]))
    view = found.get(flag_id)
    return QualityFlagType.from_view(view) if view else None


async def flags_of_participant(context: Context, participant_id: int) -> list[QualityFlagType]:
    """Every flag of one participant (the field itself is guarded by the policy)."""
    found = await context.read(lambda s: queries.flags_of_participants(s, [participant_id]))
    return [QualityFlagType.from_view(v) for v in found.get(participant_id, [])]


@strawberry.type(description="Why one row of an import file cannot be applied.")
class ImportRowProblem:
    row: int = strawberry.field(description="1-based data row (the CSV header is row 0).")
    reason: str


@strawberry.type(
    description="The outcome of an analytics import: applied entirely, or refused with "
    "every row's problem and nothing changed."
)
class AnalyticsImportResult:
    kind: ImportKind
    applied: bool
    total_rows: int
    invalid_rows: int
    created: int
    updated: int
    unchanged: int
    problems: list[ImportRowProblem]

    @classmethod
    def from_domain(cls, outcome: ImportOutcome, limit: int = 200) -> AnalyticsImportResult:
        return cls(
            kind=ImportKind(outcome.kind),
            applied=outcome.applied,
            total_rows=outcome.total_rows,
            invalid_rows=outcome.invalid_rows,
            created=outcome.created,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
            problems=[ImportRowProblem(row=p.row, reason=p.reason) for p in outcome.problems][
                :limit
            ],
        )


@strawberry.type
class ImportAnalyticsDataPayload:
    result: AnalyticsImportResult | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="What one run of the flag rule did.")
class QualityFlagRun:
    subject: FlagSubject
    code: str
    respondents: int
    flagged: int
    created: int
    updated: int
    removed: int
    hurdles: list[str]
    notes: list[str]


@strawberry.type
class ComputeQualityFlagsPayload:
    run: QualityFlagRun | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DecideQualityFlagPayload:
    flag: QualityFlagType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)
