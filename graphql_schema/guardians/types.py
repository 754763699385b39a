"""GuardianLink: a guardian's link to a participant, with its moderation state."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from domain.guardians import GuardianLink, GuardianLinkStatus, GuardianRelation
from domain.policy import Relation, can_reach, relation_to_link
from graphql_schema.accounts.types import GuardianType, guardian_for
from graphql_schema.context import Context
from graphql_schema.participants.types import ParticipantType, participant_for
from graphql_schema.permissions import Access, access_for, record_reach, standing

GuardianRelationEnum = strawberry.enum(GuardianRelation, name="GuardianRelation")
GuardianLinkStatusEnum = strawberry.enum(GuardianLinkStatus, name="GuardianLinkStatus")
Info = strawberry.Info[Context, None]


@strawberry.type(
    name="GuardianLink",
    description="A guardian's link to a participant: PENDING until a moderator saw evidence "
    "or the identity provider asserted it; only CONFIRMED links let a guardian see and act.",
)
class GuardianLinkType(relay.Node):
    id: relay.NodeID[int]
    relation: GuardianRelation
    status: GuardianLinkStatus
    created_at: datetime
    decided_at: datetime | None
    ended_at: datetime | None
    row: strawberry.Private[GuardianLink]
    access: strawberry.Private[Access]

    @strawberry.field(description="The moderator's comment on the decision.")
    def comment(self, info: Info) -> str | None:
        return self.access.check(info.context, "comment", self.row.comment)

    @strawberry.field(description="The participant, under its own permissions.")
    async def participant(self, info: Info) -> ParticipantType | None:
        self.access.check(info.context, "participant", None)
        return await participant_for(info.context, self.row.participant_id)

    @strawberry.field(description="The guardian, under its own permissions.")
    async def guardian(self, info: Info) -> GuardianType | None:
        self.access.check(info.context, "guardian", None)
        return await guardian_for(info.context, self.row.guardian_id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: list[str], required: bool = False
    ) -> list[GuardianLinkType | None]:
        return [await link_for(info.context, int(i)) for i in node_ids]


async def link_view(
    context: Context, link: GuardianLink, participant_relation: Relation | None = None
) -> GuardianLinkType | None:
    """The link as this viewer may see it; None outside its row scope."""
    if participant_relation is None:
        participant_relation = Relation.NONE
        if context.viewer.guardian_id != link.guardian_id:
            row = await context.loaders.participant.load(link.participant_id)
            participant_relation = (await standing(context, row)).relation if row else Relation.NONE
    relation = relation_to_link(context.viewer, link.guardian_id, participant_relation)
    if not can_reach("GuardianLink", relation):
        return None
    assert link.id is not None
    access = access_for(context, "GuardianLink", link.participant_id, relation)
    record_reach(context, access)
    return GuardianLinkType(
        id=link.id,
        relation=GuardianRelation(link.relation),
        status=GuardianLinkStatus(link.status),
        created_at=link.created_at,
        decided_at=link.decided_at,
        ended_at=link.ended_at,
        row=link,
        access=access,
    )


async def link_for(context: Context, link_id: int) -> GuardianLinkType | None:
    link = await context.privacy.link.load(link_id)
    return await link_view(context, link) if link else None
