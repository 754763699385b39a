"""How one rating row or event looks to this viewer: the policy's decision
(`domain.policy.rating_row_view`) and the objects it lets through.

Two sources of the facts: a request's own loaders (leaderboard, entries), or a
subscription batch's facts, read when the batch was read (never cached for the
life of a subscription, so a revocation applies from the next batch on)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.accounts import Role
from domain.consent_rules import purposes_in_force
from domain.consents import Consent, ConsentPurpose
from domain.participants import Participant, ParticipantStatus
from domain.policy import (
    RATING_OWN,
    ParticipantFacts,
    RatingRowView,
    Relation,
    rating_row_view,
    relation_of,
)
from graphql_schema.context import Context
from graphql_schema.participants.types import ParticipantType
from graphql_schema.permissions import Access, access_for, standing


@dataclass(frozen=True)
class RowAccess:
    view: RatingRowView
    relation: Relation
    consents: frozenset[ConsentPurpose]
    entry: Access
    """Field rules of `RatingEntry` (tier, percentile…) for this row."""
    person: ParticipantType | None


def _entry_relation(context: Context, relation: Relation) -> Relation:
    """RatingEntry's own columns: a university sees every row's tier (permissions.md)."""
    if relation in RATING_OWN:
        return relation
    return Relation.UNIVERSITY if context.viewer.role is Role.UNIVERSITY else Relation.PUBLIC


def _decide(
    context: Context,
    participant: Participant,
    relation: Relation,
    consents: frozenset[ConsentPurpose],
) -> RowAccess:
    assert participant.id is not None
    view = rating_row_view(context.viewer, relation, consents)
    person = None
    if view.identity:
        person = ParticipantType(
            id=participant.id,
            nickname=participant.nickname,
            status=ParticipantStatus(participant.status),
            row=participant,
            access=access_for(context, "Participant", participant.id, relation, consents),
        )
    entry = access_for(
        context, "RatingEntry", participant.id, _entry_relation(context, relation), consents
    )
    return RowAccess(view, relation, consents, entry, person)


async def row_access(context: Context, participant: Participant) -> RowAccess:
    """From this request's data (the consent engineer's `standing`)."""
    found = await standing(context, participant)
    return _decide(context, participant, found.relation, found.consents)


def row_access_from_facts(
    context: Context, participant: Participant, consents: list[Consent], now: datetime
) -> RowAccess:
    """From a feed batch's facts: for the viewers of rating events (universities,
    moderators, admins), whose relation depends on consents only."""
    assert participant.id is not None
    viewer = context.viewer
    organization = viewer.organization_id if viewer.role is Role.UNIVERSITY else None
    purposes = purposes_in_force(
        consents, participant.birth_date, now, organization_id=organization
    )
    relation = relation_of(viewer, ParticipantFacts(participant.id, consents=purposes))
    return _decide(context, participant, relation, purposes)


def record_region(context: Context, access: RowAccess, participant_id: int) -> None:
    """The region of a row is the participant's personal data: logged viewers'
    reads go to the access log like any other field."""
    if access.entry.logged:
        context.access.record(participant_id, "region")
