"""The policy tables against the spec, fail-closed evaluation, and relations."""

from __future__ import annotations

import pytest

from domain.accounts import Role
from domain.consents import ConsentPurpose
from domain.policy import (
    ParticipantFacts,
    Relation,
    Viewer,
    can_reach,
    can_reach_profile,
    field_verdicts,
    field_visible,
    personal_fields,
    relation_of,
    relation_to_guardian,
    relation_to_link,
    relation_to_result,
    rule,
    visible_fields,
)
from domain.policy_tables import POLICIES

P = ConsentPurpose
ALL = frozenset(ConsentPurpose)

# `shared/spec/permissions.md`, "Field rules for Participant", transcribed cell by cell:
# "Y" visible, "N" denied, a purpose = visible only under that consent.
SPEC_COLUMNS = ("self", "guardian", "staff", "university", "organizer", "public")
SPEC: dict[str, tuple[str, ...]] = {
    "id nickname status": ("Y", "Y", "Y", "Y", "Y", "Y"),
    "lastName firstName middleName": ("Y", "Y", "Y", "Y", "Y", "PUBLICATION"),
    "birthDate": ("Y", "Y", "Y", "N", "Y", "N"),
    "region": ("Y", "Y", "Y", "Y", "Y", "PUBLICATION"),
    "school grade": ("Y", "Y", "Y", "Y", "Y", "N"),
    "email phone": ("Y", "Y", "Y", "CONTACT_SHARING", "Y", "N"),
    "guardians consents consentHistory": ("Y", "Y", "Y", "N", "N", "N"),
    "results": ("Y", "Y", "Y", "Y", "Y", "N"),
    "achievements": ("Y", "Y", "Y", "Y", "N", "N"),
    "ratings": ("Y", "Y", "Y", "Y", "N", "Y"),
    "recommendations": ("Y", "Y", "N", "N", "N", "N"),
    "accessLog": ("Y", "Y", "Y", "N", "N", "N"),
    "dataQualityFlags": ("N", "N", "Y", "N", "N", "N"),
}
RELATIONS = dict(
    zip(
        SPEC_COLUMNS,
        (
            Relation.SELF,
            Relation.GUARDIAN,
            Relation.STAFF,
            Relation.UNIVERSITY,
            Relation.ORGANIZER,
            Relation.PUBLIC,
        ),
        strict=True,
    )
)
STRICTER = {(Relation.ORGANIZER, P.PROCESSING), (Relation.PUBLIC, P.PROCESSING)}
"""Deliberate strengthening (docs/decisions.md): an organizer and the public see
personal data only while PROCESSING is in force, so revoking it stops all sharing
at once, not 30 days later at erasure."""


@pytest.mark.parametrize("fields", sorted(SPEC))
def test_the_participant_table_is_the_spec_table(fields: str) -> None:
    for name in fields.split():
        for column, cell in zip(SPEC_COLUMNS, SPEC[fields], strict=True):
            relation = RELATIONS[column]
            found = rule("Participant", name, relation)
            assert found.allowed == (cell != "N"), (name, column)
            extra = {c for c in found.consents if (relation, c) not in STRICTER}
            expected = set() if cell in ("Y", "N") else {ConsentPurpose(cell)}
            assert extra == expected, (name, column, found)


def test_age_is_a_university_s_substitute_for_the_birth_date() -> None:
    assert field_visible("Participant", "age", Relation.UNIVERSITY, frozenset())
    assert not field_visible("Participant", "birthDate", Relation.UNIVERSITY, ALL)


def test_unknown_types_fields_and_relations_are_denied() -> None:
    assert not field_visible("Participant", "passwordHash", Relation.SELF, ALL)
    assert not field_visible("Nope", "id", Relation.STAFF, ALL)
    for policy in POLICIES.values():
        for name in policy.fields:
            assert not field_visible(policy.name, name, Relation.NONE, ALL)
        assert not can_reach(policy.name, Relation.NONE)


def test_every_table_has_a_rule_per_column_and_a_scope_per_reaching_column() -> None:
    for policy in POLICIES.values():
        assert policy.fields, policy.name
        assert set(policy.scope) == set(policy.columns), policy.name
        for row in policy.rows:
            assert set(row.rules) == set(policy.columns), (policy.name, row.names)


def test_consents_gate_only_what_they_name() -> None:
    assert not field_visible("Participant", "lastName", Relation.PUBLIC, frozenset({P.PUBLICATION}))
    assert field_visible(
        "Participant", "lastName", Relation.PUBLIC, frozenset({P.PUBLICATION, P.PROCESSING})
    )
    assert field_visible(
        "Participant", "email", Relation.UNIVERSITY, frozenset({P.CONTACT_SHARING})
    )
    assert "email" not in visible_fields("Participant", Relation.UNIVERSITY, frozenset())
    assert "school" in visible_fields("Participant", Relation.ORGANIZER, frozenset({P.PROCESSING}))
    assert "school" not in visible_fields("Participant", Relation.ORGANIZER, frozenset())


def _facts(**kwargs: object) -> ParticipantFacts:
    return ParticipantFacts(participant_id=7, **kwargs)  # type: ignore[arg-type]


def test_relations_to_a_participant() -> None:
    student = Viewer(account_id=1, role=Role.STUDENT, participant_id=7)
    assert relation_of(student, _facts()) is Relation.SELF
    assert relation_of(Viewer(1, Role.STUDENT, participant_id=8), _facts()) is Relation.PUBLIC
    assert relation_of(Viewer(2, Role.MODERATOR), _facts()) is Relation.STAFF
    assert relation_of(Viewer(2, Role.ADMIN), _facts()) is Relation.STAFF
    guardian = Viewer(3, Role.GUARDIAN, guardian_id=4)
    assert relation_of(guardian, _facts(is_ward=True)) is Relation.GUARDIAN
    assert relation_of(guardian, _facts()) is Relation.PUBLIC
    university = Viewer(5, Role.UNIVERSITY, organization_id=9)
    both = frozenset({P.PROCESSING, P.UNIVERSITY_SHARING})
    assert relation_of(university, _facts(consents=both)) is Relation.UNIVERSITY
    assert relation_of(university, _facts(consents={P.UNIVERSITY_SHARING})) is Relation.PUBLIC
    assert relation_of(university, _facts(consents={P.PROCESSING})) is Relation.PUBLIC
    organizer = Viewer(6, Role.ORGANIZER, organization_id=10)
    assert relation_of(organizer, _facts(organizer_related=True)) is Relation.ORGANIZER
    assert relation_of(organizer, _facts()) is Relation.PUBLIC
    assert relation_of(Viewer(), _facts(consents=ALL)) is Relation.PUBLIC
    assert not can_reach_profile(Relation.PUBLIC) and can_reach_profile(Relation.GUARDIAN)


def test_relations_to_guardians_links_and_results() -> None:
    guardian = Viewer(3, Role.GUARDIAN, guardian_id=4)
    assert relation_to_guardian(guardian, 4, linked=False) is Relation.SELF
    assert relation_to_guardian(guardian, 5, linked=False) is Relation.NONE
    ward = Viewer(1, Role.STUDENT, participant_id=7)
    assert relation_to_guardian(ward, 4, linked=True) is Relation.WARD
    assert relation_to_guardian(ward, 4, linked=False) is Relation.NONE
    assert relation_to_link(guardian, 4, Relation.PUBLIC) is Relation.GUARDIAN
    assert relation_to_link(guardian, 5, Relation.PUBLIC) is Relation.PUBLIC
    assert not can_reach("GuardianLink", Relation.PUBLIC)
    organizer = Viewer(6, Role.ORGANIZER, organization_id=10)
    assert relation_to_result(organizer, Relation.ORGANIZER, 10) is Relation.ORGANIZER
    assert relation_to_result(organizer, Relation.ORGANIZER, 11) is Relation.NONE
    assert relation_to_result(Viewer(5, Role.UNIVERSITY, 9), Relation.UNIVERSITY, 11) is (
        Relation.UNIVERSITY
    )


def test_universities_see_approved_achievements_without_evidence_files() -> None:
    assert field_visible("Achievement", "evidence", Relation.UNIVERSITY, frozenset())
    assert not field_visible("Achievement", "decisionComment", Relation.UNIVERSITY, frozenset())
    assert not field_visible("Evidence", "filename", Relation.UNIVERSITY, frozenset())
    assert field_visible("Evidence", "url", Relation.UNIVERSITY, frozenset())
    assert not can_reach("Achievement", Relation.ORGANIZER)


def test_the_public_sees_rank_and_points_only() -> None:
    public = visible_fields("RatingEntry", Relation.PUBLIC, frozenset())
    assert {"rank", "points"} <= public and "tier" not in public and "contributions" not in public
    assert "viewerAccount" not in visible_fields("AccessLogEntry", Relation.SELF, frozenset())
    assert "viewerAccount" in visible_fields("AccessLogEntry", Relation.STAFF, frozenset())


@pytest.mark.parametrize("type_name", sorted(POLICIES))
def test_the_verdict_tables_are_the_rules_tabled(type_name: str) -> None:
    """`field_verdicts` (what `Access.check` looks up) says exactly what the rules say:
    every visible field and no other, and an access-log entry for every personal one
    when the viewer is logged, under every relation and every set of consents."""
    policy = POLICIES[type_name]
    consent_sets = [frozenset(), ALL] + [frozenset({c}) for c in ConsentPurpose]
    for relation in Relation:
        for consents in consent_sets:
            visible = visible_fields(type_name, relation, consents)
            for logged in (False, True):
                verdicts = field_verdicts(type_name, relation, consents, logged)
                assert set(verdicts) == visible
                for field, entry in verdicts.items():
                    personal = field in personal_fields(type_name)
                    assert entry == ((policy.log_as or field) if logged and personal else "")
