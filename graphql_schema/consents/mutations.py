"""Grant, confirm and revoke consents (the age rules live in `domain.consent_rules`)."""

from __future__ import annotations

from datetime import date

import strawberry

from domain.consents import Consent, ConsentPurpose
from domain.errors import DomainError
from domain.services import consents as use_cases
from graphql_schema.consents.types import ConsentType, consent_for
from graphql_schema.context import Context
from graphql_schema.errors import UserError
from graphql_schema.mutation_support import forget, id_of, require_sign_in

Info = strawberry.Info[Context, None]
NO_PARTICIPANT = "No participant you represent has this id."
NO_CONSENT = "No consent you can act on has this id."


@strawberry.input
class GrantConsentInput:
    participant_id: strawberry.ID
    purpose: ConsentPurpose
    document_version: int = strawberry.field(
        description="The version of the consent text shown (see `consentDocuments`)."
    )
    birth_date: date | None = strawberry.field(
        default=None,
        description="Needed with the first grant when none is on record: the age decides "
        "who may consent.",
    )
    all_universities: bool = True
    university_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="UNIVERSITY_SHARING / CONTACT_SHARING limited to these universities "
        "(with `allUniversities: false`).",
    )
    expires_on: date | None = None


@strawberry.input
class ConfirmConsentInput:
    consent_id: strawberry.ID


@strawberry.input
class RevokeConsentInput:
    consent_id: strawberry.ID


@strawberry.type(description="The consent as it stands after the change, or why nothing changed.")
class ConsentPayload:
    consent: ConsentType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def _payload(info: Info, consent: Consent) -> ConsentPayload:
    assert consent.id is not None
    forget(info.context.privacy.consent, consent.id)
    forget(info.context.loaders.participant, consent.participant_id)
    return ConsentPayload(consent=await consent_for(info.context, consent.id))


@strawberry.type
class ConsentMutation:
    @strawberry.mutation(
        description="Give a consent for yourself or a ward. Under 14 a confirmed guardian "
        "gives it alone; 14–17 either side starts it and it takes effect when the other "
        "confirms (`confirmConsent`); from 18 the participant alone."
    )
    async def grant_consent(self, info: Info, input: GrantConsentInput) -> ConsentPayload:
        require_sign_in(info)
        ctx = info.context
        try:
            pid = id_of(input.participant_id, "Participant", "participantId", NO_PARTICIPANT)
            universities = tuple(
                id_of(u, "Organization", "universityIds", "Unknown university.")
                for u in input.university_ids or ()
            )
            request = use_cases.GrantRequest(
                participant_id=pid,
                purpose=input.purpose,
                document_version=input.document_version,
                birth_date=input.birth_date,
                all_universities=input.all_universities,
                university_ids=universities,
                expires_on=input.expires_on,
            )
            consent = await use_cases.grant_consent(
                ctx.uow(), ctx.viewer, request, ctx.services.clock
            )
        except DomainError as error:
            return ConsentPayload(user_errors=[UserError.from_domain(error)])
        return await _payload(info, consent)

    @strawberry.mutation(description="The other party agrees to a pending grant.")
    async def confirm_consent(self, info: Info, input: ConfirmConsentInput) -> ConsentPayload:
        require_sign_in(info)
        ctx = info.context
        try:
            cid = id_of(input.consent_id, "Consent", "consentId", NO_CONSENT)
            consent = await use_cases.confirm_consent(
                ctx.uow(), ctx.viewer, cid, ctx.services.clock
            )
        except DomainError as error:
            return ConsentPayload(user_errors=[UserError.from_domain(error)])
        return await _payload(info, consent)

    @strawberry.mutation(
        description="Revoke a consent (or withdraw a pending request); it applies from the "
        "very next request. Revoking PROCESSING schedules erasure 30 days later."
    )
    async def revoke_consent(self, info: Info, input: RevokeConsentInput) -> ConsentPayload:
        require_sign_in(info)
        ctx = info.context
        try:
            cid = id_of(input.consent_id, "Consent", "consentId", NO_CONSENT)
            consent = await use_cases.revoke_consent(ctx.uow(), ctx.viewer, cid, ctx.services.clock)
        except DomainError as error:
            return ConsentPayload(user_errors=[UserError.from_domain(error)])
        return await _payload(info, consent)
