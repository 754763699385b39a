"""Accounts, roles, organizations and refresh-token families.

An account is a login; a participant or guardian is the person behind it. The
refresh-token family lets a reused (stolen) refresh token revoke every token
descended from the same login.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import InvalidInput


class Role(StrEnum):
    """One role per account (`domain.md`, People and accounts)."""

    STUDENT = "STUDENT"
    GUARDIAN = "GUARDIAN"
    MODERATOR = "MODERATOR"
    UNIVERSITY = "UNIVERSITY"
    ORGANIZER = "ORGANIZER"
    ADMIN = "ADMIN"


STAFF_ROLES = frozenset({Role.MODERATOR, Role.UNIVERSITY, Role.ORGANIZER, Role.ADMIN})
ROLES_WITH_ORGANIZATION = frozenset({Role.UNIVERSITY, Role.ORGANIZER})


class OrganizationKind(StrEnum):
    UNIVERSITY = "UNIVERSITY"
    ORGANIZER = "ORGANIZER"


@dataclass(eq=False)
class Organization:
    """A partner university or an event organizer; staff accounts belong to one."""

    kind: OrganizationKind
    name: str
    created_at: datetime
    id: int | None = None


@dataclass(eq=False)
class Account:
    """A login with exactly one role."""

    role: Role
    created_at: datetime
    email: str | None = None
    password_hash: str | None = None
    organization_id: int | None = None
    idp_subject: str | None = None
    is_active: bool = True
    id: int | None = None


@dataclass(eq=False)
class RefreshToken:
    """One issued refresh token, stored only as a hash.

    `family_id` groups every token rotated from one login; `rotated_at` marks a
    token that was exchanged already, so presenting it again means theft.
    """

    account_id: int
    family_id: str
    token_hash: str
    issued_at: datetime
    expires_at: datetime
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None
    id: int | None = None

    def is_usable(self, now: datetime) -> bool:
        return self.rotated_at is None and self.revoked_at is None and now < self.expires_at


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


def normalize_email(email: str, *, field: str = "email") -> str:
    """Emails compare case-insensitively; store them lower-cased and trimmed."""
    value = email.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise InvalidInput("Enter a valid email address.", field=field)
    return value


def validate_password(password: str, *, field: str = "password") -> None:
    """Length bounds only: a long passphrase beats composition rules (NIST 800-63B)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", field=field
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password must have at most {MAX_PASSWORD_LENGTH} characters.", field=field
        )
