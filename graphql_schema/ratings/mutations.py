"""Admins' rating mutations: publish rules, recompute, close a season, revoke a diploma."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import strawberry
from strawberry.scalars import JSON

from domain.errors import DomainError
from domain.services import ratings as use_cases
from graphql_schema.context import Context
from graphql_schema.errors import UserError
from graphql_schema.ratings.diplomas import DiplomaType, RatingRulesType
from graphql_schema.ratings.stream import services
from persistence.queries import ratings as queries
from persistence.queries.pages import encode_cursor

Info = strawberry.Info[Context, None]
T = TypeVar("T")


@strawberry.input
class RecomputeRatingsInput:
    season: str
    directions: list[str] | None = strawberry.field(
        default=None, description="All directions when omitted."
    )


@strawberry.type(description="What one board's recomputation changed.")
class RecomputedBoard:
    season: str
    direction: str
    changes: int = strawberry.field(description="Rating events written (without the marker).")
    batch_id: str | None
    stream_cursor: str | None


@strawberry.type
class RecomputeRatingsPayload:
    boards: list[RecomputedBoard] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class PublishRatingRulesInput:
    document: JSON = strawberry.field(
        description="The whole rules document (rating.md): decimals as strings; `version` is "
        "the next number (may be omitted)."
    )


@strawberry.type
class PublishRatingRulesPayload:
    rules: RatingRulesType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CloseSeasonInput:
    season: str


@strawberry.type
class CloseSeasonPayload:
    season: str | None = None
    boards: int = 0
    diplomas_issued: int = 0
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RevokeDiplomaInput:
    number: str
    reason: str


@strawberry.type
class RevokeDiplomaPayload:
    diploma: DiplomaType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def _attempt(run: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    try:
        return await run(), []
    except DomainError as error:
        return None, [UserError.from_domain(error)]


@strawberry.type
class RatingMutation:
    @strawberry.mutation(description="Admins: recompute a season's boards in full now.")
    async def recompute_ratings(
        self, info: Info, input: RecomputeRatingsInput
    ) -> RecomputeRatingsPayload:
        context = info.context
        done, errors = await _attempt(
            lambda: use_cases.recompute(
                services(info).stores,
                context.viewer,
                input.season,
                input.directions,
                context.services.clock,
            )
        )
        return RecomputeRatingsPayload(
            boards=[
                RecomputedBoard(
                    season=o.season_code,
                    direction=o.direction_code,
                    changes=o.changes,
                    batch_id=o.batch_id,
                    stream_cursor=encode_cursor((o.head_cursor,)) if o.head_cursor else None,
                )
                for o in done or []
            ],
            user_errors=errors,
        )

    @strawberry.mutation(description="Admins: publish the next rules version.")
    async def publish_rating_rules(
        self, info: Info, input: PublishRatingRulesInput
    ) -> PublishRatingRulesPayload:
        context = info.context
        document = cast(dict[str, Any], input.document)
        if not isinstance(document, dict):
            document = {}
        done, errors = await _attempt(
            lambda: use_cases.publish_rules(
                services(info).stores, context.viewer, document, context.services.clock
            )
        )
        if done is None:
            return PublishRatingRulesPayload(user_errors=errors)
        row = await context.read(lambda s: queries.rules(s, done.version))
        return PublishRatingRulesPayload(rules=RatingRulesType.from_domain(row) if row else None)

    @strawberry.mutation(
        description="Admins: recompute, freeze the season's standings and issue diplomas to "
        "winners and prize-winners."
    )
    async def close_season(self, info: Info, input: CloseSeasonInput) -> CloseSeasonPayload:
        context = info.context
        done, errors = await _attempt(
            lambda: use_cases.close_season(
                services(info).stores, context.viewer, input.season, context.services.clock
            )
        )
        if done is None:
            return CloseSeasonPayload(user_errors=errors)
        return CloseSeasonPayload(
            season=done.season, boards=done.boards, diplomas_issued=done.diplomas
        )

    @strawberry.mutation(description="Admins: revoke a diploma (verification then says REVOKED).")
    async def revoke_diploma(self, info: Info, input: RevokeDiplomaInput) -> RevokeDiplomaPayload:
        context = info.context
        done, errors = await _attempt(
            lambda: use_cases.revoke_diploma(
                services(info).stores,
                context.viewer,
                input.number.strip(),
                input.reason,
                context.services.clock,
            )
        )
        return RevokeDiplomaPayload(
            diploma=DiplomaType.from_domain(done) if done else None, user_errors=errors
        )
