"""Access-log entries: who read a participant's personal data, what, when, how."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from domain.accounts import Role
from domain.policy import Relation, can_reach
from graphql_schema.context import Context
from graphql_schema.participants.types import ParticipantType, participant_for
from graphql_schema.permissions import Access, access_for, guarded, record_reach, standing
from persistence.queries.privacy import AccessLogRow

Info = strawberry.Info[Context, None]


@strawberry.type(
    name="AccessLogEntry",
    description="One request in which a moderator, university, organizer or admin read a "
    "participant's personal data.",
)
class AccessLogEntryType(relay.Node):
    id: relay.NodeID[int]
    row: strawberry.Private[AccessLogRow]
    access: strawberry.Private[Access]

    at: datetime | None = guarded("at", lambda r: r.entry.at, datetime | None)
    operation: str | None = guarded(
        "operation", lambda r: r.entry.operation, str | None, "The GraphQL operation that read."
    )
    fields: list[str] | None = guarded(
        "fields", lambda r: list(r.entry.fields), list[str] | None, "The fields it was served."
    )
    viewer_role: Role | None = guarded("viewerRole", lambda r: r.viewer_role, Role | None)
    viewer_organization: str | None = guarded(
        "viewerOrganization",
        lambda r: r.viewer_organization,
        str | None,
        "The university or organizer whose staff read.",
    )
    viewer_account_id: strawberry.ID | None = guarded(
        "viewerAccount",
        lambda r: str(relay.GlobalID("Account", str(r.entry.viewer_account_id))),
        strawberry.ID | None,
        "The reader's account: to staff only.",
    )

    @strawberry.field
    async def participant(self, info: Info) -> ParticipantType | None:
        self.access.check(info.context, "participant", None)
        return await participant_for(info.context, self.row.entry.participant_id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: list[str], required: bool = False
    ) -> list[AccessLogEntryType | None]:
        return [await access_entry_for(info.context, int(i)) for i in node_ids]


def access_entry_view(
    context: Context, row: AccessLogRow, relation: Relation
) -> AccessLogEntryType:
    """An entry of a participant the viewer already reached with `relation`."""
    assert row.entry.id is not None
    access = access_for(context, "AccessLogEntry", row.entry.participant_id, relation)
    record_reach(context, access)
    return AccessLogEntryType(id=row.entry.id, row=row, access=access)


async def access_entry_for(context: Context, entry_id: int) -> AccessLogEntryType | None:
    row = await context.privacy.access_entry.load(entry_id)
    if row is None:
        return None
    participant = await context.loaders.participant.load(row.entry.participant_id)
    if participant is None:
        return None
    relation = (await standing(context, participant)).relation
    if not can_reach("AccessLogEntry", relation):
        return None
    return access_entry_view(context, row, relation)
