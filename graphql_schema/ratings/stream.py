"""Rating events: the `ratingEvents` query and the `ratingUpdates` subscription.

Both answer from the same events with the same cursor, so a client can load a
page, then subscribe `after` its last cursor (or the leaderboard's
`streamCursor`), and after a disconnect resubscribe with the last cursor it got:
it receives every event it missed, in order, exactly once. Identity is decided
per batch of events from facts read with that batch, so a revocation stops
identified messages from the next batch on. A cursor older than the retention is
answered with CURSOR_EXPIRED (reload the standings).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import PageInfo

from domain.accounts import Role
from domain.errors import CursorExpired, DomainError, ErrorCode, InvalidInput
from domain.policy import may_follow_rating_events, may_read_rating_events
from domain.ratings import RatingEventKind
from domain.reference import season_bounds
from graphql_schema.access_log import flush_access_log
from graphql_schema.context import Context
from graphql_schema.errors import CodedError
from graphql_schema.pagination import Connection, Edge
from graphql_schema.ratings.services import RatingServices
from graphql_schema.ratings.types import RatingEventType
from graphql_schema.ratings.views import row_access_from_facts
from persistence.queries.pages import MAX_PAGE, decode_cursor, encode_cursor
from persistence.queries.people import participants_by_ids
from persistence.queries.privacy import consents_of
from persistence.queries.ratings import events_page
from persistence.rating_feed import FeedBatch, FeedEvent, FellBehind

Info = strawberry.Info[Context, None]


def services(info: Info) -> RatingServices:
    found = getattr(info.context.services, "ratings", None)
    if found is None:
        raise CodedError(
            "Ratings are not configured in this process.", ErrorCode.INTERNAL_SERVER_ERROR
        )
    return found


async def check_board(info: Info, season: str, direction: str) -> None:
    try:
        season_bounds(season)
    except DomainError as error:
        raise CodedError(error.message, error.code) from error
    if direction not in await info.context.loaders.directions():
        raise CodedError(f"Unknown direction `{direction}`.", ErrorCode.BAD_USER_INPUT)


def _cursor(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        (number,) = decode_cursor(value, 1)
        if not isinstance(number, int) or number < 0:
            raise InvalidInput("The cursor is not valid for rating events.", field="after")
    except DomainError as error:
        raise CodedError(error.message, error.code) from error
    return number


def expired() -> CodedError:
    error = CursorExpired(
        "Events after this cursor are no longer kept: reload the standings (leaderboard) and "
        "resume from its `streamCursor`."
    )
    return CodedError(error.message, error.code)


def _viewer_class(info: Info) -> tuple[object, ...]:
    """Viewers who see a rating event identically (the policy's inputs for it)."""
    viewer = info.context.viewer
    if viewer.participant_id is not None or viewer.guardian_id is not None:
        return ("account", viewer.account_id)  # "this is me" comes before the role
    return (viewer.role, viewer.organization_id if viewer.role is Role.UNIVERSITY else None)


def event_type(info: Info, event: FeedEvent, batch: FeedBatch) -> RatingEventType:
    """The message for this viewer, built once per batch and viewer class: every field
    that serves personal data still checks and logs per subscriber at resolution."""
    key = (_viewer_class(info), event.cursor)
    found = batch.shared.get(key)
    if found is None:
        found = batch.shared[key] = _event_type(info, event, batch)
    return found


def _event_type(info: Info, event: FeedEvent, batch: FeedBatch) -> RatingEventType:
    person = batch.participants.get(event.participant_id) if event.participant_id else None
    access = None
    if person is not None:
        consents = batch.consents.get(event.participant_id or 0, [])
        access = row_access_from_facts(info.context, person, consents, batch.read_at)
    return RatingEventType(
        cursor=encode_cursor((event.cursor,)),
        batch_id=event.batch_id,
        kind=event.kind,
        season=event.season_code,
        direction=event.direction_code,
        old_points=event.old_points,
        new_points=event.new_points,
        old_rank=event.old_rank,
        new_rank=event.new_rank,
        old_tier=event.old_tier,
        new_tier=event.new_tier,
        created_at=event.created_at,
        access=access,
        region_code=person.region_code if person is not None else None,
        participant_id=event.participant_id,
    )


def _in_window(event: FeedEvent, top: int) -> bool:
    return any(rank is not None and rank <= top for rank in (event.old_rank, event.new_rank))


def _viewer_checks(info: Info, allowed: bool) -> None:
    if info.context.viewer.account_id is None:
        raise CodedError("Sign in first.", ErrorCode.UNAUTHENTICATED)
    if not allowed:
        raise CodedError("Rating events are for universities and staff.", ErrorCode.FORBIDDEN)


@strawberry.type
class RatingEventsQuery:
    @strawberry.field(
        description="Rating events of a board after a cursor, oldest first (universities, "
        "moderators, admins). Without `after`: from the oldest kept event."
    )
    async def rating_events(
        self,
        info: Info,
        season: str,
        direction: str,
        after: str | None = None,
        first: int | None = 100,
    ) -> Connection[RatingEventType]:
        _viewer_checks(info, may_read_rating_events(info.context.viewer))
        await check_board(info, season, direction)
        size = 100 if first is None else first
        if not 0 <= size <= MAX_PAGE:
            raise CodedError(f"`first` must be between 0 and {MAX_PAGE}.", ErrorCode.BAD_USER_INPUT)
        start = _cursor(after)
        feed = services(info).feed
        horizon = await feed.horizon()
        if start is not None and start < horizon:
            raise expired()
        last = horizon if start is None else start

        async def read(
            session: AsyncSession,
        ) -> tuple[list[FeedEvent], int, FeedBatch]:
            found, total = await events_page(session, season, direction, last, size + 1)
            ids = sorted({e.participant_id for e in found if e.participant_id is not None})
            people = await participants_by_ids(session, ids) if ids else {}
            consents = await consents_of(session, ids) if ids else {}
            return found, total, FeedBatch(tuple(found), people, consents)

        found, total, batch = await info.context.read(read)
        if start is not None and start < await feed.horizon():
            raise expired()
        edges = [
            Edge(cursor=encode_cursor((e.cursor,)), node=event_type(info, e, batch))
            for e in found[:size]
        ]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(found) > size,
                has_previous_page=start is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else after,
            ),
            total_count=total,
        )


@strawberry.type(
    name="RatingUpdate",
    description="One rating batch as a subscriber sees it: the CHANGE events whose old or "
    "new rank is within its window, in cursor order. `cursor`: resume after it.",
)
class RatingUpdateType:
    batch_id: str
    cursor: str = strawberry.field(
        description="The last cursor this message covers (the batch's marker when complete)."
    )
    complete: bool = strawberry.field(
        description="The batch-complete marker is included: the batch is over."
    )
    events: list[RatingEventType]
    shared_results: strawberry.Private[dict[Any, Any]] = dataclasses.field(default_factory=dict)
    """Executions of this message, per document and variables (`shared_results.py`)."""


def updates(info: Info, batch: FeedBatch, after: int, top: int) -> list[RatingUpdateType]:
    """The batch's events after a cursor, one message per rating batch (shared by the
    subscribers of one viewer class and window)."""
    found = []
    for whole in batch.groups:
        if whole[-1].cursor <= after:
            continue
        group = whole if whole[0].cursor > after else [e for e in whole if e.cursor > after]
        key = (_viewer_class(info), top, group[0].cursor, group[-1].cursor)
        message = batch.shared.get(key)
        if message is None:
            message = batch.shared[key] = RatingUpdateType(
                batch_id=group[0].batch_id,
                cursor=encode_cursor((group[-1].cursor,)),
                complete=group[-1].kind is RatingEventKind.BATCH_COMPLETE,
                events=[
                    event_type(info, e, batch)
                    for e in group
                    if e.kind is RatingEventKind.CHANGE and _in_window(e, top)
                ],
            )
        found.append(message)
    return found


@strawberry.type
class RatingSubscription:
    @strawberry.subscription(
        description="Rating batches for universities and admins: per batch, the events whose "
        "old or new rank is within `top`, with identities as the permission policy allows. "
        "`after`: resume after a cursor (nothing missed, nothing repeated); without it, from "
        "now. CURSOR_EXPIRED: reload the standings."
    )
    async def rating_updates(
        self,
        info: Info,
        season: str,
        direction: str,
        top: int = 100,
        after: str | None = None,
    ) -> AsyncGenerator[RatingUpdateType, None]:
        _viewer_checks(info, may_follow_rating_events(info.context.viewer))
        found = services(info)
        if not 1 <= top <= found.max_top:
            raise CodedError(f"`top` is 1–{found.max_top}.", ErrorCode.BAD_USER_INPUT)
        await check_board(info, season, direction)
        start = _cursor(after)
        feed = found.feed
        operation = "subscription ratingUpdates"
        try:
            async with feed.live(season, direction) as live:
                if start is None:
                    last = await feed.head(season, direction)
                else:
                    last = start
                    if last < await feed.horizon():
                        raise expired()
                while True:  # catch up from the database
                    batch = await feed.read(season, direction, last, 500)
                    if batch is None:
                        break
                    if last < await feed.horizon():
                        raise expired()
                    for message in updates(info, batch, last, top):
                        yield message
                        # resumed once the message went out: log what it served
                        await flush_access_log(info.context, operation)
                    last = batch.last
                while True:  # then live
                    item = await live.get()
                    if isinstance(item, FellBehind):
                        raise CodedError(
                            "This subscription fell behind: resubscribe with `after` the last "
                            "cursor received.",
                            ErrorCode.RATE_LIMITED,
                        )
                    if isinstance(item, Exception):
                        raise item
                    for message in updates(info, item, last, top):
                        yield message
                        await flush_access_log(info.context, operation)
                    last = max(last, item.last)
        finally:
            await flush_access_log(info.context, operation)
