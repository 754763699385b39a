"""Rating types: leaderboard rows, entries with their explanation, contributions,
rating events, rules and diplomas. Every personal field asks the row's decided
access (`graphql_schema.ratings.views`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from domain.diplomas import DiplomaStatus
from domain.events import EventLevel
from domain.rating_engine.explain import distance_to_next_tier, standing_percentile
from domain.rating_engine.pricing import cents, from_cents
from domain.rating_engine.selection import NotCounted
from domain.rating_engine.standings import TierRules
from domain.ratings import RatingContribution, RatingEventKind, Tier
from graphql_schema.context import Context
from graphql_schema.errors import forbidden
from graphql_schema.events.types import EventType, event_for
from graphql_schema.participants.types import ParticipantType
from graphql_schema.ratings.views import RowAccess, record_region, row_access
from graphql_schema.reference.types import DirectionType, RegionType
from persistence.queries import ratings as queries
from persistence.queries.ratings import BoardRow

Info = strawberry.Info[Context, None]
strawberry.enum(
    Tier,
    name="RatingTier",
    description="WINNER: the top 5%; PRIZE_WINNER: the next 20%; both need the minimum score.",
)
strawberry.enum(RatingEventKind, name="RatingEventKind")
strawberry.enum(NotCounted, name="NotCountedReason")
strawberry.enum(DiplomaStatus, name="DiplomaStatus")


@strawberry.enum(description="Which factor priced a result (the higher one wins).")
class PricingBasis(Enum):
    PLACE = "PLACE"
    SCORE = "SCORE"
    STATUS = "STATUS"
    COMPLETION = "COMPLETION"


async def _direction(info: Info, code: str) -> DirectionType:
    return DirectionType.from_domain((await info.context.loaders.directions())[code])


@strawberry.type(name="RatingContribution", description="One priced result or achievement.")
class RatingContributionType:
    row: strawberry.Private[RatingContribution]
    level: EventLevel
    place: int | None = strawberry.field(description="Place (shared by `ties`) among `fieldSize`.")
    ties: int | None
    field_size: int | None = strawberry.field(description="N: the event's field.")
    status: str | None
    completion: str | None
    basis: PricingBasis
    level_weight: Decimal
    result_factor: Decimal = strawberry.field(description="Shown with 4 decimals.")
    field_factor: Decimal = strawberry.field(description="Shown with 4 decimals.")
    relevance: Decimal
    points: Decimal = strawberry.field(
        description="From the unrounded factors, rounded half-up to 2 decimals once."
    )
    counted: bool
    not_counted_reason: NotCounted | None

    @strawberry.field(description="The catalog event, if the item has one the viewer may see.")
    async def event(self, info: Info) -> EventType | None:
        return await event_for(info.context, self.row.event_id) if self.row.event_id else None

    @strawberry.field(description="`RESULT` (an organizer's import) or `ACHIEVEMENT`.")
    def source(self) -> str:
        return "RESULT" if self.row.result_id is not None else "ACHIEVEMENT"

    @classmethod
    def from_domain(cls, row: RatingContribution) -> RatingContributionType:
        return cls(
            row=row,
            level=EventLevel(row.level),
            place=row.place,
            ties=row.ties,
            field_size=row.field_size,
            status=row.status,
            completion=row.completion,
            basis=PricingBasis(row.basis or "STATUS"),
            level_weight=row.level_weight,
            result_factor=row.result_factor,
            field_factor=row.field_factor,
            relevance=row.relevance,
            points=row.points,
            counted=row.counted,
            not_counted_reason=NotCounted(row.reason) if row.reason else None,
        )


@strawberry.type(description="How far the next tier is, with everyone else unchanged.")
class NextTier:
    tier: Tier
    points_needed: Decimal


async def _board_figures(info: Info, row: BoardRow) -> tuple[int, TierRules] | None:
    board = await info.context.read(lambda s: queries.board(s, row.season_code, row.direction_code))
    rules = await info.context.read(lambda s: queries.rules(s, row.rules_version))
    if board is None or rules is None:
        return None
    from domain.rating_engine.rules import parse_rules

    return board.ranked_count, TierRules.of(parse_rules(rules.document, version=rules.version))


@strawberry.type(
    name="RatingEntry",
    description="A participant's standing in one season and direction, with the explanation: "
    "every contribution and the distance to the next tier.",
)
class RatingEntryType(relay.Node):
    id: relay.NodeID[int]
    row: strawberry.Private[BoardRow]
    access: strawberry.Private[RowAccess]
    season: str
    points: Decimal
    ranked: bool = strawberry.field(
        description="False until the identity is verified; `rank` is then the rank it would have."
    )

    @strawberry.field
    async def direction(self, info: Info) -> DirectionType:
        return await _direction(info, self.row.direction_code)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: list[str], required: bool = False
    ) -> list[RatingEntryType | None]:
        return [await rating_entry_for(info.context, int(i)) for i in node_ids]

    @strawberry.field
    def participant(self) -> ParticipantType | None:
        return self.access.person

    @strawberry.field(
        description="Rank (shared by equal scores); unranked: the rank it would have."
    )
    async def rank(self, info: Info) -> int | None:
        if self.row.ranked:
            return self.row.rank
        figures = await _board_figures(info, self.row)
        count = figures[0] if figures else 0
        row = self.row
        return await info.context.read(
            lambda s: queries.would_be_rank(
                s, row.season_code, row.direction_code, row.points, count
            )
        )

    @strawberry.field
    def tier(self, info: Info) -> Tier | None:
        return self.access.entry.check(info.context, "tier", self.row.tier)

    @strawberry.field(description="Among ranked participants: (N − rank)/(N − 1), ties sharing.")
    async def percentile(self, info: Info) -> Decimal | None:
        self.access.entry.check(info.context, "percentile", None)
        if not self.row.ranked or self.row.rank is None:
            return None
        return await percentile_of(info, self.row)

    @strawberry.field
    def rules_version(self, info: Info) -> int:
        return self.access.entry.check(info.context, "rulesVersion", self.row.rules_version)

    @strawberry.field
    def computed_at(self, info: Info) -> datetime:
        return self.access.entry.check(info.context, "computedAt", self.row.computed_at)

    @strawberry.field(description="Counted ones first (best first), then the rest with the reason.")
    async def contributions(self, info: Info) -> list[RatingContributionType]:
        self.access.entry.check(info.context, "contributions", None)
        found = await info.context.read(lambda s: queries.contributions_of(s, [self.id]))
        return [RatingContributionType.from_domain(c) for c in found.get(self.id, [])]

    @strawberry.field(description="Null at the top, or when the field is too small for the tier.")
    async def next_tier(self, info: Info) -> NextTier | None:
        self.access.entry.check(info.context, "nextTier", None)
        figures = await _board_figures(info, self.row)
        if figures is None:
            return None
        ranked, tiers = figures
        row = self.row
        rank = await self.rank(info) or 1
        score = cents(row.points)
        quotas = tiers.quotas(ranked if row.ranked else ranked + 1)
        wanted = {q for q in quotas if q > 0}
        found: dict[int, int] = {}
        for quota in sorted(wanted):
            values = await info.context.read(_points_at(row, quota))
            for offset, value in enumerate(values):
                found[quota + offset] = cents(value)
        distance = distance_to_next_tier(
            score,
            row.tier,
            rank=rank,
            ranked=ranked,
            is_ranked=row.ranked,
            tiers=tiers,
            score_at=found.get,
        )
        if distance is None:
            return None
        return NextTier(tier=distance.tier, points_needed=from_cents(distance.points_needed))


def _points_at(row: BoardRow, position: int) -> Callable[[AsyncSession], Awaitable[list[Decimal]]]:
    return lambda s: queries.points_at(s, row.season_code, row.direction_code, position)


async def percentile_of(info: Info, row: BoardRow) -> Decimal | None:
    figures = await _board_figures(info, row)
    if figures is None or row.rank is None:
        return None
    ties = await info.context.read(
        lambda s: queries.tie_count(s, row.season_code, row.direction_code, row.points)
    )
    return standing_percentile(row.rank, max(ties, 1), figures[0]).quantize(Decimal("0.0001"))


@strawberry.type(
    name="LeaderboardRow",
    description="A row of the leaderboard. Anonymous rows (no `participant`) show rank and "
    "points; what else is shown follows the permission policy (docs/permissions.md).",
)
class LeaderboardRowType:
    rank: int
    points: Decimal
    row: strawberry.Private[BoardRow]
    access: strawberry.Private[RowAccess]
    region_code: strawberry.Private[str | None]
    ties: strawberry.Private[int]
    ranked_count: strawberry.Private[int]

    @strawberry.field(description="Null for an anonymous row.")
    def participant(self) -> ParticipantType | None:
        return self.access.person

    @strawberry.field
    def tier(self, info: Info) -> Tier | None:
        return self.access.entry.check(info.context, "tier", self.row.tier)

    @strawberry.field
    def percentile(self, info: Info) -> Decimal | None:
        self.access.entry.check(info.context, "percentile", None)
        assert self.row.rank is not None
        value = standing_percentile(self.row.rank, max(self.ties, 1), self.ranked_count)
        return value.quantize(Decimal("0.0001"))

    @strawberry.field
    async def region(self, info: Info) -> RegionType | None:
        if not self.access.view.region:
            raise forbidden("region")
        record_region(info.context, self.access, self.row.participant_id)
        if self.region_code is None:
            return None
        region = (await info.context.loaders.regions()).get(self.region_code)
        return RegionType.from_domain(region) if region else None

    @strawberry.field(description="The explanation, for viewers who may see it; null otherwise.")
    def entry(self) -> RatingEntryType | None:
        if not self.access.view.explanation:
            return None
        return entry_type(self.row, self.access)


async def rating_entry_for(context: Context, entry_id: int) -> RatingEntryType | None:
    """`node(id:)` of an entry: only for viewers of its explanation (like a missing row
    for everyone else)."""
    rows = await context.read(lambda s: queries.entries_by_ids(s, [entry_id]))
    row = rows.get(entry_id)
    person = await context.loaders.participant.load(row.participant_id) if row else None
    if row is None or person is None:
        return None
    access = await row_access(context, person)
    return entry_type(row, access) if access.view.explanation else None


def entry_type(row: BoardRow, access: RowAccess) -> RatingEntryType:
    return RatingEntryType(
        id=row.entry_id,
        row=row,
        access=access,
        season=row.season_code,
        points=row.points,
        ranked=row.ranked,
    )


@strawberry.type(
    name="RatingEvent",
    description="One participant's points, rank or tier changed (CHANGE), or the end of a "
    "batch (BATCH_COMPLETE). `cursor` only grows: pass it as `after` to resume.",
)
class RatingEventType:
    cursor: str
    batch_id: str
    kind: RatingEventKind
    season: str
    direction: str
    old_points: Decimal | None
    new_points: Decimal | None
    old_rank: int | None
    new_rank: int | None
    old_tier: Tier | None
    new_tier: Tier | None
    created_at: datetime
    access: strawberry.Private[RowAccess | None]
    region_code: strawberry.Private[str | None]
    participant_id: strawberry.Private[int | None]

    @strawberry.field(description="Null for BATCH_COMPLETE and for anonymous rows.")
    def participant(self) -> ParticipantType | None:
        return self.access.person if self.access else None

    @strawberry.field(description="Null for BATCH_COMPLETE; FORBIDDEN where the policy hides it.")
    async def region(self, info: Info) -> RegionType | None:
        if self.access is None or self.participant_id is None:
            return None
        if not self.access.view.region:
            raise forbidden("region")
        record_region(info.context, self.access, self.participant_id)
        if self.region_code is None:
            return None
        region = (await info.context.loaders.regions()).get(self.region_code)
        return RegionType.from_domain(region) if region else None
