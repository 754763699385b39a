"""The permission policy: who reaches which rows and sees which fields.

Rules are data (`FIELD_RULES`) so they can be enumerated by tests and turned
into `docs/permissions.md`; `relation_of` and `field_visible` are the only
functions the GraphQL layer calls. No resolver decides on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.accounts import Role
from domain.consents import ConsentPurpose


class Relation(StrEnum):
    """How a viewer stands to one participant; it decides row scope and fields."""

    SELF = "SELF"
    GUARDIAN = "GUARDIAN"
    STAFF = "STAFF"  # moderator or admin
    UNIVERSITY = "UNIVERSITY"  # a university whose UNIVERSITY_SHARING consent covers it
    ORGANIZER = "ORGANIZER"  # an organizer with a registration or result of the participant
    PUBLIC = "PUBLIC"  # anyone else: public leaderboard row at most
    NONE = "NONE"  # not reachable at all


@dataclass(frozen=True)
class Viewer:
    """The authenticated caller as the policy needs it, loaded per request."""

    account_id: int | None = None
    role: Role | None = None
    organization_id: int | None = None
    participant_id: int | None = None
    guardian_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.account_id is None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)


ANONYMOUS = Viewer()


@dataclass(frozen=True)
class Rule:
    """Visible (`True`), denied (`False`), or visible only under a consent in force."""

    allowed: bool
    consent: ConsentPurpose | None = None

    def describe(self) -> str:
        if self.consent is not None:
            return f"C `{self.consent.value}`"
        return "✓" if self.allowed else "✗"


YES = Rule(True)
NO = Rule(False)


def _consent(purpose: ConsentPurpose) -> Rule:
    return Rule(True, purpose)


# field -> relation -> rule. Relations missing from a row are denied (NO).
PARTICIPANT_FIELDS: dict[str, dict[Relation, Rule]] = {
    "id": dict.fromkeys(
        (
            Relation.SELF,
            Relation.GUARDIAN,
            Relation.STAFF,
            Relation.UNIVERSITY,
            Relation.ORGANIZER,
            Relation.PUBLIC,
        ),
        YES,
    ),
    "nickname": {},
    "status": {},
    "lastName": {Relation.PUBLIC: _consent(ConsentPurpose.PUBLICATION)},
    "firstName": {Relation.PUBLIC: _consent(ConsentPurpose.PUBLICATION)},
    "middleName": {Relation.PUBLIC: _consent(ConsentPurpose.PUBLICATION)},
    "birthDate": {Relation.UNIVERSITY: NO, Relation.PUBLIC: NO},
    "age": {Relation.PUBLIC: NO},
    "region": {Relation.PUBLIC: _consent(ConsentPurpose.PUBLICATION)},
    "school": {Relation.PUBLIC: NO},
    "grade": {Relation.PUBLIC: NO},
    "email": {
        Relation.UNIVERSITY: _consent(ConsentPurpose.CONTACT_SHARING),
        Relation.PUBLIC: NO,
    },
    "phone": {
        Relation.UNIVERSITY: _consent(ConsentPurpose.CONTACT_SHARING),
        Relation.PUBLIC: NO,
    },
    "guardians": {Relation.UNIVERSITY: NO, Relation.ORGANIZER: NO, Relation.PUBLIC: NO},
    "consents": {Relation.UNIVERSITY: NO, Relation.ORGANIZER: NO, Relation.PUBLIC: NO},
}
"""Participant field rules of `permissions.md`. An empty dict means the default:
visible to every relation that reaches the row; listed relations override it."""

_REACHING = (
    Relation.SELF,
    Relation.GUARDIAN,
    Relation.STAFF,
    Relation.UNIVERSITY,
    Relation.ORGANIZER,
    Relation.PUBLIC,
)


def participant_rule(field: str, relation: Relation) -> Rule:
    """The rule for one field and relation; unknown fields are denied (fail closed)."""
    if relation is Relation.NONE or field not in PARTICIPANT_FIELDS:
        return NO
    return PARTICIPANT_FIELDS[field].get(relation, YES)


def field_visible(
    field: str, relation: Relation, consents_in_force: frozenset[ConsentPurpose]
) -> bool:
    rule = participant_rule(field, relation)
    if not rule.allowed:
        return False
    return rule.consent is None or rule.consent in consents_in_force


def relation_of(
    viewer: Viewer, participant_id: int, *, ward_ids: frozenset[int] = frozenset()
) -> Relation:
    """The viewer's relation to one participant.

    University and organizer relations need consent and event data; until the
    consent capability wires them, those viewers get the public relation, which
    is never more open than `permissions.md` allows.
    """
    if viewer.participant_id is not None and viewer.participant_id == participant_id:
        return Relation.SELF
    if viewer.is_staff:
        return Relation.STAFF
    if viewer.role is Role.GUARDIAN and participant_id in ward_ids:
        return Relation.GUARDIAN
    return Relation.PUBLIC


def can_reach_profile(relation: Relation) -> bool:
    """Whether `participant(id:)` / `node(id:)` serves the row (public rows are
    reachable only through the leaderboard)."""
    return relation in (
        Relation.SELF,
        Relation.GUARDIAN,
        Relation.STAFF,
        Relation.UNIVERSITY,
        Relation.ORGANIZER,
    )


def reaching_relations() -> tuple[Relation, ...]:
    return _REACHING
