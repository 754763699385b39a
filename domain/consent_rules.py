"""Who may give and revoke a consent, and whether a consent record is in force.

The age rules of 152-FZ as the spec states them (`domain.md`, Consents):
- under 14: only a confirmed guardian grants or revokes;
- 14–17: a grant needs both the participant and a confirmed guardian (either may
  start it; it takes effect when the other confirms); either may revoke alone;
- 18 and over: only the participant; consents a guardian gave earlier stay valid
  until the now-adult participant revokes them.

A record is in force only if it is ACTIVE, not past its expiry, and the parties
who agreed to it were the ones the rules required on the day it took effect.
The last check is defence in depth: the use cases never write a record given by
the wrong party, and one that got there anyway (a bad import, a hand edit)
opens nothing. The same rule exists as SQL in `persistence/queries/consent_sql.py`;
a test compares the two on every boundary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from domain.consents import Consent, ConsentGiver, ConsentPurpose, ConsentStatus
from domain.participants import age_on

OWN_SAY_AGE = 14
"""From this age the participant's own agreement is needed too."""
ADULT_AGE = 18
"""From this age the participant alone decides."""
ERASURE_DELAY = timedelta(days=30)
"""Revoking PROCESSING erases personal data this long after (art. 21 of 152-FZ)."""

SCOPED_PURPOSES = frozenset({ConsentPurpose.UNIVERSITY_SHARING, ConsentPurpose.CONTACT_SHARING})
"""Purposes whose record names the universities it covers."""


class Party(StrEnum):
    """The two sides whose will a consent can carry."""

    PARTICIPANT = "PARTICIPANT"
    GUARDIAN = "GUARDIAN"


def legal_day(moment: datetime) -> date:
    """The calendar day a moment falls on for the age rules: the UTC date.

    One fixed zone keeps SQL and Python in agreement; a birthday therefore starts
    at 00:00 UTC (03:00 in Moscow)."""
    return moment.astimezone(UTC).date()


def parties_needed(age: int) -> frozenset[Party]:
    """Whose agreement makes a consent take effect at this age."""
    if age < OWN_SAY_AGE:
        return frozenset({Party.GUARDIAN})
    if age < ADULT_AGE:
        return frozenset({Party.PARTICIPANT, Party.GUARDIAN})
    return frozenset({Party.PARTICIPANT})


def may_grant(age: int, party: Party) -> bool:
    """Whether this party may start or confirm a grant at this age."""
    return party in parties_needed(age)


def may_revoke(age: int, party: Party) -> bool:
    """Under 14 the guardian, 14–17 either side alone, 18+ the participant."""
    if age < OWN_SAY_AGE:
        return party is Party.GUARDIAN
    if age < ADULT_AGE:
        return True
    return party is Party.PARTICIPANT


def refusal(age: int, party: Party, *, revoking: bool) -> str:
    """The userError message when `party` may not act at `age`."""
    if age < OWN_SAY_AGE:
        return "Under 14 only a confirmed guardian gives or revokes consents."
    if age >= ADULT_AGE:
        return "From 18 the participant alone gives and revokes consents."
    if revoking:  # pragma: no cover - 14–17 either side may revoke
        return "Either the participant or a confirmed guardian may revoke."
    return "The participant and a confirmed guardian must both agree."


def agreed_parties(consent: Consent) -> frozenset[Party]:
    """The parties recorded on a consent (their accounts are kept as evidence)."""
    parties: set[Party] = set()
    if consent.participant_account_id is not None:
        parties.add(Party.PARTICIPANT)
    if consent.guardian_account_id is not None:
        parties.add(Party.GUARDIAN)
    return frozenset(parties)


def giver_of(parties: frozenset[Party]) -> ConsentGiver:
    if parties == {Party.PARTICIPANT, Party.GUARDIAN}:
        return ConsentGiver.PARTICIPANT_AND_GUARDIAN
    if parties == {Party.GUARDIAN}:
        return ConsentGiver.GUARDIAN
    return ConsentGiver.PARTICIPANT


def given_by_right_party(consent: Consent, birth_date: date | None) -> bool:
    """Whether the parties on record were the ones the rules required on the day
    the consent took effect. Without a birth date nothing can be checked: closed."""
    if birth_date is None or consent.granted_at is None:
        return False
    age = age_on(birth_date, legal_day(consent.granted_at))
    return parties_needed(age) <= agreed_parties(consent)


def in_force(consent: Consent, birth_date: date | None, now: datetime) -> bool:
    return (
        ConsentStatus(consent.status) is ConsentStatus.ACTIVE
        and (consent.expires_at is None or now < consent.expires_at)
        and given_by_right_party(consent, birth_date)
    )


def purposes_in_force(
    consents: Iterable[Consent],
    birth_date: date | None,
    now: datetime,
    *,
    organization_id: int | None = None,
) -> frozenset[ConsentPurpose]:
    """The purposes in force for one participant. For a university viewer
    (`organization_id`), a scoped purpose counts only if it covers that university."""
    found: set[ConsentPurpose] = set()
    for consent in consents:
        purpose = ConsentPurpose(consent.purpose)
        if not in_force(consent, birth_date, now):
            continue
        if (
            organization_id is not None
            and purpose in SCOPED_PURPOSES
            and not consent.covers_organization(organization_id)
        ):
            continue
        found.add(purpose)
    return frozenset(found)


@dataclass(frozen=True)
class ConsentView:
    """What a client is told about a record: its status today and who must still act."""

    status: ConsentStatus
    awaiting: Party | None


def view_of(consent: Consent, birth_date: date | None, now: datetime) -> ConsentView:
    """`EXPIRED` once past the expiry; a PENDING record names the missing party."""
    status = consent.status_at(now)
    awaiting: Party | None = None
    if status is ConsentStatus.PENDING and birth_date is not None:
        missing = parties_needed(age_on(birth_date, legal_day(now))) - agreed_parties(consent)
        awaiting = next(iter(sorted(missing)), None)
    return ConsentView(status, awaiting)
