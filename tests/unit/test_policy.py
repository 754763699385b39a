"""The policy table itself: complete, fail-closed, and as `permissions.md` says."""

from __future__ import annotations

from domain.accounts import Role
from domain.consents import ConsentPurpose
from domain.policy import (
    PARTICIPANT_FIELDS,
    Relation,
    Viewer,
    can_reach_profile,
    field_visible,
    participant_rule,
    relation_of,
)


def test_unknown_fields_and_unreachable_rows_are_denied() -> None:
    assert not field_visible("passwordHash", Relation.SELF, frozenset())
    for field in PARTICIPANT_FIELDS:
        assert not field_visible(field, Relation.NONE, frozenset(ConsentPurpose))


def test_public_rows_need_publication_for_names() -> None:
    assert not field_visible("lastName", Relation.PUBLIC, frozenset())
    assert field_visible("lastName", Relation.PUBLIC, frozenset({ConsentPurpose.PUBLICATION}))
    assert not field_visible("email", Relation.PUBLIC, frozenset(ConsentPurpose))
    assert not field_visible("birthDate", Relation.UNIVERSITY, frozenset(ConsentPurpose))


def test_university_contacts_need_contact_sharing() -> None:
    assert participant_rule("email", Relation.UNIVERSITY).consent is ConsentPurpose.CONTACT_SHARING
    assert field_visible("email", Relation.UNIVERSITY, frozenset({ConsentPurpose.CONTACT_SHARING}))
    assert not field_visible("email", Relation.UNIVERSITY, frozenset())


def test_relations() -> None:
    assert (
        relation_of(Viewer(account_id=1, role=Role.STUDENT, participant_id=7), 7) is Relation.SELF
    )
    assert (
        relation_of(Viewer(account_id=1, role=Role.STUDENT, participant_id=8), 7) is Relation.PUBLIC
    )
    assert relation_of(Viewer(account_id=2, role=Role.MODERATOR), 7) is Relation.STAFF
    assert relation_of(Viewer(account_id=2, role=Role.ADMIN), 7) is Relation.STAFF
    guardian = Viewer(account_id=3, role=Role.GUARDIAN, guardian_id=4)
    assert relation_of(guardian, 7, ward_ids=frozenset({7})) is Relation.GUARDIAN
    assert relation_of(guardian, 9, ward_ids=frozenset({7})) is Relation.PUBLIC
    assert relation_of(Viewer(), 7) is Relation.PUBLIC
    assert not can_reach_profile(Relation.PUBLIC) and can_reach_profile(Relation.GUARDIAN)
