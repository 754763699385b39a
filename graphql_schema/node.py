"""`node(id:)` and `participant(id:)`: one dispatcher for every global id.

A malformed id, an id of an unknown type, a missing row and a row the viewer
may not reach all answer the same `null`: the API is no existence oracle.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry
from strawberry import relay

from graphql_schema.accounts.types import OrganizationType, account_for, guardian_for
from graphql_schema.achievements.types import achievement_for
from graphql_schema.analytics.types import quality_flag_for
from graphql_schema.consents.types import consent_for, document_for, history_for
from graphql_schema.context import Context
from graphql_schema.events.types import event_for
from graphql_schema.guardians.types import link_for
from graphql_schema.imports.types import batch_for, import_row_for
from graphql_schema.participants.types import ParticipantType, participant_for
from graphql_schema.privacy.types import access_entry_for
from graphql_schema.ratings.types import rating_entry_for

_Resolver = Callable[[Context, int], Awaitable[relay.Node | None]]


async def _organization(context: Context, org_id: int) -> relay.Node | None:
    row = await context.loaders.organization.load(org_id)
    return OrganizationType.from_domain(row) if row else None


RESOLVERS: dict[str, _Resolver] = {
    "Participant": participant_for,
    "Event": event_for,
    "Account": account_for,
    "Guardian": guardian_for,
    "Organization": _organization,
    "GuardianLink": link_for,
    "Consent": consent_for,
    "ConsentHistoryEntry": history_for,
    "ConsentDocument": document_for,
    "AccessLogEntry": access_entry_for,
    "ImportBatch": batch_for,
    "ImportRow": import_row_for,
    "Achievement": achievement_for,
    "QualityFlag": quality_flag_for,
    "RatingEntry": rating_entry_for,
}


def parse_global_id(value: str) -> tuple[str, int] | None:
    try:
        gid = relay.GlobalID.from_id(value)
    except Exception:
        return None
    if gid.type_name not in RESOLVERS or not gid.node_id.isdigit() or len(gid.node_id) > 18:
        return None
    return gid.type_name, int(gid.node_id)


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id, under the same permissions.")
    async def node(
        self, info: strawberry.Info[Context, None], id: strawberry.ID
    ) -> relay.Node | None:
        parsed = parse_global_id(str(id))
        if parsed is None:
            return None
        type_name, pk = parsed
        return await RESOLVERS[type_name](info.context, pk)

    @strawberry.field(description="A participant's profile, if the viewer may reach it.")
    async def participant(
        self, info: strawberry.Info[Context, None], id: strawberry.ID
    ) -> ParticipantType | None:
        parsed = parse_global_id(str(id))
        if parsed is None or parsed[0] != "Participant":
            return None
        return await participant_for(info.context, parsed[1])
