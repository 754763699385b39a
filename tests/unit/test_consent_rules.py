"""The age rules at their boundaries, and when a consent record is in force."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.consent_rules import (
    Party,
    given_by_right_party,
    in_force,
    may_grant,
    may_revoke,
    parties_needed,
    purposes_in_force,
    view_of,
)
from domain.consents import (
    Consent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
)
from domain.participants import age_on

BIRTH = date(2012, 3, 15)


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def consent(
    *,
    granted: datetime | None,
    participant: bool,
    guardian: bool,
    status: ConsentStatus = ConsentStatus.ACTIVE,
    purpose: ConsentPurpose = ConsentPurpose.PROCESSING,
    expires: datetime | None = None,
    scope: list[int] | None = None,
) -> Consent:
    return Consent(
        participant_id=1,
        purpose=purpose,
        document_id=1,
        status=status,
        given_by=ConsentGiver.PARTICIPANT,
        method=ConsentMethod.FORM_SIGNATURE,
        requested_by_account_id=1,
        created_at=granted or _at(date(2020, 1, 1)),
        participant_account_id=10 if participant else None,
        guardian_account_id=20 if guardian else None,
        granted_at=granted,
        expires_at=expires,
        scope_all_universities=scope is None,
        scope_organization_ids=scope or [],
    )


@pytest.mark.parametrize(
    ("day", "age", "needed", "participant_revokes", "guardian_revokes"),
    [
        (date(2026, 3, 14), 13, {Party.GUARDIAN}, False, True),
        (date(2026, 3, 15), 14, {Party.PARTICIPANT, Party.GUARDIAN}, True, True),
        (date(2030, 3, 14), 17, {Party.PARTICIPANT, Party.GUARDIAN}, True, True),
        (date(2030, 3, 15), 18, {Party.PARTICIPANT}, True, False),
    ],
)
def test_who_acts_the_day_before_and_on_the_14th_and_18th_birthday(
    day: date, age: int, needed: set[Party], participant_revokes: bool, guardian_revokes: bool
) -> None:
    assert age_on(BIRTH, day) == age
    assert parties_needed(age) == needed
    assert may_grant(age, Party.PARTICIPANT) == (Party.PARTICIPANT in needed)
    assert may_grant(age, Party.GUARDIAN) == (Party.GUARDIAN in needed)
    assert may_revoke(age, Party.PARTICIPANT) is participant_revokes
    assert may_revoke(age, Party.GUARDIAN) is guardian_revokes


def test_the_right_party_is_judged_on_the_day_the_consent_took_effect() -> None:
    by_guardian_at_13 = consent(granted=_at(date(2026, 3, 14)), participant=False, guardian=True)
    assert given_by_right_party(by_guardian_at_13, BIRTH)
    by_guardian_at_14 = consent(granted=_at(date(2026, 3, 15)), participant=False, guardian=True)
    assert not given_by_right_party(by_guardian_at_14, BIRTH)
    by_both_at_17 = consent(granted=_at(date(2030, 3, 14)), participant=True, guardian=True)
    assert given_by_right_party(by_both_at_17, BIRTH)
    by_guardian_at_18 = consent(granted=_at(date(2030, 3, 15)), participant=False, guardian=True)
    assert not given_by_right_party(by_guardian_at_18, BIRTH)
    by_self_at_17 = consent(granted=_at(date(2030, 3, 14)), participant=True, guardian=False)
    assert not given_by_right_party(by_self_at_17, BIRTH)
    assert not given_by_right_party(by_both_at_17, None)


def test_a_guardian_s_consent_stays_in_force_after_the_18th_birthday() -> None:
    given_at_12 = consent(granted=_at(date(2024, 6, 1)), participant=False, guardian=True)
    assert in_force(given_at_12, BIRTH, _at(date(2031, 1, 1)))


def test_the_legal_day_is_the_utc_day() -> None:
    just_before = datetime(2026, 3, 14, 23, 59, tzinfo=UTC)
    midnight = datetime(2026, 3, 15, 0, 0, tzinfo=UTC)
    by_guardian = consent(granted=just_before, participant=False, guardian=True)
    assert given_by_right_party(by_guardian, BIRTH)
    by_guardian.granted_at = midnight
    assert not given_by_right_party(by_guardian, BIRTH)


def test_the_29th_of_february_counts_from_the_1st_of_march() -> None:
    leap = date(2012, 2, 29)
    assert age_on(leap, date(2026, 2, 28)) == 13
    assert age_on(leap, date(2026, 3, 1)) == 14
    assert age_on(leap, date(2028, 2, 29)) == 16


def test_expiry_revocation_and_pending_are_not_in_force() -> None:
    now = _at(date(2031, 1, 1))
    adult = consent(granted=_at(date(2030, 6, 1)), participant=True, guardian=False)
    assert in_force(adult, BIRTH, now)
    adult.expires_at = now
    assert not in_force(adult, BIRTH, now)
    assert view_of(adult, BIRTH, now).status is ConsentStatus.EXPIRED
    adult.expires_at = now + timedelta(seconds=1)
    assert in_force(adult, BIRTH, now)
    adult.status = ConsentStatus.REVOKED
    assert not in_force(adult, BIRTH, now)
    pending = consent(granted=None, participant=True, guardian=False, status=ConsentStatus.PENDING)
    seen = view_of(pending, BIRTH, _at(date(2028, 1, 1)))
    assert seen.status is ConsentStatus.PENDING and seen.awaiting is Party.GUARDIAN


def test_scoped_consents_count_only_for_the_universities_they_name() -> None:
    now = _at(date(2031, 1, 1))
    granted = _at(date(2030, 6, 1))
    records = [
        consent(granted=granted, participant=True, guardian=False),
        consent(
            granted=granted,
            participant=True,
            guardian=False,
            purpose=ConsentPurpose.UNIVERSITY_SHARING,
            scope=[5],
        ),
    ]
    both = {ConsentPurpose.PROCESSING, ConsentPurpose.UNIVERSITY_SHARING}
    assert purposes_in_force(records, BIRTH, now, organization_id=5) == both
    assert purposes_in_force(records, BIRTH, now, organization_id=6) == {ConsentPurpose.PROCESSING}
    assert purposes_in_force(records, BIRTH, now) == both
