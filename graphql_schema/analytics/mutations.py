"""Mutations of the career-guidance data: import, run the flag rule, decide a flag."""

from __future__ import annotations

from enum import Enum

import strawberry

from domain.analytics_import import FileFormat, ImportKind, guess_format
from domain.analytics_records import QualityFlagStatus
from domain.errors import DomainError, ErrorCode, Forbidden
from domain.services import quality as quality_use_cases
from domain.services.analytics_import import ImportRequest, import_analytics
from graphql_schema.analytics.types import (
    AnalyticsImportResult,
    ComputeQualityFlagsPayload,
    DecideQualityFlagPayload,
    ImportAnalyticsDataPayload,
    QualityFlagRun,
    quality_flag_for,
)
from graphql_schema.context import Context
from graphql_schema.errors import CodedError, UserError
from graphql_schema.ids import decode_id


@strawberry.input
class ImportAnalyticsDataInput:
    kind: ImportKind
    content: str = strawberry.field(
        description="The file's text (UTF-8). Files larger than a request body may be "
        "loaded with `talent analytics import`."
    )
    filename: str = "upload"
    format: FileFormat | None = strawberry.field(
        default=None, description="CSV or JSON; guessed from the file name when absent."
    )
    target: str | None = strawberry.field(
        default=None, description="Questionnaire (RESPONSES) or test (ATTEMPTS) code."
    )


@strawberry.input
class ComputeQualityFlagsInput:
    questionnaire: str | None = None
    test: str | None = None
    season: str | None = strawberry.field(
        default=None, description="Only this season's responses (and as the population)."
    )


@strawberry.enum(description="A moderator's decision on a flag.")
class QualityDecision(Enum):
    CONFIRMED = "CONFIRMED"
    CLEARED = "CLEARED"


@strawberry.input
class DecideQualityFlagInput:
    flag_id: strawberry.ID
    decision: QualityDecision
    comment: str | None = None


def _require_viewer(info: strawberry.Info[Context, None]) -> None:
    if info.context.viewer.account_id is None:
        raise CodedError("Sign in first.", ErrorCode.UNAUTHENTICATED)


@strawberry.type
class AnalyticsMutation:
    @strawberry.mutation(
        description="Load a CSV or JSON file of career-guidance data (moderators, admins). "
        "All or nothing: a file with any bad row changes nothing and lists every problem."
    )
    async def import_analytics_data(
        self, info: strawberry.Info[Context, None], input: ImportAnalyticsDataInput
    ) -> ImportAnalyticsDataPayload:
        _require_viewer(info)
        ctx = info.context
        request = ImportRequest(
            kind=input.kind,
            content=input.content,
            filename=input.filename,
            format=input.format or guess_format(input.filename),
            target=input.target,
        )
        try:
            outcome = await import_analytics(ctx.uow(), ctx.viewer, ctx.services.clock, request)
        except Forbidden as error:
            raise CodedError(error.message, ErrorCode.FORBIDDEN) from error
        except DomainError as error:
            return ImportAnalyticsDataPayload(user_errors=[UserError.from_domain(error)])
        result = AnalyticsImportResult.from_domain(outcome)
        if outcome.applied:
            return ImportAnalyticsDataPayload(result=result)
        first = outcome.problems[0]
        summary = UserError(
            field="content",
            message=f"{outcome.invalid_rows} row(s) cannot be imported; nothing was changed. "
            f"Row {first.row}: {first.reason}",
            code=ErrorCode.BAD_USER_INPUT,
        )
        return ImportAnalyticsDataPayload(result=result, user_errors=[summary])

    @strawberry.mutation(
        description="Run the flag rule over every response of a questionnaire (or attempt "
        "at a test), optionally of one season (admins)."
    )
    async def compute_quality_flags(
        self, info: strawberry.Info[Context, None], input: ComputeQualityFlagsInput
    ) -> ComputeQualityFlagsPayload:
        _require_viewer(info)
        ctx = info.context
        try:
            run = await quality_use_cases.compute_quality_flags(
                ctx.uow(),
                ctx.viewer,
                ctx.services.clock,
                questionnaire=input.questionnaire,
                test=input.test,
                season=input.season,
            )
        except Forbidden as error:
            raise CodedError(error.message, ErrorCode.FORBIDDEN) from error
        except DomainError as error:
            return ComputeQualityFlagsPayload(user_errors=[UserError.from_domain(error)])
        return ComputeQualityFlagsPayload(
            run=QualityFlagRun(
                subject=run.subject,
                code=run.code,
                respondents=run.respondents,
                flagged=run.flagged,
                created=run.created,
                updated=run.updated,
                removed=run.removed,
                hurdles=list(run.hurdles),
                notes=list(run.notes),
            )
        )

    @strawberry.mutation(
        description="Confirm or clear a FLAGGED quality flag (moderators). A cleared flag's "
        "data counts again in ratings and in the regional index."
    )
    async def decide_quality_flag(
        self, info: strawberry.Info[Context, None], input: DecideQualityFlagInput
    ) -> DecideQualityFlagPayload:
        _require_viewer(info)
        ctx = info.context
        try:
            flag_id = decode_id(input.flag_id, "QualityFlag", "flagId")
            await quality_use_cases.decide_quality_flag(
                ctx.uow(),
                ctx.viewer,
                ctx.services.clock,
                flag_id,
                QualityFlagStatus(input.decision.value),
                input.comment,
            )
        except Forbidden as error:
            raise CodedError(error.message, ErrorCode.FORBIDDEN) from error
        except DomainError as error:
            return DecideQualityFlagPayload(user_errors=[UserError.from_domain(error)])
        return DecideQualityFlagPayload(flag=await quality_flag_for(ctx, flag_id))
