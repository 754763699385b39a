"""The Participant type: every personal field asks the policy before it resolves.

The relation and the consents in force are decided once per row (from data read
in this request); each field then checks membership in the decided field set:
`null` with FORBIDDEN at its path when denied, an access-log record when a
logged viewer is served personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from domain.errors import DomainError
from domain.participants import Participant, ParticipantStatus
from domain.policy import Relation, can_reach, can_reach_profile
from graphql_schema.context import Context
from graphql_schema.errors import CodedError
from graphql_schema.pagination import Connection, connection_from_page
from graphql_schema.permissions import Access, access_for, standing
from graphql_schema.reference.types import RegionType
from persistence.queries import footprint
from persistence.queries import privacy as privacy_queries
from persistence.queries.pages import PageRequest, page_request

if TYPE_CHECKING:
    from graphql_schema.achievements.types import AchievementType
    from graphql_schema.analytics.types import QualityFlagType
    from graphql_schema.consents.types import ConsentHistoryEntryType, ConsentType
    from graphql_schema.events.results import ResultType
    from graphql_schema.guardians.types import GuardianLinkType
    from graphql_schema.privacy.types import AccessLogEntryType

ParticipantStatusEnum = strawberry.enum(ParticipantStatus, name="ParticipantStatus")

_PERSONAL = (
    "Personal data: visible per the permission policy (docs/permissions.md); "
    "a denied field is null with a FORBIDDEN error at its path."
)
Info = strawberry.Info[Context, None]
_Consent = Annotated["ConsentType", strawberry.lazy("graphql_schema.consents.types")]
_History = Annotated["ConsentHistoryEntryType", strawberry.lazy("graphql_schema.consents.types")]
_Link = Annotated["GuardianLinkType", strawberry.lazy("graphql_schema.guardians.types")]
_Access = Annotated["AccessLogEntryType", strawberry.lazy("graphql_schema.privacy.types")]
_Result = Annotated["ResultType", strawberry.lazy("graphql_schema.events.results")]
_Achievement = Annotated["AchievementType", strawberry.lazy("graphql_schema.achievements.types")]
_QualityFlag = Annotated["QualityFlagType", strawberry.lazy("graphql_schema.analytics.types")]


@strawberry.type(name="Participant", description="A student whose footprint is kept.")
class ParticipantType(relay.Node):
    id: relay.NodeID[int]
    nickname: str
    status: ParticipantStatus
    row: strawberry.Private[Participant]
    access: strawberry.Private[Access]

    @strawberry.field(description=_PERSONAL)
    def last_name(self, info: Info) -> str | None:
        return self.access.check(info.context, "lastName", self.row.last_name)

    @strawberry.field(description=_PERSONAL)
    def first_name(self, info: Info) -> str | None:
        return self.access.check(info.context, "firstName", self.row.first_name)

    @strawberry.field(description=_PERSONAL)
    def middle_name(self, info: Info) -> str | None:
        return self.access.check(info.context, "middleName", self.row.middle_name)

    @strawberry.field(description=_PERSONAL)
    def birth_date(self, info: Info) -> date | None:
        return self.access.check(info.context, "birthDate", self.row.birth_date)

    @strawberry.field(description="Full years today; derived from the birth date, never stored.")
    def age(self, info: Info) -> int | None:
        self.access.check(info.context, "age", None)
        return self.row.age_on(info.context.privacy.now.date())

    @strawberry.field(description=_PERSONAL)
    async def region(self, info: Info) -> RegionType | None:
        code = self.access.check(info.context, "region", self.row.region_code)
        if code is None:
            return None
        region = (await info.context.loaders.regions()).get(code)
        return RegionType.from_domain(region) if region else None

    @strawberry.field(description=_PERSONAL)
    def school(self, info: Info) -> str | None:
        return self.access.check(info.context, "school", self.row.school)

    @strawberry.field(description=_PERSONAL + " 1–11, or 12 for a graduate.")
    def grade(self, info: Info) -> int | None:
        return self.access.check(info.context, "grade", self.row.grade)

    @strawberry.field(description=_PERSONAL)
    def email(self, info: Info) -> str | None:
        return self.access.check(info.context, "email", self.row.email)

    @strawberry.field(description=_PERSONAL)
    def phone(self, info: Info) -> str | None:
        return self.access.check(info.context, "phone", self.row.phone)

    @strawberry.field(
        description="Data-quality flags on the participant's questionnaire responses and "
        "test attempts (issue 5): moderators and admins only."
    )
    async def data_quality_flags(self, info: Info) -> list[_QualityFlag] | None:
        from graphql_schema.analytics.types import flags_of_participant

        self.access.check(info.context, "dataQualityFlags", None)
        return await flags_of_participant(info.context, self.id)

    @strawberry.field(
        description="When the personal data will be erased (PROCESSING was revoked); "
        "null when none is scheduled."
    )
    def erasure_due_at(self, info: Info) -> datetime | None:
        return self.access.check(info.context, "erasureDueAt", self.row.erasure_due_at)

    @strawberry.field(description="Links to guardians in every status. " + _PERSONAL)
    async def guardians(self, info: Info) -> list[_Link] | None:
        from graphql_schema.guardians.types import link_view

        self.access.check(info.context, "guardians", None)
        links = await info.context.privacy.links_of_participant.load(self.id)
        views = [await link_view(info.context, link, self.access.relation) for link in links]
        return [v for v in views if v is not None]

    @strawberry.field(description="Every consent record, live and past. " + _PERSONAL)
    async def consents(self, info: Info) -> list[_Consent] | None:
        from graphql_schema.consents.types import consent_view

        self.access.check(info.context, "consents", None)
        rows = await info.context.privacy.consents.load(self.id)
        views = [await consent_view(info.context, row, self.row, self.access) for row in rows]
        return [v for v in views if v is not None]

    @strawberry.field(description="Grants, confirmations, revocations and expiries, newest first.")
    async def consent_history(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[_History] | None:
        from graphql_schema.consents.types import history_view

        self.access.check(info.context, "consentHistory", None)
        page = await info.context.read(
            lambda s: privacy_queries.history_page(s, self.id, page_request(first, after, 1))
        )
        account = self.row.account_id
        return connection_from_page(
            page, lambda h: history_view(info.context, h, self.access, account)
        )

    @strawberry.field(description="Who read this participant's personal data, newest first.")
    async def access_log(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[_Access] | None:
        from graphql_schema.privacy.types import access_entry_view

        self.access.check(info.context, "accessLog", None)
        f = privacy_queries.AccessLogFilter(participant_id=self.id)
        page = await info.context.read(
            lambda s: privacy_queries.access_log_page(s, f, page_request(first, after, 1))
        )
        relation = self.access.relation
        return connection_from_page(page, lambda r: access_entry_view(info.context, r, relation))

    @strawberry.field(
        description="Results in events (an organizer: those of its own events only). " + _PERSONAL
    )
    async def results(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[_Result] | None:
        from graphql_schema.events.results import ResultType

        self.access.check(info.context, "results", None)
        viewer = info.context.viewer
        organizer = viewer.organization_id if self.access.relation is Relation.ORGANIZER else None
        page = _page(first, after)
        found = await info.context.read(lambda s: footprint.results_of(s, self.id, organizer, page))
        return connection_from_page(found, ResultType.from_domain)

    @strawberry.field(
        description="Portfolio claims (a university: APPROVED ones, without evidence files). "
        + _PERSONAL
    )
    async def achievements(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[_Achievement] | None:
        from graphql_schema.achievements.types import staff_view

        self.access.check(info.context, "achievements", None)
        relation = self.access.relation
        approved_only = not can_reach("Achievement", relation) or relation is Relation.UNIVERSITY
        page = _page(first, after)
        found = await info.context.read(
            lambda s: footprint.achievements_of(s, self.id, approved_only, page)
        )
        return connection_from_page(found, lambda row: staff_view(info.context, row, relation))

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: Info,
        node_ids: list[str],
        required: bool = False,
    ) -> list[ParticipantType | None]:
        return [await participant_for(info.context, int(i)) for i in node_ids]


def _page(first: int | None, after: str | None) -> PageRequest:
    try:
        return page_request(first, after, arity=1)
    except DomainError as error:
        raise CodedError(error.message, error.code) from error


async def participant_for(context: Context, participant_id: int) -> ParticipantType | None:
    """The participant as this viewer may see it, or None when the row is out of
    reach, which is exactly what a missing row gives (no existence oracle)."""
    row = await context.loaders.participant.load(participant_id)
    if row is None:
        return None
    return await view_of(context, row, profile=True)


async def view_of(context: Context, row: Participant, *, profile: bool) -> ParticipantType | None:
    """`profile=True`: only relations that reach a profile (public rows are served
    through the leaderboard, with `profile=False`)."""
    found = await standing(context, row)
    if profile and not can_reach_profile(found.relation):
        return None
    assert row.id is not None
    return ParticipantType(
        id=row.id,
        nickname=row.nickname,
        status=ParticipantStatus(row.status),
        row=row,
        access=access_for(context, "Participant", row.id, found.relation, found.consents),
    )
