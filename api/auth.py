"""Access tokens: issuing and validating JWTs. The only module that imports jose.

python-jose 3.x pitfalls handled here: `algorithms=` is always explicit (never
the token's own `alg`); every `require_*` claim is switched on; the key is
chosen by `kid` ourselves and an unknown `kid` is refused (given a key set,
jose would try every key); leeway stays under a minute.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from jose import JWTError, jwt

from api.keys import ALGORITHM, SigningKey
from domain.accounts import Account, Role
from domain.errors import Unauthenticated
from domain.ports import Clock

ALLOWED_ALGORITHMS = [ALGORITHM]
VERIFIED_TOKENS = 4096
"""Tokens remembered as verified per process (see `TokenService.verify`)."""


@dataclass(frozen=True)
class AccessClaims:
    account_id: int
    role: Role
    organization_id: int | None
    expires_at: datetime


class TokenService:
    """Signs with the first key, verifies with any key whose `kid` it knows."""

    def __init__(
        self,
        keys: list[SigningKey],
        *,
        issuer: str,
        audience: str,
        ttl: timedelta,
        leeway_seconds: int,
        clock: Clock,
    ) -> None:
        if not keys:
            raise ValueError("at least one signing key is needed")
        self._signing = keys[0]
        self._by_kid = {key.kid: key for key in keys}
        self.issuer = issuer
        self.audience = audience
        self.ttl = ttl
        self.leeway = min(leeway_seconds, 59)
        self.clock = clock
        self._verified: OrderedDict[str, tuple[AccessClaims, int | None, int]] = OrderedDict()

    def issue(self, account: Account) -> str:
        now = self.clock.now()
        claims = {
            "sub": str(account.id),
            "role": account.role.value,
            "org": account.organization_id,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp()),
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(
            claims,
            self._signing.private_pem,
            algorithm=ALGORITHM,
            headers={"kid": self._signing.kid},
        )

    def verify(self, token: str) -> AccessClaims:
        """Validate everything or raise `Unauthenticated`; never fall back to anonymous.

        A token whose signature and claims were verified once is remembered (up to
        `VERIFIED_TOKENS`, the oldest forgotten first): the same bytes under the same
        keys verify the same way, so a later call only checks the time claims again,
        exactly as jose does (whole seconds of real time, with the leeway). An ES256
        verification costs ~0.7 ms of CPU, a tenth of a cached leaderboard hit's budget.
        """
        if len(token) > 4096:
            raise Unauthenticated("The access token is not valid.")
        remembered = self._verified.get(token)
        if remembered is not None:
            claims, not_before, expires = remembered
            now = int(time.time())
            if expires < now - self.leeway or (
                not_before is not None and not_before > now + self.leeway
            ):
                raise Unauthenticated("The access token is not valid or has expired.")
            return claims
        claims, not_before, expires = self._verify_signed(token)
        self._verified[token] = (claims, not_before, expires)
        while len(self._verified) > VERIFIED_TOKENS:
            self._verified.popitem(last=False)
        return claims

    def _verify_signed(self, token: str) -> tuple[AccessClaims, int | None, int]:
        try:
            header = jwt.get_unverified_header(token)
        except JWTError as error:
            raise Unauthenticated("The access token is not valid.") from error
        key = self._by_kid.get(str(header.get("kid")))
        if key is None or header.get("alg") not in ALLOWED_ALGORITHMS:
            raise Unauthenticated("The access token is not valid.")
        try:
            claims = jwt.decode(
                token,
                key.public_jwk,
                algorithms=ALLOWED_ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                options={
                    "require_exp": True,
                    "require_iat": True,
                    "require_iss": True,
                    "require_aud": True,
                    "require_sub": True,
                    "verify_exp": True,
                    "verify_aud": True,
                    "verify_iss": True,
                    "leeway": self.leeway,
                },
            )
            account_id = int(claims["sub"])
            role = Role(claims["role"])
            org = claims.get("org")
            organization_id = int(org) if org is not None else None
            expires = int(claims["exp"])
            expires_at = datetime.fromtimestamp(expires, tz=self.clock.now().tzinfo)
            nbf = claims.get("nbf")
            not_before = int(nbf) if nbf is not None else None
        except (JWTError, KeyError, ValueError, TypeError) as error:
            raise Unauthenticated("The access token is not valid or has expired.") from error
        return AccessClaims(account_id, role, organization_id, expires_at), not_before, expires
