"""The participant: the student whose footprint is kept.

Lifecycle ANONYMOUS → REGISTERED → VERIFIED. Age and minority are derived from
the birth date on the day asked, never stored, so they cannot go stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.errors import InvalidInput


class ParticipantStatus(StrEnum):
    ANONYMOUS = "ANONYMOUS"
    REGISTERED = "REGISTERED"
    VERIFIED = "VERIFIED"


class VerificationMethod(StrEnum):
    IDENTITY_PROVIDER = "IDENTITY_PROVIDER"
    DOCUMENT = "DOCUMENT"


GRADUATE = 12
"""Grades 1–11 are school grades; 12 stands for a graduate."""

PERSONAL_FIELDS = (
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
"""The identifying fields that a PROCESSING consent covers and erasure clears."""


@dataclass(eq=False)
class Participant:
    nickname: str
    status: ParticipantStatus
    created_at: datetime
    updated_at: datetime
    account_id: int | None = None
    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    birth_date: date | None = None
    region_code: str | None = None
    school: str | None = None
    grade: int | None = None
    email: str | None = None
    phone: str | None = None
    verified_at: datetime | None = None
    verification_method: VerificationMethod | None = None
    erasure_due_at: datetime | None = None
    erased_at: datetime | None = None
    id: int | None = None

    def age_on(self, day: date) -> int | None:
        return age_on(self.birth_date, day) if self.birth_date else None

    def is_minor_on(self, day: date) -> bool | None:
        age = self.age_on(day)
        return None if age is None else age < 18


def age_on(birth_date: date, day: date) -> int:
    """Full years on `day`; a 29 February birthday counts from 1 March in other years."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


_NICKNAME = re.compile(r"^[\w.\- ]{2,40}$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{7,20}$")
_NAME = re.compile(r"^[^\d@<>{}\[\]\\/]{1,80}$")


def validate_nickname(nickname: str) -> str:
    value = nickname.strip()
    if not _NICKNAME.match(value):
        raise InvalidInput(
            "A nickname has 2–40 letters, digits, spaces, dots, dashes or underscores.",
            field="nickname",
        )
    return value


def validate_name(value: str | None, field: str, *, required: bool) -> str | None:
    if value is None or not value.strip():
        if required:
            raise InvalidInput("This name is required.", field=field)
        return None
    cleaned = " ".join(value.split())
    if not _NAME.match(cleaned):
        raise InvalidInput("A name has 1–80 characters and no digits.", field=field)
    return cleaned


def validate_phone(phone: str | None) -> str | None:
    if phone is None or not phone.strip():
        return None
    value = phone.strip()
    if not _PHONE.match(value):
        raise InvalidInput("Enter a phone number such as +7 900 000-00-00.", field="phone")
    return value


def validate_grade(grade: int | None) -> int | None:
    if grade is None:
        return None
    if not 1 <= grade <= GRADUATE:
        raise InvalidInput("The grade is 1–11, or 12 for a graduate.", field="grade")
    return grade


def validate_birth_date(birth_date: date, today: date) -> date:
    """School students on the platform are 5 to 25 years old."""
    age = age_on(birth_date, today)
    if birth_date > today or not 5 <= age <= 25:
        raise InvalidInput("The birth date must give an age of 5 to 25.", field="birthDate")
    return birth_date
