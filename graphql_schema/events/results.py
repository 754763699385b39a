"""Results of an event as organizers and staff see them."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.results import CompletionGrade, Result, ResultSource, ResultStatus
from graphql_schema.context import Context
from graphql_schema.participants.types import ParticipantType, view_of

ResultStatusEnum = strawberry.enum(ResultStatus, name="ResultStatus")
ResultSourceEnum = strawberry.enum(ResultSource, name="ResultSource")
CompletionGradeEnum = strawberry.enum(CompletionGrade, name="CompletionGrade")


@strawberry.type(name="Result", description="One participant's result in one event.")
class ResultType:
    status: ResultStatus
    source: ResultSource = strawberry.field(description="IMPORT results count as verified.")
    score: Decimal | None
    max_score: Decimal | None
    place: int | None
    team: str | None
    completion: CompletionGrade | None
    row: strawberry.Private[Result]

    @strawberry.field(description="The participant, shown under the participant field rules.")
    async def participant(self, info: strawberry.Info[Context, None]) -> ParticipantType | None:
        person = await info.context.loaders.participant.load(self.row.participant_id)
        return await view_of(info.context, person, profile=False) if person else None

    @classmethod
    def from_domain(cls, result: Result) -> ResultType:
        return cls(
            status=ResultStatus(result.status),
            source=ResultSource(result.source),
            score=result.score,
            max_score=result.max_score,
            place=result.place,
            team=result.team,
            completion=CompletionGrade(result.completion) if result.completion else None,
            row=result,
        )
