"""Registration, login, refresh-token rotation and logout."""

from __future__ import annotations

from collections.abc import Awaitable

import strawberry

from domain.errors import DomainError, ErrorCode, Unauthenticated
from domain.services import accounts as use_cases
from graphql_schema.accounts.types import AuthPayload, LogoutPayload, load_account
from graphql_schema.context import Context
from graphql_schema.errors import CodedError, UserError


@strawberry.input
class RegisterAnonymousInput:
    nickname: str


@strawberry.input
class RegisterStudentInput:
    email: str
    password: str
    nickname: str


@strawberry.input
class RegisterGuardianInput:
    email: str
    password: str
    last_name: str
    first_name: str
    middle_name: str | None = None
    phone: str | None = None


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.input
class LogoutInput:
    refresh_token: str


async def _session(
    info: strawberry.Info[Context, None], action: Awaitable[use_cases.TokenPair]
) -> AuthPayload:
    """Run a session-issuing use case; expected failures become `userErrors`."""
    try:
        pair = await action
    except DomainError as error:
        return AuthPayload(user_errors=[UserError.from_domain(error)])
    assert pair.account.id is not None
    # The rest of this operation runs as the new session, exactly as the next
    # request with the new access token would.
    info.context.viewer = await info.context.services.authenticate(pair.access_token)
    account = await load_account(info.context, pair.account.id)
    return AuthPayload(
        access_token=pair.access_token, refresh_token=pair.refresh_token, account=account
    )


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="Start with a nickname only: no personal data is stored.")
    async def register_anonymous(
        self, info: strawberry.Info[Context, None], input: RegisterAnonymousInput
    ) -> AuthPayload:
        ctx = info.context
        return await _session(
            info,
            use_cases.register_anonymous(ctx.uow(), input.nickname, ctx.services.credentials),
        )

    @strawberry.mutation(description="A student login (email and password) with a nickname.")
    async def register_student(
        self, info: strawberry.Info[Context, None], input: RegisterStudentInput
    ) -> AuthPayload:
        ctx = info.context
        data = use_cases.StudentRegistration(
            email=input.email, password=input.password, nickname=input.nickname
        )
        return await _session(
            info, use_cases.register_student(ctx.uow(), data, ctx.services.credentials)
        )

    @strawberry.mutation(description="A guardian (legal representative) login.")
    async def register_guardian(
        self, info: strawberry.Info[Context, None], input: RegisterGuardianInput
    ) -> AuthPayload:
        ctx = info.context
        data = use_cases.GuardianRegistration(
            email=input.email,
            password=input.password,
            last_name=input.last_name,
            first_name=input.first_name,
            middle_name=input.middle_name,
            phone=input.phone,
        )
        return await _session(
            info, use_cases.register_guardian(ctx.uow(), data, ctx.services.credentials)
        )

    @strawberry.mutation(description="Sign in with email and password.")
    async def login(self, info: strawberry.Info[Context, None], input: LoginInput) -> AuthPayload:
        ctx = info.context
        return await _session(
            info, use_cases.login(ctx.uow(), input.email, input.password, ctx.services.credentials)
        )

    @strawberry.mutation(
        description="Exchange a refresh token for a new pair. Each refresh token works once; "
        "presenting a used one again revokes every token of its session."
    )
    async def refresh_token(
        self, info: strawberry.Info[Context, None], input: RefreshTokenInput
    ) -> AuthPayload:
        ctx = info.context
        return await _session(
            info, use_cases.refresh(ctx.uow(), input.refresh_token, ctx.services.credentials)
        )

    @strawberry.mutation(description="End the session the refresh token belongs to.")
    async def logout(
        self, info: strawberry.Info[Context, None], input: LogoutInput
    ) -> LogoutPayload:
        ctx = info.context
        if ctx.viewer.account_id is None:
            raise CodedError("Sign in first.", ErrorCode.UNAUTHENTICATED)
        ok = await use_cases.logout(
            ctx.uow(), input.refresh_token, ctx.viewer.account_id, ctx.services.clock
        )
        if not ok:
            error = Unauthenticated("The refresh token is not valid.", field="refreshToken")
            return LogoutPayload(ok=False, user_errors=[UserError.from_domain(error)])
        return LogoutPayload(ok=True)
