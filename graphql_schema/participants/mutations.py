"""Personal data entry (under PROCESSING) and a moderator's identity check by document."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from domain.errors import DomainError
from domain.identity import DocumentKind
from domain.participants import Participant
from domain.services import identity as identity_cases
from domain.services import profiles
from graphql_schema.context import Context
from graphql_schema.errors import UserError
from graphql_schema.mutation_support import forget, id_of, require_sign_in
from graphql_schema.participants.types import ParticipantType, participant_for

Info = strawberry.Info[Context, None]
NO_PARTICIPANT = "No participant you represent has this id."
DocumentKindEnum = strawberry.enum(DocumentKind, name="DocumentKind")

_FIELDS = {
    "last_name": "last_name",
    "first_name": "first_name",
    "middle_name": "middle_name",
    "birth_date": "birth_date",
    "region_code": "region_code",
    "school": "school",
    "grade": "grade",
    "email": "email",
    "phone": "phone",
}


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class UpdateParticipantProfileInput:
    participant_id: strawberry.ID
    last_name: str | None = strawberry.UNSET
    first_name: str | None = strawberry.UNSET
    middle_name: str | None = strawberry.UNSET
    birth_date: date | None = strawberry.UNSET
    region_code: str | None = strawberry.UNSET
    school: str | None = strawberry.UNSET
    grade: int | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET


@strawberry.input
class VerifyParticipantByDocumentInput:
    participant_id: strawberry.ID
    document_kind: DocumentKind
    comment: str | None = None


@strawberry.type
class ParticipantPayload:
    participant: ParticipantType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def _payload(info: Info, participant: Participant) -> ParticipantPayload:
    assert participant.id is not None
    forget(info.context.loaders.participant, participant.id)
    forget(info.context.privacy.consents, participant.id)
    return ParticipantPayload(participant=await participant_for(info.context, participant.id))


@strawberry.type
class ParticipantMutation:
    @strawberry.mutation(
        description="The participant (or a confirmed guardian) enters personal data; only "
        "while the processing consent (PROCESSING) is in force."
    )
    async def update_participant_profile(
        self, info: Info, input: UpdateParticipantProfileInput
    ) -> ParticipantPayload:
        require_sign_in(info)
        ctx = info.context
        values: dict[str, Any] = {
            domain_name: getattr(input, name)
            for name, domain_name in _FIELDS.items()
            if getattr(input, name) is not strawberry.UNSET
        }
        try:
            pid = id_of(input.participant_id, "Participant", "participantId", NO_PARTICIPANT)
            participant = await profiles.update_profile(
                ctx.uow(),
                ctx.viewer,
                profiles.ProfileUpdate(participant_id=pid, values=values),
                ctx.services.clock,
            )
        except DomainError as error:
            return ParticipantPayload(user_errors=[UserError.from_domain(error)])
        return await _payload(info, participant)

    @strawberry.mutation(
        description="A moderator saw a document matching the profile's name and birth date; "
        "only the document's kind is kept."
    )
    async def verify_participant_by_document(
        self, info: Info, input: VerifyParticipantByDocumentInput
    ) -> ParticipantPayload:
        require_sign_in(info)
        ctx = info.context
        try:
            pid = id_of(input.participant_id, "Participant", "participantId", NO_PARTICIPANT)
            participant = await identity_cases.verify_by_document(
                ctx.uow(),
                ctx.viewer,
                pid,
                kind=input.document_kind,
                comment=input.comment,
                clock=ctx.services.clock,
            )
        except DomainError as error:
            return ParticipantPayload(user_errors=[UserError.from_domain(error)])
        return await _payload(info, participant)
