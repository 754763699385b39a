"""Account, guardian and organization types, and the token payloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from domain.accounts import Account, Organization, OrganizationKind, Role
from domain.guardians import Guardian, GuardianLinkStatus
from domain.policy import can_reach, relation_to_guardian
from graphql_schema.context import Context
from graphql_schema.errors import UserError
from graphql_schema.participants.types import ParticipantType, view_of
from graphql_schema.permissions import Access, access_for
from persistence.queries.people import account_with_people

if TYPE_CHECKING:
    from graphql_schema.guardians.types import GuardianLinkType

_Link = Annotated["GuardianLinkType", strawberry.lazy("graphql_schema.guardians.types")]
LIVE_LINKS = frozenset({GuardianLinkStatus.PENDING, GuardianLinkStatus.CONFIRMED})

RoleEnum = strawberry.enum(Role, name="Role")
OrganizationKindEnum = strawberry.enum(OrganizationKind, name="OrganizationKind")


@strawberry.type(name="Organization", description="A partner university or an event organizer.")
class OrganizationType(relay.Node):
    id: relay.NodeID[int]
    kind: OrganizationKind
    name: str

    @classmethod
    def from_domain(cls, org: Organization) -> OrganizationType:
        assert org.id is not None
        return cls(id=org.id, kind=OrganizationKind(org.kind), name=org.name)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: strawberry.Info[Context, None],
        node_ids: list[str],
        required: bool = False,
    ) -> list[OrganizationType | None]:
        rows = [await info.context.loaders.organization.load(int(i)) for i in node_ids]
        return [cls.from_domain(r) if r else None for r in rows]


@strawberry.type(name="Guardian", description="A legal representative of participants.")
class GuardianType(relay.Node):
    id: relay.NodeID[int]
    row: strawberry.Private[Guardian]
    access: strawberry.Private[Access]

    @strawberry.field
    def last_name(self, info: strawberry.Info[Context, None]) -> str:
        return self.access.check(info.context, "lastName", self.row.last_name)

    @strawberry.field
    def first_name(self, info: strawberry.Info[Context, None]) -> str:
        return self.access.check(info.context, "firstName", self.row.first_name)

    @strawberry.field
    def middle_name(self, info: strawberry.Info[Context, None]) -> str | None:
        return self.access.check(info.context, "middleName", self.row.middle_name)

    @strawberry.field(description="To the guardian itself and to staff.")
    def email(self, info: strawberry.Info[Context, None]) -> str | None:
        return self.access.check(info.context, "email", self.row.email)

    @strawberry.field(description="To the guardian itself and to staff.")
    def phone(self, info: strawberry.Info[Context, None]) -> str | None:
        return self.access.check(info.context, "phone", self.row.phone)

    @strawberry.field(description="Links to participants in every status (the guardian, staff).")
    async def links(self, info: strawberry.Info[Context, None]) -> list[_Link] | None:
        from graphql_schema.guardians.types import link_view

        self.access.check(info.context, "links", None)
        rows = await info.context.privacy.links_of_guardian.load(self.id)
        views = [await link_view(info.context, row) for row in rows]
        return [v for v in views if v is not None]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: strawberry.Info[Context, None],
        node_ids: list[str],
        required: bool = False,
    ) -> list[GuardianType | None]:
        return [await guardian_for(info.context, int(i)) for i in node_ids]


async def guardian_for(context: Context, guardian_id: int) -> GuardianType | None:
    """A guardian's data: to the guardian, to staff, and (names only) to the
    participants linked to it; to anyone else it does not exist."""
    viewer = context.viewer
    linked = False
    if viewer.participant_id is not None:
        links = await context.privacy.links_of_participant.load(viewer.participant_id)
        linked = any(
            link.guardian_id == guardian_id and GuardianLinkStatus(link.status) in LIVE_LINKS
            for link in links
        )
    relation = relation_to_guardian(viewer, guardian_id, linked=linked)
    if not can_reach("Guardian", relation):
        return None
    row = await context.loaders.guardian.load(guardian_id)
    if row is None or row.id is None:
        return None
    # The access log is about participants; a guardian's own record is not logged.
    return GuardianType(id=row.id, row=row, access=access_for(context, "Guardian", 0, relation))


@strawberry.type(name="Account", description="The signed-in login and the person behind it.")
class AccountType(relay.Node):
    id: relay.NodeID[int]
    role: Role
    email: str | None
    account: strawberry.Private[Account]
    participant_id: strawberry.Private[int | None]
    guardian_id: strawberry.Private[int | None]

    @strawberry.field(description="The participant of a student account.")
    async def participant(self, info: strawberry.Info[Context, None]) -> ParticipantType | None:
        if self.participant_id is None:
            return None
        row = await info.context.loaders.participant.load(self.participant_id)
        return await view_of(info.context, row, profile=True) if row else None

    @strawberry.field(description="The guardian of a guardian account.")
    async def guardian(self, info: strawberry.Info[Context, None]) -> GuardianType | None:
        if self.guardian_id is None:
            return None
        return await guardian_for(info.context, self.guardian_id)

    @strawberry.field(description="The organization of a university or organizer account.")
    async def organization(self, info: strawberry.Info[Context, None]) -> OrganizationType | None:
        if self.account.organization_id is None:
            return None
        org = await info.context.loaders.organization.load(self.account.organization_id)
        return OrganizationType.from_domain(org) if org else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: strawberry.Info[Context, None],
        node_ids: list[str],
        required: bool = False,
    ) -> list[AccountType | None]:
        return [await account_for(info.context, int(i)) for i in node_ids]


async def account_for(context: Context, account_id: int) -> AccountType | None:
    """Accounts are visible to their owner and to admins only."""
    viewer = context.viewer
    if viewer.account_id != account_id and viewer.role is not Role.ADMIN:
        return None
    return await load_account(context, account_id)


async def load_account(context: Context, account_id: int) -> AccountType | None:
    """No permission check: for callers that already proved ownership (a new session)."""
    account, participant, guardian = await context.read(
        lambda s: account_with_people(s, account_id)
    )
    if account is None:
        return None
    assert account.id is not None
    return AccountType(
        id=account.id,
        role=Role(account.role),
        email=account.email,
        account=account,
        participant_id=participant.id if participant else None,
        guardian_id=guardian.id if guardian else None,
    )


@strawberry.type(description="Tokens of a new session, or the errors that prevented it.")
class AuthPayload:
    access_token: str | None = None
    refresh_token: str | None = None
    account: AccountType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LogoutPayload:
    ok: bool
    user_errors: list[UserError] = strawberry.field(default_factory=list)
