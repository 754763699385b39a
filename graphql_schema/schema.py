"""The schema: merged query, mutation and subscription roots, and the guards
of the contract (depth, tokens, aliases, masked errors, introspection)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import datetime

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from domain.errors import ErrorCode
from graphql_schema.access_log import AccessLogFlush
from graphql_schema.accounts.mutations import AccountMutation
from graphql_schema.accounts.types import AccountType, GuardianType, OrganizationType, account_for
from graphql_schema.achievements.mutations import AchievementMutation
from graphql_schema.achievements.queries import AchievementQuery
from graphql_schema.achievements.types import AchievementType
from graphql_schema.analytics.mutations import AnalyticsMutation
from graphql_schema.analytics.queries import AnalyticsQuery
from graphql_schema.analytics.types import KnowledgeTestType, QualityFlagType, QuestionnaireType
from graphql_schema.consents.mutations import ConsentMutation
from graphql_schema.consents.types import (
    ConsentDocumentType,
    ConsentHistoryEntryType,
    ConsentType,
)
from graphql_schema.context import Context
from graphql_schema.errors import CodedError, make_error_codes_extension
from graphql_schema.events.mutations import EventMutation
from graphql_schema.events.queries import EventQuery
from graphql_schema.events.types import EventType
from graphql_schema.guardians.mutations import GuardianMutation
from graphql_schema.guardians.types import GuardianLinkType
from graphql_schema.identity.mutations import IdentityMutation
from graphql_schema.imports.mutations import ImportMutation
from graphql_schema.imports.queries import ImportQuery
from graphql_schema.imports.types import ImportBatchType, ImportRowType
from graphql_schema.node import NodeQuery
from graphql_schema.observability import OperationMetrics
from graphql_schema.participants.mutations import ParticipantMutation
from graphql_schema.participants.queries import ParticipantQuery
from graphql_schema.participants.types import ParticipantType
from graphql_schema.privacy.queries import PrivacyQuery
from graphql_schema.privacy.types import AccessLogEntryType
from graphql_schema.ratings.mutations import RatingMutation
from graphql_schema.ratings.queries import RatingQuery
from graphql_schema.ratings.stream import RatingEventsQuery, RatingSubscription
from graphql_schema.ratings.types import RatingEntryType
from graphql_schema.reference.queries import ReferenceQuery
from graphql_schema.shared_results import SharedResultsExecutor
from graphql_schema.text_inputs import StorableText


@strawberry.type
class AccountQuery:
    @strawberry.field(description="The signed-in account; null without a token.")
    async def me(self, info: strawberry.Info[Context, None]) -> AccountType | None:
        account_id = info.context.viewer.account_id
        return await account_for(info.context, account_id) if account_id is not None else None


Query = merge_types(
    "Query",
    (
        AccountQuery,
        NodeQuery,
        EventQuery,
        ReferenceQuery,
        ImportQuery,
        AchievementQuery,
        AnalyticsQuery,
        ParticipantQuery,
        PrivacyQuery,
        RatingQuery,
        RatingEventsQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AccountMutation,
        EventMutation,
        ImportMutation,
        AchievementMutation,
        AnalyticsMutation,
        ConsentMutation,
        GuardianMutation,
        ParticipantMutation,
        IdentityMutation,
        RatingMutation,
    ),
)


@strawberry.type
class HeartbeatSubscription:
    @strawberry.subscription(
        description="Server time every few seconds: lets a client check that its "
        "authenticated socket is alive end to end."
    )
    async def heartbeat(
        self, info: strawberry.Info[Context, None], every_seconds: int = 10
    ) -> AsyncGenerator[datetime, None]:
        if info.context.viewer.account_id is None:
            raise CodedError("Sign in first.", ErrorCode.UNAUTHENTICATED)
        if not 1 <= every_seconds <= 300:
            raise CodedError("everySeconds is 1–300.", ErrorCode.BAD_USER_INPUT)
        while True:
            yield info.context.services.clock.now()
            await asyncio.sleep(every_seconds)


Subscription = merge_types("Subscription", (HeartbeatSubscription, RatingSubscription))


@dataclass(frozen=True)
class SchemaLimits:
    max_depth: int = 12
    max_tokens: int = 2000
    max_aliases: int = 30
    introspection: bool = True
    mask_errors: bool = False
    suggestions: bool = True


def _limit(cls: type[SchemaExtension], **kwargs: object) -> type[SchemaExtension]:
    """A configured extension *class*: strawberry instantiates it per operation."""

    class Configured(cls):  # type: ignore[valid-type, misc]
        def __init__(self, *, execution_context: object = None) -> None:
            super().__init__(**kwargs)

    Configured.__name__ = cls.__name__
    return Configured


def _rules_once(cls: type[AddValidationRules], **kwargs: object) -> type[SchemaExtension]:
    """A validation-rule extension whose rule classes are made once, not per operation
    (QueryDepthLimiter and MaxAliasesLimiter build a new rule class in `__init__`):
    the same rules every time is what lets `ValidationCache` find a document again."""
    rules = list(cls(**kwargs).validation_rules)  # type: ignore[arg-type]

    class Configured(AddValidationRules):
        def __init__(self, *, execution_context: object = None) -> None:
            super().__init__(rules)

    Configured.__name__ = cls.__name__
    return Configured


class TalentSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: object = None) -> None:
        """Client mistakes are not server errors: the ErrorCodes extension logs
        the unexpected ones with their cause; the rest show up in metrics."""


DOCUMENT_CACHE_SIZE = 512
"""Distinct documents kept validated per process (clients send a few
dozen; a flood of distinct texts only evicts)."""


def build_schema(limits: SchemaLimits | None = None) -> strawberry.Schema:
    limits = limits or SchemaLimits()
    extensions: list[type[SchemaExtension]] = [
        OperationMetrics,  # first, so it sees the codes ErrorCodes assigns
        _limit(MaxTokensLimiter, max_token_count=limits.max_tokens),
        _rules_once(QueryDepthLimiter, max_depth=limits.max_depth),
        _rules_once(MaxAliasesLimiter, max_alias_count=limits.max_aliases),
        make_error_codes_extension(mask=limits.mask_errors),
        StorableText,
        AccessLogFlush,  # last of the execute hooks: exits first, so a failed log write
        # still gets its code
        # A document validated once, not per request (~5% of an uncached leaderboard
        # page's CPU went to validation): keyed by the document (equal by structure,
        # graphql-core's nodes are frozen dataclasses), schema and rules; bounded.
        # No ParserCache: it parses inside its hook, where strawberry's handling of a
        # syntax error (and our code for it) does not reach.
        _limit(ValidationCache, maxsize=DOCUMENT_CACHE_SIZE),
    ]
    if not limits.introspection:
        extensions.append(_rules_once(AddValidationRules, validation_rules=[NoIntrospection]))
    return TalentSchema(
        execution_context_class=SharedResultsExecutor,
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[
            ParticipantType,
            QuestionnaireType,
            KnowledgeTestType,
            QualityFlagType,
            EventType,
            AccountType,
            GuardianType,
            OrganizationType,
            ImportBatchType,
            ImportRowType,
            AchievementType,
            GuardianLinkType,
            ConsentType,
            ConsentHistoryEntryType,
            ConsentDocumentType,
            AccessLogEntryType,
            RatingEntryType,
        ],
        extensions=extensions,
        config=StrawberryConfig(
            relay_max_results=100, disable_field_suggestions=not limits.suggestions
        ),
    )


class NoIntrospection(NoSchemaIntrospectionCustomRule):
    """Production default: introspection off unless explicitly enabled."""

    def report_error(self, error: GraphQLError) -> None:
        super().report_error(error)


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
