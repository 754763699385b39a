"""The moderators' queue and a student's own claims."""

from __future__ import annotations

from datetime import timedelta

import strawberry

from domain.achievements import AchievementStatus
from domain.errors import DomainError, ErrorCode
from domain.events import EventLevel
from domain.policy import Relation, can_decide_achievements
from graphql_schema.achievements.types import AchievementType, staff_view
from graphql_schema.context import Context
from graphql_schema.errors import CodedError
from graphql_schema.pagination import Connection, connection_from_page
from persistence.queries import achievements as queries
from persistence.queries.pages import page_request


@strawberry.input(description="Queue filters; all are combined with AND.")
class AchievementQueueFilter:
    status: AchievementStatus | None = AchievementStatus.SUBMITTED
    direction: str | None = None
    level: EventLevel | None = None
    region: str | None = strawberry.field(
        default=None, description="The participant's region code."
    )
    min_age_days: int | None = strawberry.field(
        default=None, description="Claims submitted at least this many days ago."
    )
    max_age_days: int | None = strawberry.field(
        default=None, description="Claims submitted at most this many days ago."
    )


def _page(first: int | None, after: str | None):  # type: ignore[no-untyped-def]
    try:
        return page_request(first, after, arity=1)
    except DomainError as error:
        raise CodedError(error.message, error.code) from error


@strawberry.type
class AchievementQuery:
    @strawberry.field(description="Claims to moderate, oldest first (moderators only).")
    async def achievement_queue(
        self,
        info: strawberry.Info[Context, None],
        filter: AchievementQueueFilter | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[AchievementType]:
        viewer = info.context.viewer
        if viewer.account_id is None:
            raise CodedError("Sign in first.", ErrorCode.UNAUTHENTICATED)
        if not can_decide_achievements(viewer):
            raise CodedError("Only moderators see the queue.", ErrorCode.FORBIDDEN)
        f = filter or AchievementQueueFilter()
        now = info.context.services.clock.now()
        query_filter = queries.QueueFilter(
            status=f.status,
            direction=f.direction,
            level=f.level,
            region=f.region,
            submitted_before=now - timedelta(days=f.min_age_days) if f.min_age_days else None,
            submitted_after=now - timedelta(days=f.max_age_days)
            if f.max_age_days is not None
            else None,
        )
        page = _page(first, after)
        found = await info.context.read(lambda s: queries.list_achievements(s, query_filter, page))
        return connection_from_page(found, lambda a: staff_view(info.context, a, Relation.STAFF))

    @strawberry.field(description="The signed-in student's own claims, in every status.")
    async def my_achievements(
        self,
        info: strawberry.Info[Context, None],
        status: AchievementStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[AchievementType]:
        participant_id = info.context.viewer.participant_id
        if participant_id is None:
            raise CodedError("Sign in as a student first.", ErrorCode.UNAUTHENTICATED)
        query_filter = queries.QueueFilter(status=status, participant_id=participant_id)
        page = _page(first, after)
        found = await info.context.read(lambda s: queries.list_achievements(s, query_filter, page))
        return connection_from_page(found, lambda a: staff_view(info.context, a, Relation.SELF))
