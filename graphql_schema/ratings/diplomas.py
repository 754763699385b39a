"""Rules versions and diplomas as the API shows them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import cast

import strawberry
from strawberry.scalars import JSON

from domain.diplomas import DiplomaStatus
from domain.ratings import Diploma, RatingRules, Tier
from graphql_schema.ratings import types as _registered  # noqa: F401  (the enums)


@strawberry.type(name="RatingRules", description="One published version of the rules document.")
class RatingRulesType:
    version: int
    document: JSON
    published_at: datetime

    @classmethod
    def from_domain(cls, row: RatingRules) -> RatingRulesType:
        return cls(
            version=row.version,
            document=cast(JSON, row.document),
            published_at=row.published_at,
        )


@strawberry.type(name="Diploma", description="A winner's or prize-winner's diploma.")
class DiplomaType:
    number: str
    season: str
    direction: str
    tier: Tier
    rank: int
    ranked_count: int
    points: Decimal
    rules_version: int
    issued_at: datetime
    status: DiplomaStatus
    revoked_at: datetime | None
    revocation_reason: str | None
    credential: str | None = strawberry.field(
        default=None,
        description="The signed credential (JWS, ES256, key in /.well-known/jwks.json): for "
        "the holder, its guardians and staff; null for others.",
    )

    @classmethod
    def from_domain(cls, row: Diploma, credential: str | None = None) -> DiplomaType:
        return cls(
            number=row.number,
            season=row.season_code,
            direction=row.direction_code,
            tier=Tier(row.tier),
            rank=row.rank,
            ranked_count=row.ranked_count,
            points=row.points,
            rules_version=row.rules_version,
            issued_at=row.issued_at,
            status=DiplomaStatus.REVOKED if row.is_revoked else DiplomaStatus.VALID,
            revoked_at=row.revoked_at,
            revocation_reason=row.revocation_reason,
            credential=credential,
        )


@strawberry.type(description="What a presented credential proves, checked now.")
class DiplomaVerification:
    status: DiplomaStatus
    diploma: DiplomaType | None
    holder: str | None = strawberry.field(description="The name the credential was issued to.")
