"""The permission policy: who reaches which rows and sees which fields.

The rules are data (`domain.policy_tables`, one table per type that carries
personal data) so tests can enumerate them and `docs/permissions.md` is
generated from them. This module evaluates them: the viewer's relation to a
row from facts read per request (wards, consents in force, organizer links),
then field by field. Resolvers ask; they never decide on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from domain.accounts import Role
from domain.consents import ConsentPurpose
from domain.policy_rules import LOGGED_ROLES, Relation, Rule
from domain.policy_tables import POLICIES

__all__ = ["ANONYMOUS", "Relation", "Rule", "Viewer"]


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

UNIVERSITY_REACH = frozenset({ConsentPurpose.PROCESSING, ConsentPurpose.UNIVERSITY_SHARING})
"""A university reaches a participant only while both are in force (and the sharing
consent covers it): sharing a profile is processing, so revoking PROCESSING ends it."""

PROFILE_RELATIONS = frozenset(
    {Relation.SELF, Relation.GUARDIAN, Relation.STAFF, Relation.UNIVERSITY, Relation.ORGANIZER}
)


@dataclass(frozen=True)
class ParticipantFacts:
    """What the policy needs about one participant for one viewer, read per request."""

    participant_id: int
    is_ward: bool = False
    """The viewer is a guardian with a CONFIRMED link to the participant."""
    organizer_related: bool = False
    """The viewer's organizer has a registration or result of the participant."""
    consents: frozenset[ConsentPurpose] = frozenset()
    """Purposes in force; scoped ones only if they cover the viewer's university."""


def relation_of(viewer: Viewer, facts: ParticipantFacts) -> Relation:
    """The viewer's relation to one participant (row scope of `permissions.md`)."""
    if viewer.participant_id is not None and viewer.participant_id == facts.participant_id:
        return Relation.SELF
    return _relation_to_another(viewer, facts.is_ward, facts.organizer_related, facts.consents)


def _relation_to_another(
    viewer: Viewer,
    is_ward: bool,
    organizer_related: bool,
    consents: frozenset[ConsentPurpose],
) -> Relation:
    if viewer.is_staff:
        return Relation.STAFF
    if viewer.role is Role.GUARDIAN and is_ward:
        return Relation.GUARDIAN
    if viewer.role is Role.UNIVERSITY and UNIVERSITY_REACH <= consents:
        return Relation.UNIVERSITY
    if viewer.role is Role.ORGANIZER and organizer_related:
        return Relation.ORGANIZER
    return Relation.PUBLIC


relation_to_another = lru_cache(maxsize=4096)(_relation_to_another)
"""`relation_of` for a participant who is not the viewer itself, memoised: it depends
on the viewer and these facts alone, so the rows of a page (which share them) are
decided once, not once per row. `consents` must be a frozenset (hashable)."""


def relation_to_guardian(viewer: Viewer, guardian_id: int, *, linked: bool) -> Relation:
    """A Guardian row: the guardian itself, staff, or a participant it is linked to."""
    if viewer.guardian_id is not None and viewer.guardian_id == guardian_id:
        return Relation.SELF
    if viewer.is_staff:
        return Relation.STAFF
    if viewer.participant_id is not None and linked:
        return Relation.WARD
    return Relation.NONE


def relation_to_link(viewer: Viewer, guardian_id: int, participant_relation: Relation) -> Relation:
    """A GuardianLink: its guardian sees it in any status; otherwise as the participant."""
    if viewer.guardian_id is not None and viewer.guardian_id == guardian_id:
        return Relation.GUARDIAN
    return participant_relation


def relation_to_result(
    viewer: Viewer, participant_relation: Relation, event_organizer_id: int
) -> Relation:
    """A Result: as the participant, except that an organizer reaches exactly the
    results of its own events (and no other result of the same participant)."""
    if viewer.role is Role.ORGANIZER:
        own = viewer.organization_id is not None and viewer.organization_id == event_organizer_id
        return Relation.ORGANIZER if own else Relation.NONE
    return participant_relation


def rule(type_name: str, field: str, relation: Relation) -> Rule:
    """The rule of one field; an unknown type or field is denied (fail closed)."""
    policy = POLICIES.get(type_name)
    if policy is None or relation is Relation.NONE:
        return Rule(False)
    return policy.rule(field, relation)


def field_visible(
    type_name: str, field: str, relation: Relation, consents: frozenset[ConsentPurpose]
) -> bool:
    found = rule(type_name, field, relation)
    return found.allowed and all(c in consents for c in found.consents)


@lru_cache(maxsize=4096)
def visible_fields(
    type_name: str, relation: Relation, consents: frozenset[ConsentPurpose]
) -> frozenset[str]:
    """Every field of the type this relation may see under these consents; cached,
    since a page of 100 rows has only a handful of distinct (relation, consents)."""
    policy = POLICIES[type_name]
    return frozenset(f for f in policy.fields if field_visible(type_name, f, relation, consents))


@lru_cache(maxsize=4096)
def field_verdicts(
    type_name: str, relation: Relation, consents: frozenset[ConsentPurpose], logged: bool
) -> dict[str, str]:
    """The decided field table of a row: field → what serving it records in the
    access log (`""`: nothing), for every field visible to this relation under these
    consents; a field not in it is denied. Computed once per distinct input (a page
    of 100 rows has a handful), so deciding a field is one dict lookup. Read-only:
    the cached dict is shared by every row with the same standing."""
    policy = POLICIES[type_name]
    return {
        f: (policy.log_as or f) if logged and policy.is_personal(f) else ""
        for f in visible_fields(type_name, relation, consents)
    }


@lru_cache(maxsize=256)
def consents_used(type_name: str, relation: Relation) -> frozenset[ConsentPurpose]:
    """The purposes any field rule of the type names for this relation: all a
    reader needs to evaluate to decide that relation's fields."""
    policy = POLICIES.get(type_name)
    if policy is None:
        return frozenset()
    return frozenset(c for f in policy.fields for c in policy.rule(f, relation).consents)


def can_reach(type_name: str, relation: Relation) -> bool:
    """Row scope: whether rows of the type are served to this relation at all."""
    policy = POLICIES.get(type_name)
    return policy is not None and relation in policy.scope


def can_reach_profile(relation: Relation) -> bool:
    """Whether `participant(id:)` / `node(id:)` serves the row (public rows are
    reachable only through the leaderboard)."""
    return relation in PROFILE_RELATIONS


def is_logged(viewer: Viewer) -> bool:
    """Whether this viewer's reads of personal data go to the access log."""
    return viewer.role in LOGGED_ROLES


@lru_cache(maxsize=64)
def personal_fields(type_name: str) -> frozenset[str]:
    policy = POLICIES[type_name]
    return frozenset(f for f in policy.fields if policy.is_personal(f))


def log_field(type_name: str) -> str | None:
    """The Participant field a row of this type counts as when read."""
    policy = POLICIES.get(type_name)
    return policy.log_as if policy else None


# Actions of issue 3 (the "Actions" table of permissions.md); consents follow the
# age rules in `domain.consent_rules`.


def may_request_guardian_link(viewer: Viewer) -> bool:
    return viewer.role in (Role.STUDENT, Role.GUARDIAN)


def may_decide_guardian_links(viewer: Viewer) -> bool:
    """Confirm or reject links, and see the queue of pending ones: moderators."""
    return viewer.role is Role.MODERATOR


def may_verify_by_document(viewer: Viewer) -> bool:
    return viewer.role is Role.MODERATOR


def may_read_whole_access_log(viewer: Viewer) -> bool:
    return viewer.role is Role.ADMIN


def may_export(relation: Relation) -> bool:
    """`myData` (art. 14): the participant itself and its confirmed guardians."""
    return relation in (Relation.SELF, Relation.GUARDIAN)


# ---------------------------------------------------------------------------
# Events, result imports and achievements (issue 4, the aggregator).
# Row rules for organizers and moderators live here, not in resolvers.
# ---------------------------------------------------------------------------


def require_signed_in(viewer: Viewer) -> None:
    """Actions on events, imports and claims need a token: without one the answer is
    UNAUTHENTICATED, not FORBIDDEN."""
    if viewer.account_id is None:
        from domain.errors import Unauthenticated

        raise Unauthenticated("Sign in first.")


def can_manage_event(viewer: Viewer, organizer_id: int) -> bool:
    """Create, edit, publish, complete, cancel and import results: the event's own
    organizer, or an admin."""
    if viewer.role is Role.ADMIN:
        return True
    return viewer.role is Role.ORGANIZER and viewer.organization_id == organizer_id


def can_see_import_batch(viewer: Viewer, organizer_id: int) -> bool:
    """The batch report: whoever may import for the event, and moderators (who
    resolve its unmatched rows)."""
    return can_manage_event(viewer, organizer_id) or viewer.role is Role.MODERATOR


def can_see_event_results(viewer: Viewer, organizer_id: int) -> bool:
    """An event's result list with participants: its organizer and staff. Each
    participant on it is still shown through the participant field rules."""
    return can_manage_event(viewer, organizer_id) or viewer.is_staff


def can_resolve_import_rows(viewer: Viewer) -> bool:
    return viewer.role is Role.MODERATOR


def can_decide_achievements(viewer: Viewer) -> bool:
    return viewer.role is Role.MODERATOR


def can_act_as_participant(viewer: Viewer, participant_id: int) -> bool:
    """Claim achievements, register for events: the student for itself only."""
    return viewer.role is Role.STUDENT and viewer.participant_id == participant_id


def achievement_visible(relation: Relation, status: str) -> bool:
    """Row scope of the `Achievement` table in `policy_tables`, plus its remark for
    universities: they reach `APPROVED` claims only."""
    if not can_reach("Achievement", relation):
        return False
    return relation is not Relation.UNIVERSITY or status == "APPROVED"


def evidence_files_visible(relation: Relation) -> bool:
    """Evidence files (scans of diplomas) only where the `Evidence` table opens
    their metadata; links are shown wherever the claim is."""
    return rule("Evidence", "filename", relation).allowed


# Analytics (issue 5): data quality and the regional index.

INDEX_DISCLOSURE_MIN_N = 10
"""Below this many respondents a region's index figures are withheld from non-staff
viewers (only n and the small-sample marker are shown): with so few students a share
or even a shrunken estimate would reveal individual choices (docs/decisions.md)."""


def may_import_analytics(viewer: Viewer) -> bool:
    """Questionnaires, tests, answers, trials, choices: moderators and admins load them."""
    return viewer.is_staff


def may_compute_quality_flags(viewer: Viewer) -> bool:
    """Running the flag rule over a whole instrument is a recomputation: admins."""
    return viewer.role is Role.ADMIN


def may_review_quality_flags(viewer: Viewer) -> bool:
    """Listing flags with their indices (the `data-quality flags` row of permissions.md)."""
    return viewer.is_staff


def may_decide_quality_flags(viewer: Viewer) -> bool:
    """Confirming or clearing a flag is a moderation decision."""
    return viewer.role is Role.MODERATOR


def index_disclosure_min_n(viewer: Viewer) -> int:
    """Smallest region n whose index figures this viewer sees (0 = all of them)."""
    return 0 if viewer.is_staff else INDEX_DISCLOSURE_MIN_N


# ---------------------------------------------------------------------------
# Ratings (issue 6): leaderboard rows, rating events and the stream, diplomas.
# ---------------------------------------------------------------------------

RATING_OWN = frozenset({Relation.SELF, Relation.GUARDIAN, Relation.STAFF, Relation.UNIVERSITY})
"""Relations that see a rating row in full, identity and explanation included."""


@dataclass(frozen=True)
class RatingRowView:
    """What one leaderboard row or rating event shows this viewer."""

    identity: bool
    """The participant is named (otherwise an anonymous row: rank and points)."""
    region: bool
    details: bool
    """Tier and percentile."""
    explanation: bool
    """Contributions and the distance to the next tier."""


def rating_row_view(
    viewer: Viewer, relation: Relation, consents: frozenset[ConsentPurpose]
) -> RatingRowView:
    """permissions.md: the public sees rank and points, with the identity (and region)
    only under `PUBLICATION`; a university sees every row's rank, points, tier and
    region, and the identity and explanation only for participants whose
    `UNIVERSITY_SHARING` covers it (relation UNIVERSITY); organizers see rows as the
    public does; the participant, its guardians and staff see everything."""
    if relation in RATING_OWN:
        return RatingRowView(True, True, True, True)
    public = {ConsentPurpose.PROCESSING, ConsentPurpose.PUBLICATION} <= consents
    if viewer.role is Role.UNIVERSITY:  # never less than the public sees
        return RatingRowView(public, True, True, False)
    return RatingRowView(public, public, False, False)


def may_filter_leaderboard_by_grade(viewer: Viewer) -> bool:
    """Grade is never public: universities (rows in scope) and staff filter by it."""
    return viewer.role in (Role.UNIVERSITY, Role.MODERATOR, Role.ADMIN)


def may_follow_rating_events(viewer: Viewer) -> bool:
    """`ratingUpdates`: universities and admins; `ratingEvents` also moderators."""
    return viewer.role in (Role.UNIVERSITY, Role.ADMIN)


def may_read_rating_events(viewer: Viewer) -> bool:
    return may_follow_rating_events(viewer) or viewer.role is Role.MODERATOR


def may_manage_ratings(viewer: Viewer) -> bool:
    """Publish rules, recompute, close a season, revoke a diploma: admins."""
    return viewer.role is Role.ADMIN


def may_hold_diploma(relation: Relation) -> bool:
    """The signed credential goes to the holder, its guardians and staff."""
    return relation in (Relation.SELF, Relation.GUARDIAN, Relation.STAFF)
