"""Import reports for organizers and the unmatched-row queue for moderators."""

from __future__ import annotations

import strawberry

from domain.errors import DomainError, ErrorCode
from domain.policy import can_resolve_import_rows, can_see_import_batch
from graphql_schema.context import Context
from graphql_schema.errors import CodedError
from graphql_schema.ids import decode_id
from graphql_schema.imports.types import ImportBatchType, ImportRowType
from graphql_schema.pagination import Connection, connection_from_page
from persistence.queries import imports as queries
from persistence.queries.pages import page_request


def _id(value: strawberry.ID, type_name: str, field: str) -> int:
    try:
        return decode_id(value, type_name, field)
    except DomainError as error:
        raise CodedError(error.message, error.code) from error


@strawberry.type
class ImportQuery:
    @strawberry.field(description="An event's import batches, newest first (its organizer, "
                      "admins and moderators).")  # fmt: skip
    async def import_batches(
        self,
        info: strawberry.Info[Context, None],
        event_id: strawberry.ID,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[ImportBatchType]:
        pk = _id(event_id, "Event", "eventId")
        event = await info.context.loaders.event.load(pk)
        if event is None or not can_see_import_batch(info.context.viewer, event.organizer_id):
            raise CodedError("No such event.", ErrorCode.NOT_FOUND)
        try:
            page = page_request(first, after, arity=1)
        except DomainError as error:
            raise CodedError(error.message, error.code) from error
        found = await info.context.read(lambda s: queries.event_batches(s, pk, page))
        return connection_from_page(found, ImportBatchType.from_domain)

    @strawberry.field(description="Rows waiting for a moderator to pick the participant, oldest "
                      "first (moderators only).")  # fmt: skip
    async def unmatched_import_rows(
        self,
        info: strawberry.Info[Context, None],
        event_id: strawberry.ID | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[ImportRowType]:
        viewer = info.context.viewer
        if viewer.account_id is None:
            raise CodedError("Sign in first.", ErrorCode.UNAUTHENTICATED)
        if not can_resolve_import_rows(viewer):
            raise CodedError("Only moderators work the unmatched queue.", ErrorCode.FORBIDDEN)
        pk = _id(event_id, "Event", "eventId") if event_id else None
        try:
            page = page_request(first, after, arity=1)
        except DomainError as error:
            raise CodedError(error.message, error.code) from error
        found = await info.context.read(lambda s: queries.unmatched_rows(s, pk, page))
        return connection_from_page(found, ImportRowType.from_domain)
