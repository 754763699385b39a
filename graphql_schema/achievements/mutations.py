"""Claiming achievements with evidence, submitting them, and moderators' decisions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from enum import Enum

import strawberry
from strawberry.file_uploads import Upload

from domain.achievements import Achievement, AchievementStatus, Evidence
from domain.errors import DomainError, InvalidInput
from domain.events import EventKind, EventLevel
from domain.policy import Relation
from domain.results import ResultStatus
from domain.services import achievements as use_cases
from domain.services import evidence as evidence_cases
from graphql_schema.achievements.types import AchievementType, EvidenceType, staff_view
from graphql_schema.context import Context
from graphql_schema.errors import UserError
from graphql_schema.ids import decode_id


@strawberry.enum(description="What a moderator decides about a submitted claim.")
class AchievementDecision(Enum):
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    NEEDS_CHANGES = "NEEDS_CHANGES"


@strawberry.input
class AchievementClaimInput:
    title: str
    kind: EventKind
    level: EventLevel
    result_status: ResultStatus
    achieved_on: date
    directions: list[str]
    description: str | None = None
    event_id: strawberry.ID | None = None


@strawberry.input
class UpdateAchievementInput:
    id: strawberry.ID
    claim: AchievementClaimInput


@strawberry.input(description="Exactly one of `file` and `url`.")
class AddAchievementEvidenceInput:
    achievement_id: strawberry.ID
    file: Upload | None = strawberry.field(
        default=None, description="PDF, PNG or JPEG (checked from the content), size-limited."
    )
    url: str | None = None


@strawberry.input
class AchievementIdInput:
    id: strawberry.ID


@strawberry.input
class DecideAchievementInput:
    id: strawberry.ID
    decision: AchievementDecision
    version: int = strawberry.field(description="The version the moderator saw.")
    comment: str | None = strawberry.field(
        default=None, description="Required for REJECTED and NEEDS_CHANGES."
    )


@strawberry.type
class AchievementPayload:
    achievement: AchievementType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AddAchievementEvidencePayload:
    evidence: EvidenceType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _claim(input: AchievementClaimInput) -> use_cases.AchievementClaim:
    return use_cases.AchievementClaim(
        title=input.title,
        kind=input.kind,
        level=input.level,
        result_status=input.result_status,
        achieved_on=input.achieved_on,
        direction_codes=tuple(input.directions),
        description=input.description,
        event_id=decode_id(input.event_id, "Event", "eventId") if input.event_id else None,
    )


async def _payload(
    context: Context, run: Callable[[], Awaitable[Achievement]], relation: Relation
) -> AchievementPayload:
    try:
        achievement = await run()
    except DomainError as error:
        return AchievementPayload(user_errors=[UserError.from_domain(error)])
    return AchievementPayload(achievement=staff_view(context, achievement, relation))


@strawberry.type
class AchievementMutation:
    @strawberry.mutation(description="A new DRAFT claim of the signed-in student.")
    async def create_achievement(
        self, info: strawberry.Info[Context, None], input: AchievementClaimInput
    ) -> AchievementPayload:
        ctx = info.context

        async def run() -> Achievement:
            return await use_cases.create_achievement(
                ctx.uow(), ctx.viewer, _claim(input), ctx.services.clock
            )

        return await _payload(ctx, run, Relation.SELF)

    @strawberry.mutation(description="Edit a DRAFT or NEEDS_CHANGES claim.")
    async def update_achievement(
        self, info: strawberry.Info[Context, None], input: UpdateAchievementInput
    ) -> AchievementPayload:
        ctx = info.context

        async def run() -> Achievement:
            pk = decode_id(input.id, "Achievement", "id")
            return await use_cases.update_achievement(
                ctx.uow(), ctx.viewer, pk, _claim(input.claim), ctx.services.clock
            )

        return await _payload(ctx, run, Relation.SELF)

    @strawberry.mutation(description="Attach a file or a link (multipart request for files).")
    async def add_achievement_evidence(
        self, info: strawberry.Info[Context, None], input: AddAchievementEvidenceInput
    ) -> AddAchievementEvidencePayload:
        ctx = info.context
        try:
            pk = decode_id(input.achievement_id, "Achievement", "achievementId")
            if (input.file is None) == (input.url is None):
                raise InvalidInput("Give exactly one of `file` and `url`.", field="file")
            item: Evidence
            if input.file is not None:
                item = await evidence_cases.add_evidence_file(
                    ctx.uow(),
                    ctx.services.blobs,
                    ctx.viewer,
                    pk,
                    input.file.file,  # type: ignore[attr-defined]
                    getattr(input.file, "filename", None),
                    ctx.services.uploads.evidence_max_bytes,
                    ctx.services.clock,
                )
            else:
                assert input.url is not None
                item = await evidence_cases.add_evidence_link(
                    ctx.uow(), ctx.viewer, pk, input.url, ctx.services.clock
                )
        except DomainError as error:
            return AddAchievementEvidencePayload(user_errors=[UserError.from_domain(error)])
        return AddAchievementEvidencePayload(evidence=EvidenceType.from_domain(item))

    @strawberry.mutation(description="DRAFT or NEEDS_CHANGES → SUBMITTED for moderation.")
    async def submit_achievement(
        self, info: strawberry.Info[Context, None], input: AchievementIdInput
    ) -> AchievementPayload:
        ctx = info.context

        async def run() -> Achievement:
            pk = decode_id(input.id, "Achievement", "id")
            return await use_cases.submit_achievement(ctx.uow(), ctx.viewer, pk, ctx.services.clock)

        return await _payload(ctx, run, Relation.SELF)

    @strawberry.mutation(
        description="Moderators: decide a SUBMITTED claim at the version seen. Of two "
        "decisions at once exactly one wins; the other gets CONFLICT."
    )
    async def decide_achievement(
        self, info: strawberry.Info[Context, None], input: DecideAchievementInput
    ) -> AchievementPayload:
        ctx = info.context

        async def run() -> Achievement:
            pk = decode_id(input.id, "Achievement", "id")
            return await use_cases.decide_achievement(
                ctx.uow(),
                ctx.viewer,
                pk,
                AchievementStatus(input.decision.value),
                input.comment,
                input.version,
                ctx.services.clock,
            )

        return await _payload(ctx, run, Relation.STAFF)
