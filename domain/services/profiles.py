"""Personal data entry: the participant (or a confirmed guardian) fills in the profile.

Personal data is stored only while PROCESSING is in force. The birth date is
not editable here once on record: it decides who may consent, so a participant
who could move it past 18 could shed the guardian's say. Names and birth date
of a VERIFIED participant came from an identity check and are not edited either.

A change that took effect writes `participant.profile_changed {participant_id,
fields}` to the outbox in the same transaction (the names of the changed fields,
never their values): whatever was built from the old profile — a cached
leaderboard page filtered by region or grade, say — learns it is stale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.accounts import normalize_email
from domain.consent_rules import legal_day, purposes_in_force
from domain.consents import ConsentPurpose
from domain.errors import InvalidInput
from domain.outbox import OutboxMessage
from domain.participants import (
    Participant,
    ParticipantStatus,
    validate_birth_date,
    validate_grade,
    validate_name,
    validate_phone,
)
from domain.policy import Viewer
from domain.ports import Clock, UnitOfWork
from domain.services.representation import represented

PROFILE_CHANGED = "participant.profile_changed"
IDENTITY_FIELDS = frozenset({"last_name", "first_name", "middle_name", "birth_date"})
EDITABLE = (
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "region_code",
    "school",
    "grade",
    "email",
    "phone",
)
_CAMEL = {
    "last_name": "lastName",
    "first_name": "firstName",
    "middle_name": "middleName",
    "birth_date": "birthDate",
    "region_code": "regionCode",
}


@dataclass(frozen=True)
class ProfileUpdate:
    participant_id: int
    values: Mapping[str, Any]
    """Only the fields given (snake_case); `None` clears an optional field."""


def _school(value: str | None) -> str | None:
    text = " ".join((value or "").split()) or None
    if text is not None and len(text) > 300:
        raise InvalidInput("The school name has at most 300 characters.", field="school")
    return text


async def _clean(uow: UnitOfWork, field: str, value: Any, today: date) -> Any:
    camel = _CAMEL.get(field, field)
    if field in ("last_name", "first_name"):
        return validate_name(value, camel, required=True)
    if field == "middle_name":
        return validate_name(value, camel, required=False)
    if field == "birth_date":
        if value is None:
            raise InvalidInput("The birth date cannot be removed.", field=camel)
        return validate_birth_date(value, today)
    if field == "region_code":
        if value is not None and not await uow.privacy.region_exists(str(value)):
            raise InvalidInput("Unknown region code.", field=camel)
        return value
    if field == "school":
        return _school(value)
    if field == "grade":
        return validate_grade(value)
    if field == "email":
        return normalize_email(value) if value else None
    if field == "phone":
        return validate_phone(value)
    raise InvalidInput("This field cannot be edited.", field=camel)


async def update_profile(
    uow: UnitOfWork, viewer: Viewer, update: ProfileUpdate, clock: Clock
) -> Participant:
    now = clock.now()
    async with uow:
        participant, _ = await represented(uow, viewer, update.participant_id)
        consents = await uow.consents.of_participant(update.participant_id)
        if ConsentPurpose.PROCESSING not in purposes_in_force(
            consents, participant.birth_date, now
        ):
            raise InvalidInput(
                "Personal data is stored only under the processing consent (PROCESSING).",
                field="participantId",
            )
        verified = ParticipantStatus(participant.status) is ParticipantStatus.VERIFIED
        cleaned: dict[str, Any] = {}
        for field, value in update.values.items():
            cleaned[field] = await _clean(uow, field, value, legal_day(now))
            unchanged = getattr(participant, field) == cleaned[field]
            if field in IDENTITY_FIELDS and verified and not unchanged:
                raise InvalidInput(
                    "Confirmed by the identity check: a moderator corrects it.",
                    field=_CAMEL.get(field, field),
                )
            if field == "birth_date" and participant.birth_date is not None and not unchanged:
                raise InvalidInput(
                    "The birth date decides who may consent: a moderator corrects it.",
                    field="birthDate",
                )
        changed = sorted(f for f, v in cleaned.items() if getattr(participant, f) != v)
        for field, value in cleaned.items():
            setattr(participant, field, value)
        participant.updated_at = now
        if changed:
            uow.outbox.add(
                OutboxMessage(
                    topic=PROFILE_CHANGED,
                    payload={"participant_id": update.participant_id, "fields": changed},
                    created_at=now,
                )
            )
        await uow.commit()
    return participant
