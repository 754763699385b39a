"""Request, decide and end guardian links."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from domain.accounts import Role
from domain.errors import DomainError
from domain.guardians import GuardianLink, GuardianRelation
from domain.services import guardians as use_cases
from graphql_schema.context import Context
from graphql_schema.errors import UserError
from graphql_schema.guardians.types import GuardianLinkType, link_for
from graphql_schema.mutation_support import forget, id_of, require_sign_in

Info = strawberry.Info[Context, None]
NO_LINK = "No guardian link you can act on has this id."


@strawberry.enum(name="GuardianLinkDecision")
class GuardianLinkDecision(StrEnum):
    CONFIRM = "CONFIRM"
    REJECT = "REJECT"


@strawberry.input
class RequestGuardianLinkInput:
    relation: GuardianRelation
    guardian_email: str | None = strawberry.field(
        default=None, description="A student names its guardian's login email."
    )
    participant_email: str | None = strawberry.field(
        default=None, description="A guardian names its ward's login email."
    )


@strawberry.input
class DecideGuardianLinkInput:
    link_id: strawberry.ID
    decision: GuardianLinkDecision
    comment: str = strawberry.field(description="What evidence was seen (or why not).")


@strawberry.input
class EndGuardianLinkInput:
    link_id: strawberry.ID


@strawberry.type
class GuardianLinkPayload:
    link: GuardianLinkType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def _payload(info: Info, link: GuardianLink) -> GuardianLinkPayload:
    assert link.id is not None
    forget(info.context.privacy.link, link.id)
    return GuardianLinkPayload(link=await link_for(info.context, link.id))


@strawberry.type
class GuardianMutation:
    @strawberry.mutation(
        description="A student asks to be linked to its guardian, or a guardian to its ward; "
        "the link is PENDING until a moderator (or the identity provider) confirms it."
    )
    async def request_guardian_link(
        self, info: Info, input: RequestGuardianLinkInput
    ) -> GuardianLinkPayload:
        require_sign_in(info)
        ctx = info.context
        student = ctx.viewer.role is Role.STUDENT
        email = input.guardian_email if student else input.participant_email
        try:
            link = await use_cases.request_link(
                ctx.uow(),
                ctx.viewer,
                other_email=email or "",
                relation=input.relation,
                clock=ctx.services.clock,
            )
        except DomainError as error:
            return GuardianLinkPayload(user_errors=[UserError.from_domain(error)])
        return await _payload(info, link)

    @strawberry.mutation(description="A moderator confirms or rejects a pending link.")
    async def decide_guardian_link(
        self, info: Info, input: DecideGuardianLinkInput
    ) -> GuardianLinkPayload:
        require_sign_in(info)
        ctx = info.context
        try:
            link_id = id_of(input.link_id, "GuardianLink", "linkId", NO_LINK)
            link = await use_cases.decide_link(
                ctx.uow(),
                ctx.viewer,
                link_id,
                confirm=input.decision is GuardianLinkDecision.CONFIRM,
                comment=input.comment,
                clock=ctx.services.clock,
            )
        except DomainError as error:
            return GuardianLinkPayload(user_errors=[UserError.from_domain(error)])
        return await _payload(info, link)

    @strawberry.mutation(
        description="The participant, the guardian or a moderator ends a link (or withdraws "
        "a pending request); the guardian sees and acts no more from the next request."
    )
    async def end_guardian_link(
        self, info: Info, input: EndGuardianLinkInput
    ) -> GuardianLinkPayload:
        require_sign_in(info)
        ctx = info.context
        try:
            link_id = id_of(input.link_id, "GuardianLink", "linkId", NO_LINK)
            link = await use_cases.end_link(ctx.uow(), ctx.viewer, link_id, ctx.services.clock)
        except DomainError as error:
            return GuardianLinkPayload(user_errors=[UserError.from_domain(error)])
        return await _payload(info, link)
