"""Rating queries: the leaderboard, a participant's entries (the explanation),
rules, diplomas and their verification."""

from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry
from strawberry.relay import PageInfo

from domain.accounts import Role
from domain.diplomas import diploma_claims
from domain.errors import DomainError, ErrorCode
from domain.participants import Participant
from domain.policy import may_filter_leaderboard_by_grade, may_hold_diploma
from domain.ratings import Diploma
from domain.services.ratings import verify_diploma
from graphql_schema.context import Context
from graphql_schema.errors import CodedError
from graphql_schema.node import parse_global_id
from graphql_schema.pagination import Edge
from graphql_schema.ratings.diplomas import DiplomaType, DiplomaVerification, RatingRulesType
from graphql_schema.ratings.services import HINTS_KEY, CacheHints
from graphql_schema.ratings.stream import check_board, services
from graphql_schema.ratings.types import LeaderboardRowType, RatingEntryType, entry_type
from graphql_schema.ratings.views import row_access
from persistence.queries import ratings as queries
from persistence.queries.pages import encode_cursor, page_request
from persistence.queries.ratings import RowFilter

Info = strawberry.Info[Context, None]


@strawberry.input(description="Filters see only what the viewer may see on each row.")
class LeaderboardFilter:
    region: str | None = strawberry.field(default=None, description="Two-digit subject code.")
    grade: int | None = strawberry.field(
        default=None, description="Universities (rows in their scope) and staff only."
    )


@strawberry.type(name="LeaderboardConnection")
class LeaderboardConnection:
    edges: list[Edge[LeaderboardRowType]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Rows the filter matches in all.")
    ranked_count: int = strawberry.field(description="Ranked participants on the board.")
    stream_cursor: str | None = strawberry.field(
        description="Subscribe `ratingUpdates(after:)` from here to follow changes."
    )
    rules_version: int | None
    computed_at: datetime | None
    frozen: bool = strawberry.field(description="The season is closed: standings are final.")


def _hints(info: Info) -> CacheHints | None:
    request = info.context.request
    state = getattr(request, "scope", {}).get("state", {}) if request is not None else {}
    found = state.get(HINTS_KEY)
    return found if isinstance(found, CacheHints) else None


def _row_filter(info: Info, found: LeaderboardFilter | None) -> RowFilter:
    if found is None or (found.region is None and found.grade is None):
        return RowFilter()
    viewer = info.context.viewer
    if found.grade is not None and not may_filter_leaderboard_by_grade(viewer):
        raise CodedError("Filtering by grade is for universities and staff.", ErrorCode.FORBIDDEN)
    if found.grade is not None and not 1 <= found.grade <= 12:
        raise CodedError("`grade` is 1–12.", ErrorCode.BAD_USER_INPUT)
    sees_every_region = viewer.is_staff or viewer.role is Role.UNIVERSITY
    return RowFilter(
        region=found.region,
        region_needs_publication=not sees_every_region,
        grade=found.grade,
        grade_university=viewer.organization_id if viewer.role is Role.UNIVERSITY else None,
        now=info.context.privacy.now,
    )


async def _valid_until(info: Info, person_ids: list[int]) -> float | None:
    """The earliest future expiry among the page's consents: a cached copy of the
    page must not outlive a permission it relied on."""
    now = info.context.privacy.now
    earliest: float | None = None
    for consents in await info.context.privacy.consents.load_many(person_ids):
        for consent in consents:
            if consent.expires_at is not None and consent.expires_at > now:
                stamp = consent.expires_at.timestamp()
                earliest = stamp if earliest is None else min(earliest, stamp)
    return earliest


@strawberry.type
class RatingQuery:
    @strawberry.field(
        description="The standings of one season and direction, best first (max 100 a page). "
        "The public sees rank and points, with identities only under PUBLICATION; universities "
        "see identities within their UNIVERSITY_SHARING scope; staff see everything."
    )
    async def leaderboard(
        self,
        info: Info,
        season: str,
        direction: str,
        first: int | None = 20,
        after: str | None = None,
        filter: LeaderboardFilter | None = None,
    ) -> LeaderboardConnection:
        await check_board(info, season, direction)
        try:
            page = page_request(first, after, arity=2)
        except DomainError as error:
            raise CodedError(error.message, error.code) from error
        row_filter = _row_filter(info, filter)
        hints = _hints(info)
        if hints is not None:
            hints.boards.add((season, direction))
            if info.context.access is not hints.recorder:  # the cache replays these reads
                for pid, fields in info.context.access.take().items():
                    for name in fields:
                        hints.recorder.record(pid, name)
                info.context.access = hints.recorder
        board = await info.context.read(lambda s: queries.board(s, season, direction))
        ranked = board.ranked_count if board else 0
        found = await info.context.read(
            lambda s: queries.leaderboard_page(s, season, direction, page, row_filter, ranked)
        )
        rows = list(found.items)
        people = await info.context.loaders.participant.load_many([r.participant_id for r in rows])
        accesses = await asyncio.gather(*(row_access(info.context, p) for p in people if p))
        ties = await info.context.read(
            lambda s: queries.tie_counts(s, season, direction, [r.points for r in rows])
        )
        if hints is not None:
            hints.participants.update(r.participant_id for r in rows)
            hints.filtered = hints.filtered or row_filter.active
        if hints is not None and rows:
            until = await _valid_until(info, [r.participant_id for r in rows])
            if until is not None:
                hints.expires(until)
        by_id = {p.id: (p, a) for p, a in zip([p for p in people if p], accesses, strict=True)}
        edges = []
        for row, cursor in zip(rows, found.cursors, strict=True):
            person, access = by_id[row.participant_id]
            node = LeaderboardRowType(
                rank=row.rank or 0,
                points=row.points,
                row=row,
                access=access,
                region_code=person.region_code,
                ties=ties.get(row.points, 1),
                ranked_count=ranked,
            )
            edges.append(Edge(cursor=cursor, node=node))
        return LeaderboardConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=found.has_next_page,
                has_previous_page=found.has_previous_page,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=found.total_count,
            ranked_count=ranked,
            stream_cursor=encode_cursor((board.head_cursor or 0,)) if board else None,
            rules_version=board.rules_version if board else None,
            computed_at=board.computed_at if board else None,
            frozen=bool(board and board.frozen_at),
        )

    @strawberry.field(
        description="A participant's entries with their explanation (the participant, its "
        "guardians, staff, universities in scope); empty for anyone else."
    )
    async def rating_entries(
        self, info: Info, participant_id: strawberry.ID, season: str | None = None
    ) -> list[RatingEntryType]:
        parsed = parse_global_id(str(participant_id))
        if parsed is None or parsed[0] != "Participant":
            return []
        person = await info.context.loaders.participant.load(parsed[1])
        if person is None:
            return []
        access = await row_access(info.context, person)
        if not access.view.explanation:
            return []
        rows = await info.context.read(
            lambda s: queries.entries_of_participant(s, parsed[1], season)
        )
        return [entry_type(row, access) for row in rows]

    @strawberry.field(description="A published rules version (the latest without `version`).")
    async def rating_rules(self, info: Info, version: int | None = None) -> RatingRulesType | None:
        found = await info.context.read(lambda s: queries.rules(s, version))
        return RatingRulesType.from_domain(found) if found else None

    @strawberry.field(description="A diploma by its number: its status for anyone who has it.")
    async def diploma(self, info: Info, number: str) -> DiplomaType | None:
        found = await info.context.read(lambda s: queries.diploma(s, number.strip()[:40]))
        if found is None:
            return None
        credential = None
        person = await info.context.loaders.participant.load(found.participant_id)
        if person is not None:
            access = await row_access(info.context, person)
            if may_hold_diploma(access.relation):
                credential = await _credential(info, found, person)
        return DiplomaType.from_domain(found, credential)

    @strawberry.field(description="A participant's diplomas (as `ratingEntries` decides who).")
    async def participant_diplomas(
        self, info: Info, participant_id: strawberry.ID
    ) -> list[DiplomaType]:
        parsed = parse_global_id(str(participant_id))
        if parsed is None or parsed[0] != "Participant":
            return []
        person = await info.context.loaders.participant.load(parsed[1])
        if person is None:
            return []
        access = await row_access(info.context, person)
        if not access.view.explanation:
            return []
        rows = await info.context.read(lambda s: queries.diplomas_of(s, parsed[1]))
        holder = may_hold_diploma(access.relation)
        return [
            DiplomaType.from_domain(d, await _credential(info, d, person) if holder else None)
            for d in rows
        ]

    @strawberry.field(
        description="Check a presented diploma credential: signature, then current status."
    )
    async def verify_diploma(self, info: Info, token: str) -> DiplomaVerification:
        found = services(info)
        status, diploma, claims = await verify_diploma(
            lambda number: info.context.read(lambda s: queries.diploma(s, number)),
            found.signer,
            token.strip(),
        )
        holder = ((claims or {}).get("diploma") or {}).get("holder") if diploma else None
        return DiplomaVerification(
            status=status,
            diploma=DiplomaType.from_domain(diploma) if diploma else None,
            holder=holder,
        )


async def _credential(info: Info, diploma: Diploma, person: Participant) -> str:
    names = [person.last_name, person.first_name, person.middle_name]
    holder = " ".join(n for n in names if n) or None
    direction = (await info.context.loaders.directions()).get(diploma.direction_code)
    claims = diploma_claims(
        diploma,
        holder_name=holder,
        direction_title=direction.title_ru if direction else diploma.direction_code,
        issued_at=diploma.issued_at,
    )
    return services(info).signer.sign(claims)
