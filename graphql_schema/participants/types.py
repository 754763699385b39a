"""The Participant type: every personal field asks the policy before it resolves."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry import relay

from domain.consents import ConsentPurpose
from domain.participants import Participant, ParticipantStatus
from domain.policy import Relation, can_reach_profile, field_visible
from graphql_schema.context import Context
from graphql_schema.errors import forbidden
from graphql_schema.permissions import consents_in_force, relation_to
from graphql_schema.reference.types import RegionType

ParticipantStatusEnum = strawberry.enum(ParticipantStatus, name="ParticipantStatus")

_PERSONAL = "Personal data: visible per the permission policy (docs/permissions.md); "
"a denied field is null with a FORBIDDEN error at its path."


@strawberry.type(name="Participant", description="A student whose footprint is kept.")
class ParticipantType(relay.Node):
    id: relay.NodeID[int]
    nickname: str
    status: ParticipantStatus
    row: strawberry.Private[Participant]
    relation: strawberry.Private[Relation]
    consents: strawberry.Private[frozenset[ConsentPurpose]]

    def _guard(self, field: str, value: Any) -> Any:
        if not field_visible(field, self.relation, self.consents):
            raise forbidden(field)
        return value

    @strawberry.field(description=_PERSONAL)
    def last_name(self) -> str | None:
        return self._guard("lastName", self.row.last_name)

    @strawberry.field(description=_PERSONAL)
    def first_name(self) -> str | None:
        return self._guard("firstName", self.row.first_name)

    @strawberry.field(description=_PERSONAL)
    def middle_name(self) -> str | None:
        return self._guard("middleName", self.row.middle_name)

    @strawberry.field(description=_PERSONAL)
    def birth_date(self) -> date | None:
        return self._guard("birthDate", self.row.birth_date)

    @strawberry.field(description="Full years today; derived from the birth date, never stored.")
    def age(self, info: strawberry.Info[Context, None]) -> int | None:
        self._guard("age", None)
        return self.row.age_on(info.context.services.clock.now().date())

    @strawberry.field(description=_PERSONAL)
    async def region(self, info: strawberry.Info[Context, None]) -> RegionType | None:
        self._guard("region", None)
        if self.row.region_code is None:
            return None
        region = (await info.context.loaders.regions()).get(self.row.region_code)
        return RegionType.from_domain(region) if region else None

    @strawberry.field(description=_PERSONAL)
    def school(self) -> str | None:
        return self._guard("school", self.row.school)

    @strawberry.field(description=_PERSONAL + " 1–11, or 12 for a graduate.")
    def grade(self) -> int | None:
        return self._guard("grade", self.row.grade)

    @strawberry.field(description=_PERSONAL)
    def email(self) -> str | None:
        return self._guard("email", self.row.email)

    @strawberry.field(description=_PERSONAL)
    def phone(self) -> str | None:
        return self._guard("phone", self.row.phone)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: strawberry.Info[Context, None],
        node_ids: list[str],
        required: bool = False,
    ) -> list[ParticipantType | None]:
        return [await participant_for(info.context, int(i)) for i in node_ids]


async def participant_for(context: Context, participant_id: int) -> ParticipantType | None:
    """The participant as this viewer may see it, or None when the row is out of
    reach, which is exactly what a missing row gives (no existence oracle)."""
    row = await context.loaders.participant.load(participant_id)
    if row is None:
        return None
    return await view_of(context, row, profile=True)


async def view_of(context: Context, row: Participant, *, profile: bool) -> ParticipantType | None:
    relation = await relation_to(context, row)
    if profile and not can_reach_profile(relation):
        return None
    assert row.id is not None
    return ParticipantType(
        id=row.id,
        nickname=row.nickname,
        status=ParticipantStatus(row.status),
        row=row,
        relation=relation,
        consents=await consents_in_force(context, row),
    )
