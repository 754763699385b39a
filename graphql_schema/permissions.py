"""Adapters from the request to `domain.policy`: no decisions here, only the data
the policy needs (wards, consents in force, organizer links), read per request,
and the one guard every personal field goes through.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import strawberry

from domain.accounts import Role
from domain.consent_rules import purposes_in_force
from domain.consents import ConsentPurpose
from domain.participants import Participant
from domain.policy import (
    ParticipantFacts,
    Relation,
    field_verdicts,
    is_logged,
    log_field,
    personal_fields,
    relation_of,
    relation_to_another,
    visible_fields,
)
from graphql_schema.context import Context
from graphql_schema.errors import forbidden

T = TypeVar("T")


@dataclass(frozen=True)
class Standing:
    """How the viewer stands to one participant in this request."""

    relation: Relation
    consents: frozenset[ConsentPurpose]


@lru_cache(maxsize=1024)
def _standing(relation: Relation, consents: frozenset[ConsentPurpose]) -> Standing:
    """Shared immutable values: a page's rows mostly stand alike."""
    return Standing(relation, consents)


async def standing(context: Context, participant: Participant) -> Standing:
    viewer = context.viewer
    assert participant.id is not None
    pid = participant.id
    if viewer.is_staff or viewer.participant_id == pid:
        return _standing(relation_of(viewer, ParticipantFacts(pid)), frozenset())
    is_ward = False
    if viewer.role is Role.GUARDIAN and viewer.guardian_id is not None:
        is_ward = pid in await context.loaders.ward_ids(viewer.guardian_id)
        if is_ward:
            return _standing(Relation.GUARDIAN, frozenset())
    consents = context.privacy.primed_consents.get(pid)
    if consents is None:
        consents = purposes_in_force(
            await context.privacy.consents.load(pid),
            participant.birth_date,
            context.privacy.now,
            organization_id=viewer.organization_id if viewer.role is Role.UNIVERSITY else None,
        )
    related = False
    if viewer.role is Role.ORGANIZER:
        related = await context.privacy.organizer_related.load(pid)
    # Not the viewer itself (returned above), so the relation is the viewer's to another.
    return _standing(relation_to_another(viewer, is_ward, related, consents), consents)


@dataclass(frozen=True, slots=True)
class Access:
    """The decided field set for one row; `check` is the only gate of a field."""

    subject_id: int
    """The participant the row is about (for the access log)."""
    relation: Relation
    visible: frozenset[str]
    personal: frozenset[str]
    logged: bool
    log_as: str | None
    verdicts: Mapping[str, str]
    """`domain.policy.field_verdicts`: visible field → the access-log entry serving it
    makes (`""`: none). The same decision as `visible`/`personal`/`logged`, tabled."""

    def check(self, context: Context, field: str, value: T) -> T:
        """`value`, or a FORBIDDEN error at the field's path; records logged reads.
        Called for every personal field of every row: one dict lookup decides it."""
        entry = self.verdicts.get(field)
        if entry is None:
            raise forbidden(field)
        if entry:
            context.access.record(self.subject_id, entry)
        return value

    def allows(self, field: str) -> bool:
        return field in self.visible


def access_for(
    context: Context,
    type_name: str,
    subject_id: int,
    relation: Relation,
    consents: frozenset[ConsentPurpose] = frozenset(),
) -> Access:
    logged = is_logged(context.viewer)
    return Access(
        subject_id=subject_id,
        relation=relation,
        visible=visible_fields(type_name, relation, consents),
        personal=personal_fields(type_name),
        logged=logged,
        log_as=None if type_name == "Participant" else log_field(type_name),
        verdicts=field_verdicts(type_name, relation, consents, logged),
    )


def record_reach(context: Context, access: Access) -> None:
    """Reaching a row of a logged type (a consent, a link) counts as a read."""
    if access.logged and access.log_as:
        context.access.record(access.subject_id, access.log_as)


def guarded(
    field: str, getter: Callable[[Any], Any], type_: Any, description: str | None = None
) -> Any:
    """A strawberry field that asks the row's `Access` before returning
    `getter(row)`: for types with many plain fields (the rule is still per field)."""

    def resolve(self: Any, info: strawberry.Info) -> Any:
        return self.access.check(info.context, field, getter(self.row))

    resolve.__annotations__ = {"info": strawberry.Info, "return": type_}
    return strawberry.field(resolver=resolve, description=description)
