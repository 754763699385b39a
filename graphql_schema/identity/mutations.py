"""Sign-in and verification with the state identity provider's ID token.

The client asks for a nonce, sends the user to the provider with it, and comes
back with the provider's ID token; the token must carry that nonce, which works
once. See `domain/identity.py` for the claims used (`wards` for guardianship).
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.errors import DomainError, InvalidInput
from domain.services import identity as use_cases
from graphql_schema.accounts.mutations import _session
from graphql_schema.accounts.types import AuthPayload
from graphql_schema.context import Context
from graphql_schema.errors import UserError
from graphql_schema.guardians.types import GuardianLinkType, link_for
from graphql_schema.mutation_support import forget, require_sign_in
from graphql_schema.participants.types import ParticipantType, participant_for

Info = strawberry.Info[Context, None]
NOT_CONFIGURED = "Sign-in with the identity provider is not configured on this server."


@strawberry.input
class IdTokenInput:
    id_token: str = strawberry.field(description="The provider's signed ID token (a JWT).")


@strawberry.type
class IdentityNoncePayload:
    nonce: str | None = None
    expires_at: datetime | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class VerifyIdentityPayload:
    participant: ParticipantType | None = strawberry.field(
        default=None,
        description="A student's participant: VERIFIED when PROCESSING is in force; "
        "otherwise only the identity is linked (verify again after consenting).",
    )
    verified: bool = False
    confirmed_links: list[GuardianLinkType] = strawberry.field(
        default_factory=list, description="Guardian links the token's `wards` claim confirmed."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(
        description="A single-use nonce to send to the identity provider; its ID token must "
        "carry it back."
    )
    async def identity_provider_nonce(self, info: Info) -> IdentityNoncePayload:
        services = info.context.services
        if services.identity is None:
            return IdentityNoncePayload(
                user_errors=[UserError.from_domain(InvalidInput(NOT_CONFIGURED))]
            )
        nonce, expires_at = await use_cases.issue_nonce(
            info.context.uow(), services.clock, services.identity_nonce_ttl
        )
        return IdentityNoncePayload(nonce=nonce, expires_at=expires_at)

    @strawberry.mutation(description="Sign in with the provider's ID token (a linked account).")
    async def sign_in_with_identity_provider(self, info: Info, input: IdTokenInput) -> AuthPayload:
        ctx = info.context
        verifier = ctx.services.identity
        if verifier is None:
            return AuthPayload(user_errors=[UserError.from_domain(InvalidInput(NOT_CONFIGURED))])
        return await _session(
            info,
            use_cases.sign_in_with_identity(
                ctx.uow(), verifier, input.id_token, ctx.services.credentials
            ),
        )

    @strawberry.mutation(
        description="Link the provider's identity to the signed-in account: a student becomes "
        "VERIFIED with the name and birth date the provider asserts; a guardian's pending "
        "links to the wards the token names are confirmed."
    )
    async def verify_with_identity_provider(
        self, info: Info, input: IdTokenInput
    ) -> VerifyIdentityPayload:
        require_sign_in(info)
        ctx = info.context
        verifier = ctx.services.identity
        try:
            if verifier is None:
                raise InvalidInput(NOT_CONFIGURED)
            outcome = await use_cases.verify_with_identity(
                ctx.uow(), ctx.viewer, verifier, input.id_token, ctx.services.clock
            )
        except DomainError as error:
            return VerifyIdentityPayload(user_errors=[UserError.from_domain(error)])
        participant = None
        if outcome.participant is not None and outcome.participant.id is not None:
            forget(ctx.loaders.participant, outcome.participant.id)
            participant = await participant_for(ctx, outcome.participant.id)
        links = [await link_for(ctx, link.id) for link in outcome.confirmed_links if link.id]
        return VerifyIdentityPayload(
            participant=participant,
            verified=outcome.verified,
            confirmed_links=[v for v in links if v is not None],
        )
