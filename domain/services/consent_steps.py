"""The steps the consent use cases share: checks of a grant's input, the state
changes of a record, erasure scheduling, expiry, and the outbox message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from domain.consent_rules import (
    ERASURE_DELAY,
    SCOPED_PURPOSES,
    Party,
    agreed_parties,
    giver_of,
    purposes_in_force,
)
from domain.consents import Consent, ConsentAction, ConsentMethod, ConsentPurpose, ConsentStatus
from domain.errors import InvalidInput
from domain.outbox import OutboxMessage
from domain.participants import Participant, ParticipantStatus, validate_birth_date
from domain.policy import Viewer
from domain.ports import UnitOfWork
from domain.services.representation import history

MAX_SCOPE = 100


@dataclass(frozen=True)
class GrantRequest:
    participant_id: int
    purpose: ConsentPurpose
    document_version: int
    birth_date: date | None = None
    all_universities: bool = True
    university_ids: tuple[int, ...] = ()
    expires_on: date | None = None
    method: ConsentMethod = ConsentMethod.FORM_SIGNATURE


def changed(consent: Consent, now: datetime) -> OutboxMessage:
    """The message others watch (the rating engine recomputes on it)."""
    return OutboxMessage(
        topic="consent.changed",
        payload={
            "participant_id": consent.participant_id,
            "purpose": ConsentPurpose(consent.purpose).value,
            "status": ConsentStatus(consent.status).value,
        },
        created_at=now,
    )


def birth_date_for_grant(participant: Participant, given: date | None, today: date) -> date:
    """The age decides who may consent, so the birth date is the one datum taken
    with the first grant (before PROCESSING is in force)."""
    if given is not None:
        given = validate_birth_date(given, today)
        if participant.birth_date is not None and participant.birth_date != given:
            raise InvalidInput(
                "This differs from the birth date on record; correct the profile first.",
                field="birthDate",
            )
        participant.birth_date = given
    if participant.birth_date is None:
        raise InvalidInput(
            "Give the participant's birth date: the age decides who may consent.",
            field="birthDate",
        )
    return participant.birth_date


async def check_scope(uow: UnitOfWork, request: GrantRequest) -> list[int]:
    if request.purpose not in SCOPED_PURPOSES:
        if request.university_ids or not request.all_universities:
            raise InvalidInput(
                "Only university and contact sharing name universities.", field="universityIds"
            )
        return []
    if request.all_universities:
        if request.university_ids:
            raise InvalidInput(
                "Either all universities or a list, not both.", field="universityIds"
            )
        return []
    ids = sorted(set(request.university_ids))
    if not ids or len(ids) > MAX_SCOPE:
        raise InvalidInput(
            f"Name 1 to {MAX_SCOPE} partner universities, or choose all of them.",
            field="universityIds",
        )
    if await uow.consents.existing_universities(ids) != set(ids):
        raise InvalidInput("Some of these are not partner universities.", field="universityIds")
    return ids


def expiry(expires_on: date | None, now: datetime) -> datetime | None:
    if expires_on is None:
        return None
    expires_at = datetime.combine(expires_on, time(), tzinfo=UTC)
    if expires_at <= now:
        raise InvalidInput("The expiry date must be in the future.", field="expiresOn")
    return expires_at


def activate(consent: Consent, participant: Participant, now: datetime) -> None:
    consent.status = ConsentStatus.ACTIVE
    consent.granted_at = now
    consent.given_by = giver_of(agreed_parties(consent))
    if ConsentPurpose(consent.purpose) is ConsentPurpose.PROCESSING:
        participant.erasure_due_at = None  # a new grant before the date cancels erasure
        if ParticipantStatus(participant.status) is ParticipantStatus.ANONYMOUS:
            participant.status = ParticipantStatus.REGISTERED
        participant.updated_at = now


def agree(consent: Consent, party: Party, viewer: Viewer) -> None:
    if party is Party.PARTICIPANT:
        consent.participant_account_id = viewer.account_id
    else:
        consent.guardian_account_id = viewer.account_id


async def schedule_erasure(
    uow: UnitOfWork, ended: Consent, participant: Participant, due_from: datetime, now: datetime
) -> None:
    """A PROCESSING consent ended (revoked or expired): unless another one is in
    force, the personal data is erased 30 days after `due_from`."""
    others = await uow.consents.of_participant(ended.participant_id)
    still = purposes_in_force([c for c in others if c.id != ended.id], participant.birth_date, now)
    if ConsentPurpose.PROCESSING not in still and participant.erased_at is None:
        participant.erasure_due_at = due_from + ERASURE_DELAY
        participant.updated_at = now


async def expire_consent(
    uow: UnitOfWork, consent: Consent, participant: Participant, now: datetime
) -> bool:
    """Record that an ACTIVE consent reached its expiry (history, outbox); an expired
    PROCESSING consent schedules erasure like a revocation, from its expiry date."""
    assert consent.id is not None and consent.expires_at is not None
    if not await uow.consents.move(
        consent.id, ConsentStatus.ACTIVE, {"status": ConsentStatus.EXPIRED}
    ):
        return False
    consent.status = ConsentStatus.EXPIRED
    if ConsentPurpose(consent.purpose) is ConsentPurpose.PROCESSING:
        await schedule_erasure(uow, consent, participant, consent.expires_at, now)
    uow.consents.add_history(history(consent, ConsentAction.EXPIRED, None, consent.expires_at))
    uow.outbox.add(changed(consent, now))
    return True
