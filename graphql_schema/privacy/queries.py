"""Queries of issue 3: consent texts, the data export, the access log, the
moderators' queue of guardian links."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import strawberry
from strawberry.relay import PageInfo
from strawberry.scalars import JSON

from domain.consents import ConsentPurpose
from domain.errors import DomainError, ErrorCode
from domain.policy import (
    Relation,
    may_decide_guardian_links,
    may_export,
    may_read_whole_access_log,
)
from graphql_schema.consents.types import ConsentDocumentType
from graphql_schema.context import Context
from graphql_schema.errors import CodedError
from graphql_schema.guardians.types import GuardianLinkType, link_view
from graphql_schema.node import parse_global_id
from graphql_schema.pagination import Connection, Edge, connection_from_page
from graphql_schema.permissions import standing
from graphql_schema.privacy.types import AccessLogEntryType, access_entry_view
from persistence.queries import privacy as queries
from persistence.queries.export import export_participant
from persistence.queries.pages import PageRequest, page_request

Info = strawberry.Info[Context, None]


def _page(first: int | None, after: str | None) -> PageRequest:
    try:
        return page_request(first, after, arity=1)
    except DomainError as error:
        raise CodedError(error.message, error.code) from error


def _id_of(value: strawberry.ID | None, type_name: str) -> int | None:
    if value is None:
        return None
    parsed = parse_global_id(str(value))
    if parsed is None or parsed[0] != type_name:
        raise CodedError(f"Not a {type_name} id.", ErrorCode.BAD_USER_INPUT)
    return parsed[1]


@strawberry.input
class AccessLogFilterInput:
    participant_id: strawberry.ID | None = None
    viewer_account_id: strawberry.ID | None = None
    since: datetime | None = None


@strawberry.type
class PrivacyQuery:
    @strawberry.field(description="The consent texts offered today (the current version of each).")
    async def consent_documents(
        self, info: Info, purpose: ConsentPurpose | None = None
    ) -> list[ConsentDocumentType]:
        rows = await info.context.read(lambda s: queries.current_documents(s, purpose))
        return [ConsentDocumentType.from_domain(d) for d in rows]

    @strawberry.field(
        description="Everything the platform holds about a participant, as one JSON document "
        "(art. 14 of 152-FZ): for the participant itself, or a confirmed guardian (who names "
        "the ward). Null for anyone else."
    )
    async def my_data(self, info: Info, participant_id: strawberry.ID | None = None) -> JSON | None:
        ctx = info.context
        if ctx.viewer.account_id is None:
            raise CodedError("Sign in first.", ErrorCode.UNAUTHENTICATED)
        pid = _id_of(participant_id, "Participant") if participant_id else ctx.viewer.participant_id
        if pid is None:
            return None
        row = await ctx.loaders.participant.load(pid)
        if row is None or not may_export((await standing(ctx, row)).relation):
            return None
        document: dict[str, Any] = await ctx.read(lambda s: export_participant(s, pid))
        document["exportedAt"] = ctx.privacy.now.isoformat()
        return document  # type: ignore[return-value]

    @strawberry.field(description="The whole access log, newest first: admins only.")
    async def access_log(
        self,
        info: Info,
        filter: AccessLogFilterInput | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[AccessLogEntryType]:
        ctx = info.context
        if not may_read_whole_access_log(ctx.viewer):
            raise CodedError("Only admins read the whole access log.", ErrorCode.FORBIDDEN)
        f = filter or AccessLogFilterInput()
        query_filter = queries.AccessLogFilter(
            participant_id=_id_of(f.participant_id, "Participant"),
            viewer_account_id=_id_of(f.viewer_account_id, "Account"),
            since=f.since,
        )
        page = _page(first, after)
        result = await ctx.read(lambda s: queries.access_log_page(s, query_filter, page))
        return connection_from_page(result, lambda row: access_entry_view(ctx, row, Relation.STAFF))

    @strawberry.field(description="Guardian links waiting for a moderator, oldest first.")
    async def pending_guardian_links(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[GuardianLinkType]:
        ctx = info.context
        if not may_decide_guardian_links(ctx.viewer):
            raise CodedError("Only moderators see the queue.", ErrorCode.FORBIDDEN)
        page = _page(first, after)
        result = await ctx.read(lambda s: queries.pending_links(s, page))
        views = await asyncio.gather(
            *(link_view(ctx, link, Relation.STAFF) for link in result.items)
        )
        edges = [Edge(cursor=c, node=v) for v, c in zip(views, result.cursors, strict=True) if v]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=result.has_next_page,
                has_previous_page=result.has_previous_page,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=result.total_count,
        )
