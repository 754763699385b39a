"""Diplomas: issued at season close to winners and prize-winners as signed
credentials anyone can verify offline (a JWS with the platform's published key),
and revocable, which only the online status check can tell."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from domain.ratings import Diploma, Tier

DIPLOMA_TIERS = frozenset({Tier.WINNER, Tier.PRIZE_WINNER})
CREDENTIAL_TYPE = "talent-diploma"


class DiplomaStatus(StrEnum):
    VALID = "VALID"
    REVOKED = "REVOKED"
    INVALID = "INVALID"
    """Not signed by the platform, tampered with, or naming no issued diploma."""


class CredentialSigner(Protocol):
    """Signs and checks credentials with the platform's keys (`api.credentials`)."""

    def sign(self, claims: Mapping[str, Any]) -> str: ...

    def verify(self, token: str) -> dict[str, Any] | None:
        """The claims of a token the platform signed, or None."""
        ...


def diploma_number(season_code: str, serial: int) -> str:
    """`TF-2026-0000123`: the season's first year and the serial within the season."""
    return f"TF-{season_code[:4]}-{serial:07d}"


def diploma_claims(
    diploma: Diploma, *, holder_name: str | None, direction_title: str, issued_at: datetime
) -> dict[str, Any]:
    """What the credential asserts; verifiable offline with the JWKS."""
    return {
        "sub": f"urn:talent:diploma:{diploma.number}",
        "jti": diploma.number,
        "typ": CREDENTIAL_TYPE,
        "iat": int(issued_at.timestamp()),
        "diploma": {
            "number": diploma.number,
            "season": diploma.season_code,
            "direction": diploma.direction_code,
            "directionTitle": direction_title,
            "tier": Tier(diploma.tier).value,
            "rank": diploma.rank,
            "rankedCount": diploma.ranked_count,
            "points": f"{diploma.points:.2f}",
            "rulesVersion": diploma.rules_version,
            "holder": holder_name,
        },
    }


def status_of(diploma: Diploma | None, claims: Mapping[str, Any] | None) -> DiplomaStatus:
    """A signed credential is valid while the diploma it names is issued, matches
    it and is not revoked."""
    if claims is None or claims.get("typ") != CREDENTIAL_TYPE or diploma is None:
        return DiplomaStatus.INVALID
    body = claims.get("diploma") or {}
    matches = (
        body.get("number") == diploma.number
        and body.get("season") == diploma.season_code
        and body.get("direction") == diploma.direction_code
        and body.get("tier") == Tier(diploma.tier).value
    )
    if not matches:
        return DiplomaStatus.INVALID
    return DiplomaStatus.REVOKED if diploma.is_revoked else DiplomaStatus.VALID
