"""Synthetic people: participants with guardians and consents, per the age rules.

Pure generation of row dicts (no I/O); `seed.py` inserts them. Everything is
drawn from one seeded `random.Random`, so a run is reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.consents import ConsentAction, ConsentGiver, ConsentPurpose, ConsentStatus
from domain.guardians import GuardianLinkStatus
from domain.participants import ParticipantStatus, age_on
from persistence.demo.names import (
    FEMALE_FIRST,
    LAST_NAMES,
    MALE_FIRST,
    PATRONYMIC_ROOTS,
    SCHOOL_KINDS,
)

HEAVY_REGIONS = {
    "77": 12,
    "50": 8,
    "78": 6,
    "23": 5,
    "66": 4,
    "16": 4,
    "02": 4,
    "54": 3,
    "61": 4,
    "52": 3,
    "74": 3,
    "63": 3,
    "24": 3,
    "59": 3,
    "05": 3,
    "36": 2,
}


@dataclass
class PersonDraft:
    """One participant and everything that hangs off it, before ids exist."""

    participant: dict[str, Any]
    guardian: dict[str, Any] | None = None
    link_status: GuardianLinkStatus | None = None
    consents: list[dict[str, Any]] = field(default_factory=list)
    is_minor: bool = False


def _phone(rng: random.Random) -> str:
    a, b, c, d = rng.randint(0, 99), rng.randint(100, 999), rng.randint(10, 99), rng.randint(10, 99)
    return f"+7 9{a:02d} {b}-{c}-{d}"


def region_weights(region_codes: list[str]) -> list[float]:
    return [float(HEAVY_REGIONS.get(code, 1)) for code in region_codes]


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max(1, int((end - start).total_seconds()))
    return start + timedelta(seconds=rng.randrange(span))


def make_person(
    rng: random.Random, index: int, today: date, regions: list[str], weights: list[float]
) -> PersonDraft:
    now = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    created = _moment(rng, now - timedelta(days=700), now - timedelta(days=10))
    age = rng.choices(range(7, 20), weights=[2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 6, 3, 2])[0]
    birth = today - timedelta(days=age * 365 + rng.randrange(365))
    is_minor = age_on(birth, today) < 18
    roll = rng.random()
    status = (
        ParticipantStatus.ANONYMOUS
        if roll < 0.15
        else ParticipantStatus.REGISTERED
        if roll < 0.5
        else ParticipantStatus.VERIFIED
    )
    female = rng.random() < 0.5
    last_m, last_f = rng.choice(LAST_NAMES)
    participant: dict[str, Any] = {
        "nickname": f"student{index:06d}",
        "status": status,
        "created_at": created,
        "updated_at": created,
    }
    draft = PersonDraft(participant=participant, is_minor=is_minor)
    if is_minor and status is not ParticipantStatus.ANONYMOUS:
        draft.link_status = rng.choices(
            [GuardianLinkStatus.CONFIRMED, GuardianLinkStatus.PENDING, GuardianLinkStatus.REJECTED],
            weights=[90, 7, 3],
        )[0]
        draft.guardian = _guardian(rng, last_m, last_f, created)
        if draft.link_status is not GuardianLinkStatus.CONFIRMED:
            # Without a confirmed guardian no consent takes effect: the minor stays
            # anonymous, with the guardian's PROCESSING request pending.
            participant["status"] = ParticipantStatus.ANONYMOUS
            draft.consents.append(
                _consent(rng, ConsentPurpose.PROCESSING, ConsentStatus.PENDING, age, created, now)
            )
            return draft
    if status is ParticipantStatus.ANONYMOUS:
        return draft
    participant.update(
        last_name=last_f if female else last_m,
        first_name=rng.choice(FEMALE_FIRST if female else MALE_FIRST),
        middle_name=rng.choice(PATRONYMIC_ROOTS)[1 if female else 0],
        birth_date=birth,
        region_code=rng.choices(regions, weights=weights)[0],
        school=rng.choice(SCHOOL_KINDS).format(n=rng.randint(1, 2100)),
        grade=min(12, max(1, age - 6)),
        email=f"p{index:06d}@example.test",
        phone=_phone(rng),
    )
    if status is ParticipantStatus.VERIFIED:
        participant["verified_at"] = _moment(rng, created, now)
        participant["verification_method"] = rng.choice(["IDENTITY_PROVIDER", "DOCUMENT"])
    draft.consents.extend(_consents_of_registered(rng, age, created, now, participant))
    return draft


def _guardian(rng: random.Random, last_m: str, last_f: str, created: datetime) -> dict[str, Any]:
    female = rng.random() < 0.6
    return {
        "last_name": last_f if female else last_m,
        "first_name": rng.choice(FEMALE_FIRST if female else MALE_FIRST),
        "middle_name": rng.choice(PATRONYMIC_ROOTS)[1 if female else 0],
        "phone": _phone(rng),
        "created_at": created,
    }


def giver_for(age: int) -> ConsentGiver:
    if age < 14:
        return ConsentGiver.GUARDIAN
    if age < 18:
        return ConsentGiver.PARTICIPANT_AND_GUARDIAN
    return ConsentGiver.PARTICIPANT


def _consent(
    rng: random.Random,
    purpose: ConsentPurpose,
    status: ConsentStatus,
    age: int,
    created: datetime,
    now: datetime,
) -> dict[str, Any]:
    granted = _moment(rng, created, created + timedelta(days=5))
    row: dict[str, Any] = {
        "purpose": purpose,
        "status": status,
        "given_by": giver_for(age),
        "method": "FORM_SIGNATURE" if rng.random() < 0.8 else "IDENTITY_PROVIDER",
        "scope_all_universities": True,
        "scope_organization_ids": [],
        "created_at": granted,
        "granted_at": None if status is ConsentStatus.PENDING else granted,
        "history": [],
    }
    history = row["history"]
    if status is ConsentStatus.PENDING:
        history.append((ConsentAction.REQUESTED, granted))
        return row
    history.append((ConsentAction.GRANTED, granted))
    if row["given_by"] is ConsentGiver.PARTICIPANT_AND_GUARDIAN:
        history.append((ConsentAction.CONFIRMED, granted + timedelta(hours=rng.randint(1, 48))))
    if status is ConsentStatus.REVOKED:
        revoked = _moment(rng, granted + timedelta(days=1), now)
        row["revoked_at"] = revoked
        history.append((ConsentAction.REVOKED, revoked))
    elif status is ConsentStatus.EXPIRED:
        expiry = _moment(rng, granted + timedelta(days=1), now)
        row["expires_at"] = expiry
        history.append((ConsentAction.EXPIRED, expiry))
    elif rng.random() < 0.2:
        row["expires_at"] = now + timedelta(days=rng.randint(30, 700))
    return row


def _consents_of_registered(
    rng: random.Random, age: int, created: datetime, now: datetime, participant: dict[str, Any]
) -> list[dict[str, Any]]:
    processing_status = ConsentStatus.REVOKED if rng.random() < 0.03 else ConsentStatus.ACTIVE
    rows = [_consent(rng, ConsentPurpose.PROCESSING, processing_status, age, created, now)]
    if processing_status is ConsentStatus.REVOKED:
        participant["erasure_due_at"] = rows[0]["revoked_at"] + timedelta(days=30)
    for purpose, share in (
        (ConsentPurpose.PUBLICATION, 0.4),
        (ConsentPurpose.UNIVERSITY_SHARING, 0.55),
        (ConsentPurpose.CONTACT_SHARING, 0.25),
    ):
        if rng.random() >= share:
            continue
        status = rng.choices(
            [
                ConsentStatus.ACTIVE,
                ConsentStatus.REVOKED,
                ConsentStatus.EXPIRED,
                ConsentStatus.PENDING,
            ],
            weights=[80, 8, 5, 7 if 14 <= age < 18 else 0],
        )[0]
        rows.append(_consent(rng, purpose, status, age, created, now))
    return rows
