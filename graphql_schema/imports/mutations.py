"""Uploading results (GraphQL multipart request spec) and resolving unmatched rows."""

from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload

from domain.errors import DomainError
from domain.services import import_resolution
from domain.services import imports as use_cases
from graphql_schema.context import Context
from graphql_schema.errors import UserError
from graphql_schema.ids import decode_id
from graphql_schema.imports.types import ImportBatchType, ImportRowType


@strawberry.input
class ImportResultsInput:
    event_id: strawberry.ID
    file: Upload = strawberry.field(
        description="CSV (UTF-8 or Windows-1251, comma or semicolon) or JSON; see docs/imports.md."
    )


@strawberry.type
class ImportResultsPayload:
    batch: ImportBatchType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class ResolveImportRowInput:
    row_id: strawberry.ID
    participant_id: strawberry.ID


@strawberry.type
class ResolveImportRowPayload:
    row: ImportRowType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ImportMutation:
    @strawberry.mutation(
        description="Import results for an event of one's own. The same file again changes "
        "nothing; an interrupted import continues where it stopped. Needs a multipart "
        "request with a `GraphQL-Preflight` header."
    )
    async def import_results(
        self, info: strawberry.Info[Context, None], input: ImportResultsInput
    ) -> ImportResultsPayload:
        ctx = info.context
        upload = input.file
        try:
            event_id = decode_id(input.event_id, "Event", "eventId")
            batch = await use_cases.import_results(
                ctx.services.uow_factory,
                ctx.viewer,
                event_id,
                upload.file,  # type: ignore[attr-defined]
                getattr(upload, "filename", None) or "upload",
                ctx.services.clock,
                chunk_rows=ctx.services.uploads.import_chunk_rows,
            )
        except DomainError as error:
            return ImportResultsPayload(user_errors=[UserError.from_domain(error)])
        errors = []
        if batch.failure_reason:
            errors.append(UserError(field="file", message=batch.failure_reason,
                                    code=DomainError.code))  # fmt: skip
        return ImportResultsPayload(batch=ImportBatchType.from_domain(batch), user_errors=errors)

    @strawberry.mutation(
        description="Moderators: apply an UNMATCHED row to the participant it meant."
    )
    async def resolve_import_row(
        self, info: strawberry.Info[Context, None], input: ResolveImportRowInput
    ) -> ResolveImportRowPayload:
        ctx = info.context
        try:
            row_id = decode_id(input.row_id, "ImportRow", "rowId")
            participant_id = decode_id(input.participant_id, "Participant", "participantId")
            row = await import_resolution.resolve_import_row(
                ctx.uow(), ctx.viewer, row_id, participant_id, ctx.services.clock
            )
        except DomainError as error:
            return ResolveImportRowPayload(user_errors=[UserError.from_domain(error)])
        return ResolveImportRowPayload(row=ImportRowType.from_domain(row))
