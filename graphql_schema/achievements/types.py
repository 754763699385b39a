"""Achievements as each viewer may see them (the policy decides, per relation)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay

from domain.achievements import (
    Achievement,
    AchievementStatus,
    AchievementTransition,
    Evidence,
    EvidenceKind,
)
from domain.events import EventKind, EventLevel
from domain.policy import Relation, achievement_visible, evidence_files_visible
from domain.results import ResultStatus
from graphql_schema.context import Context
from graphql_schema.events.types import EventType, event_for
from graphql_schema.participants.types import ParticipantType, view_of
from graphql_schema.permissions import Access, access_for, record_reach, standing
from graphql_schema.reference.types import DirectionType

AchievementStatusEnum = strawberry.enum(AchievementStatus, name="AchievementStatus")
EvidenceKindEnum = strawberry.enum(EvidenceKind, name="EvidenceKind")

EVIDENCE_PATH = "/files/evidence/{id}"


@strawberry.type(name="Evidence", description="A file (PDF, PNG, JPEG) or a link.")
class EvidenceType:
    id: strawberry.ID
    kind: EvidenceKind
    url: str | None
    filename: str | None
    content_type: str | None
    size_bytes: int | None
    created_at: datetime

    @strawberry.field(description="GET with the same bearer token to download a file.")
    def download_path(self) -> str | None:
        return EVIDENCE_PATH.format(id=self.id) if self.kind is EvidenceKind.FILE else None

    @classmethod
    def from_domain(cls, item: Evidence) -> EvidenceType:
        return cls(
            id=strawberry.ID(str(item.id)),
            kind=EvidenceKind(item.kind),
            url=item.url,
            filename=item.filename,
            content_type=item.content_type,
            size_bytes=item.size_bytes,
            created_at=item.created_at,
        )


@strawberry.type(name="AchievementTransition", description="One step of the workflow.")
class AchievementTransitionType:
    from_status: AchievementStatus
    to_status: AchievementStatus
    comment: str | None
    at: datetime

    @classmethod
    def from_domain(cls, item: AchievementTransition) -> AchievementTransitionType:
        return cls(
            from_status=AchievementStatus(item.from_status),
            to_status=AchievementStatus(item.to_status),
            comment=item.comment,
            at=item.at,
        )


@strawberry.type(name="Achievement", description="A portfolio claim and its moderation.")
class AchievementType(relay.Node):
    id: relay.NodeID[int]
    title: str
    description: str | None
    kind: EventKind
    level: EventLevel
    result_status: ResultStatus
    achieved_on: date
    season_code: str
    status: AchievementStatus
    submitted_at: datetime | None
    version: int = strawberry.field(description="Send it back with a decision (optimistic lock).")
    row: strawberry.Private[Achievement]
    relation: strawberry.Private[Relation]
    access: strawberry.Private[Access]

    @strawberry.field(description="When a moderator decided (denied to universities).")
    def decided_at(self, info: strawberry.Info[Context, None]) -> datetime | None:
        return self.access.check(info.context, "decidedAt", self.row.decided_at)

    @strawberry.field(description="The moderator's comment (denied to universities).")
    def decision_comment(self, info: strawberry.Info[Context, None]) -> str | None:
        return self.access.check(info.context, "decisionComment", self.row.decision_comment)

    @strawberry.field(description="Counts once together with this imported result, if linked.")
    def linked_to_result(self) -> bool:
        return self.row.result_id is not None

    @strawberry.field
    async def directions(self, info: strawberry.Info[Context, None]) -> list[DirectionType]:
        codes = await info.context.loaders.achievement_directions.load(self.id)
        catalog = await info.context.loaders.directions()
        return [DirectionType.from_domain(catalog[c]) for c in codes if c in catalog]

    @strawberry.field(description="The catalog event the claim belongs to.")
    async def event(self, info: strawberry.Info[Context, None]) -> EventType | None:
        if self.row.event_id is None:
            return None
        return await event_for(info.context, self.row.event_id)

    @strawberry.field
    async def participant(self, info: strawberry.Info[Context, None]) -> ParticipantType | None:
        person = await info.context.loaders.participant.load(self.row.participant_id)
        return await view_of(info.context, person, profile=False) if person else None

    @strawberry.field(description="Links for everyone who sees the claim; files only for the "
                      "participant, its guardians and staff.")  # fmt: skip
    async def evidence(self, info: strawberry.Info[Context, None]) -> list[EvidenceType]:
        items = await info.context.loaders.achievement_evidence.load(self.id)
        files = evidence_files_visible(self.relation)
        return [EvidenceType.from_domain(i) for i in items if files or i.kind == EvidenceKind.LINK]

    @strawberry.field(description="The workflow's steps (the moderator is not named; "
                      "denied to universities).")  # fmt: skip
    async def transitions(
        self, info: strawberry.Info[Context, None]
    ) -> list[AchievementTransitionType] | None:
        self.access.check(info.context, "transitions", None)
        items = await info.context.loaders.achievement_history.load(self.id)
        return [AchievementTransitionType.from_domain(i) for i in items]

    @classmethod
    def from_domain(cls, row: Achievement, relation: Relation, access: Access) -> AchievementType:
        assert row.id is not None
        return cls(
            id=row.id,
            title=row.title,
            description=row.description,
            kind=EventKind(row.kind),
            level=EventLevel(row.level),
            result_status=ResultStatus(row.result_status),
            achieved_on=row.achieved_on,
            season_code=row.season_code,
            status=AchievementStatus(row.status),
            submitted_at=row.submitted_at,
            version=row.version,
            row=row,
            relation=relation,
            access=access,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: strawberry.Info[Context, None], node_ids: list[str], required: bool = False
    ) -> list[AchievementType | None]:
        return [await achievement_for(info.context, int(i)) for i in node_ids]


def staff_view(context: Context, row: Achievement, relation: Relation) -> AchievementType:
    """A claim the query already scoped (the queue, one's own list), as `relation`."""
    access = access_for(context, "Achievement", row.participant_id, relation)
    record_reach(context, access)
    return AchievementType.from_domain(row, relation, access)


async def view_achievement(context: Context, row: Achievement) -> AchievementType | None:
    """The claim as this viewer may see it, or None (hidden looks like missing)."""
    person = await context.loaders.participant.load(row.participant_id)
    if person is None:
        return None
    found = await standing(context, person)
    if not achievement_visible(found.relation, str(row.status)):
        return None
    access = access_for(context, "Achievement", row.participant_id, found.relation, found.consents)
    record_reach(context, access)
    return AchievementType.from_domain(row, found.relation, access)


async def achievement_for(context: Context, achievement_id: int) -> AchievementType | None:
    row = await context.loaders.achievement.load(achievement_id)
    return await view_achievement(context, row) if row else None
