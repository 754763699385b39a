"""Adapters from the request's viewer to `domain.policy`: no decisions here,
only the data the policy needs (relations, wards), fetched once per request."""

from __future__ import annotations

from domain.consents import ConsentPurpose
from domain.participants import Participant
from domain.policy import Relation, relation_of
from graphql_schema.context import Context


async def relation_to(context: Context, participant: Participant) -> Relation:
    viewer = context.viewer
    assert participant.id is not None
    wards: frozenset[int] = frozenset()
    if viewer.guardian_id is not None:
        wards = await context.loaders.ward_ids(viewer.guardian_id)
    return relation_of(viewer, participant.id, ward_ids=wards)


async def consents_in_force(
    context: Context, participant: Participant
) -> frozenset[ConsentPurpose]:
    """Consents are read per request from current data; until the consent
    capability lands no consent-gated field is opened (fail closed)."""
    return frozenset()
