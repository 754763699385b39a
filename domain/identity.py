"""Identity verification: what the state identity provider asserts, and our records of it.

The provider (ЕСИА/Госуслуги) is modelled as an OpenID Connect provider. `api`
verifies its signed ID token (signature, issuer, audience, expiry) and hands the
domain the claims below; the domain checks the nonce it issued (single use) and
decides what the assertion changes.

Guardianship claim: a guardian's token may carry `wards`, a list of
`{"sub": <the child's subject at the provider>, "relation": "PARENT" |
"ADOPTIVE_PARENT" | "CUSTODIAN"}`. A PENDING link between that guardian and the
participant whose account is linked to that subject is then CONFIRMED.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from domain.guardians import GuardianRelation
from domain.participants import VerificationMethod


@dataclass(frozen=True)
class WardClaim:
    subject: str
    relation: GuardianRelation


@dataclass(frozen=True)
class IdentityClaims:
    """The verified content of an ID token (already checked for signature, iss, aud, exp)."""

    subject: str
    nonce: str | None
    family_name: str | None = None
    given_name: str | None = None
    middle_name: str | None = None
    birthdate: date | None = None
    wards: tuple[WardClaim, ...] = ()


class IdentityTokenVerifier(Protocol):
    """Implemented in `api/identity_provider.py` (the only place that knows jose)."""

    async def verify(self, id_token: str) -> IdentityClaims:
        """The claims of a valid token, or `Unauthenticated`."""
        ...


@dataclass(eq=False)
class IdentityNonce:
    """A nonce the platform issued for one sign-in; stored hashed, used once."""

    nonce_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    id: int | None = None


def nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8", "replace")).hexdigest()


class DocumentKind(StrEnum):
    """Documents a moderator may check; only the kind is kept, never the number."""

    PASSPORT = "PASSPORT"
    BIRTH_CERTIFICATE = "BIRTH_CERTIFICATE"
    FOREIGN_PASSPORT = "FOREIGN_PASSPORT"


@dataclass(eq=False)
class ParticipantVerification:
    """Who verified a participant, how and when (the evidence of the VERIFIED status)."""

    participant_id: int
    method: VerificationMethod
    at: datetime
    actor_account_id: int | None = None
    document_kind: DocumentKind | None = None
    comment: str | None = None
    id: int | None = None
