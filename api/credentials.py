"""Diploma credentials: compact JWS (ES256) signed with the platform's signing key,
verifiable offline with the keys published at `/.well-known/jwks.json`.

The same jose rules as access tokens (`api.auth`): an explicit algorithm list,
the key chosen by `kid` ourselves (an unknown `kid` is refused), required claims.
No expiry: a diploma does not expire; its revocation is what the online status
check (`verifyDiploma`) reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jose import JWTError, jwt

from api.keys import ALGORITHM, SigningKey

DIPLOMA_AUDIENCE = "talent-diploma"


class JoseDiplomaSigner:
    def __init__(self, keys: list[SigningKey], *, issuer: str) -> None:
        if not keys:
            raise ValueError("at least one signing key is needed")
        self._signing = keys[0]
        self._by_kid = {key.kid: key for key in keys}
        self._issuer = issuer

    def sign(self, claims: Mapping[str, Any]) -> str:
        body = {**claims, "iss": self._issuer, "aud": DIPLOMA_AUDIENCE}
        return jwt.encode(
            body,
            self._signing.private_pem,
            algorithm=ALGORITHM,
            headers={"kid": self._signing.kid, "typ": "JWT"},
        )

    def verify(self, token: str) -> dict[str, Any] | None:
        try:
            header = jwt.get_unverified_header(token)
        except JWTError:
            return None
        key = self._by_kid.get(str(header.get("kid")))
        if key is None or header.get("alg") != ALGORITHM:
            return None
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.public_jwk,
                algorithms=[ALGORITHM],
                audience=DIPLOMA_AUDIENCE,
                issuer=self._issuer,
                options={
                    "require_iat": True,
                    "require_iss": True,
                    "require_aud": True,
                    "require_sub": True,
                    "require_jti": True,
                    "verify_aud": True,
                    "verify_iss": True,
                    "verify_exp": False,
                },
            )
        except (JWTError, ValueError, TypeError):
            return None
        return claims
