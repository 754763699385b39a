"""Import batches and their rows: the report an organizer reads after an upload."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from domain.errors import DomainError
from domain.import_outcomes import split_reason
from domain.policy import can_see_import_batch
from domain.results import ImportBatch, ImportBatchStatus, ImportFormat, ImportRow, ImportRowState
from graphql_schema.context import Context
from graphql_schema.errors import CodedError
from graphql_schema.events.types import EventType, event_for
from graphql_schema.pagination import Connection, connection_from_page
from graphql_schema.participants.types import ParticipantType, view_of
from persistence.queries import imports as queries
from persistence.queries.pages import page_request

ImportRowStateEnum = strawberry.enum(ImportRowState, name="ImportRowState")
ImportBatchStatusEnum = strawberry.enum(ImportBatchStatus, name="ImportBatchStatus")
ImportFormatEnum = strawberry.enum(ImportFormat, name="ImportFormat")


@strawberry.type(name="ImportRow", description="One row of an uploaded file and where it ended.")
class ImportRowType(relay.Node):
    id: relay.NodeID[int]
    row_number: int = strawberry.field(
        description="The spreadsheet row (header = 1) or the JSON object's position (from 1)."
    )
    state: ImportRowState
    raw: JSON = strawberry.field(description="The row exactly as the file had it.")
    resolved_at: datetime | None
    row: strawberry.Private[ImportRow]

    @strawberry.field(description="Why the row is INVALID or UNMATCHED, e.g. `UNKNOWN_STATUS`.")
    def reason_code(self) -> str | None:
        return split_reason(self.row.reason)[0]

    @strawberry.field(description="The reason in words.")
    def reason(self) -> str | None:
        return split_reason(self.row.reason)[1]

    @strawberry.field(description="The participant the row was applied to.")
    async def participant(self, info: strawberry.Info[Context, None]) -> ParticipantType | None:
        if self.row.participant_id is None:
            return None
        person = await info.context.loaders.participant.load(self.row.participant_id)
        return await view_of(info.context, person, profile=False) if person else None

    @strawberry.field
    async def batch(self, info: strawberry.Info[Context, None]) -> ImportBatchType | None:
        return await batch_for(info.context, self.row.batch_id)

    @classmethod
    def from_domain(cls, row: ImportRow) -> ImportRowType:
        assert row.id is not None
        return cls(
            id=row.id,
            row_number=row.row_number,
            state=ImportRowState(row.state),
            raw=row.raw,  # type: ignore[arg-type]
            resolved_at=row.resolved_at,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: strawberry.Info[Context, None], node_ids: list[str], required: bool = False
    ) -> list[ImportRowType | None]:
        return [await import_row_for(info.context, int(i)) for i in node_ids]


@strawberry.type(name="ImportBatch", description="One uploaded file and its report.")
class ImportBatchType(relay.Node):
    id: relay.NodeID[int]
    filename: str
    format: ImportFormat
    sha256: str
    status: ImportBatchStatus
    failure_reason: str | None = strawberry.field(description="Why a FAILED file stopped.")
    total_rows: int
    applied_rows: int
    unmatched_rows: int
    invalid_rows: int
    created_at: datetime
    completed_at: datetime | None
    batch: strawberry.Private[ImportBatch]

    @strawberry.field
    async def event(self, info: strawberry.Info[Context, None]) -> EventType | None:
        return await event_for(info.context, self.batch.event_id)

    @strawberry.field(description="The rows in file order, optionally of one state.")
    async def rows(
        self,
        info: strawberry.Info[Context, None],
        state: ImportRowState | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[ImportRowType]:
        try:
            page = page_request(first, after, arity=1)
        except DomainError as error:
            raise CodedError(error.message, error.code) from error
        found = await info.context.read(lambda s: queries.batch_rows(s, self.id, state, page))
        return connection_from_page(found, ImportRowType.from_domain)

    @classmethod
    def from_domain(cls, batch: ImportBatch) -> ImportBatchType:
        assert batch.id is not None
        return cls(
            id=batch.id,
            filename=batch.filename,
            format=ImportFormat(batch.format),
            sha256=batch.sha256,
            status=ImportBatchStatus(batch.status),
            failure_reason=batch.failure_reason,
            total_rows=batch.total_rows,
            applied_rows=batch.applied_rows,
            unmatched_rows=batch.unmatched_rows,
            invalid_rows=batch.invalid_rows,
            created_at=batch.created_at,
            completed_at=batch.completed_at,
            batch=batch,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: strawberry.Info[Context, None], node_ids: list[str], required: bool = False
    ) -> list[ImportBatchType | None]:
        return [await batch_for(info.context, int(i)) for i in node_ids]


async def _may_see(context: Context, event_id: int) -> bool:
    event = await context.loaders.event.load(event_id)
    return event is not None and can_see_import_batch(context.viewer, event.organizer_id)


async def batch_for(context: Context, batch_id: int) -> ImportBatchType | None:
    """A batch report, to the event's organizer, admins and moderators; null otherwise."""
    batch = await context.loaders.import_batch.load(batch_id)
    if batch is None or not await _may_see(context, batch.event_id):
        return None
    return ImportBatchType.from_domain(batch)


async def import_row_for(context: Context, row_id: int) -> ImportRowType | None:
    rows = await context.read(lambda s: queries.rows_by_ids(s, [row_id]))
    row = rows.get(row_id)
    if row is None or await batch_for(context, row.batch_id) is None:
        return None
    return ImportRowType.from_domain(row)
