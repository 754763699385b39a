"""Verifying the state identity provider's ID tokens (OpenID Connect), with python-jose.

The provider is configured by issuer, audience (our client id) and its JWKS, from
a URL or a file. Checks, in order: size; the header's `alg` is on our allowlist
(never `none`, never an HMAC, whatever the token says); its `kid` names a key of
the provider's JWKS, chosen by us (an unknown `kid` triggers one refresh of the
JWKS, at most once a minute, then is refused); the signature with exactly that
key and algorithm; `iss`, `aud`, `exp`, `iat` and `sub` required and checked,
leeway under a minute. The `nonce` must be present here; that it is one the
platform issued and unused is checked by the domain, in the transaction that
spends it. The claims used are `sub`, `family_name`, `given_name`,
`middle_name`, `birthdate` (YYYY-MM-DD) and the guardianship claim (`wards` by
default; see `domain/identity.py`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

from jose import jwt
from jose.exceptions import JOSEError

from api.settings import Settings
from domain.errors import Unauthenticated
from domain.guardians import GuardianRelation
from domain.identity import IdentityClaims, WardClaim

log = logging.getLogger("talent.idp")

SAFE_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "ES512"})
INVALID = "The identity provider's token is not valid."
MAX_TOKEN = 16_384
REFRESH_AT_MOST_EVERY = 60.0


class OidcIdentityProvider:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str = "",
        jwks_file: str = "",
        algorithms: list[str],
        leeway_seconds: int = 30,
        cache_seconds: int = 300,
        wards_claim: str = "wards",
    ) -> None:
        unsafe = set(algorithms) - SAFE_ALGORITHMS
        if unsafe or not algorithms:
            raise ValueError(f"identity provider algorithms must be asymmetric: {sorted(unsafe)}")
        if not (jwks_url or jwks_file):
            raise ValueError("the identity provider needs a JWKS URL or file")
        self.issuer = issuer
        self.audience = audience
        self.jwks_url = jwks_url
        self.jwks_file = jwks_file
        self.algorithms = list(algorithms)
        self.leeway = min(leeway_seconds, 59)
        self.cache_seconds = cache_seconds
        self.wards_claim = wards_claim
        self._keys: dict[str, dict[str, Any]] = {}
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcIdentityProvider | None:
        if not settings.identity_provider_configured:
            return None
        return cls(
            issuer=settings.idp_issuer,
            audience=settings.idp_audience,
            jwks_url=settings.idp_jwks_url,
            jwks_file=settings.idp_jwks_file,
            algorithms=[a.strip() for a in settings.idp_algorithms.split(",") if a.strip()],
            leeway_seconds=settings.idp_leeway_seconds,
            cache_seconds=settings.idp_jwks_cache_seconds,
            wards_claim=settings.idp_wards_claim,
        )

    def _read_jwks(self) -> dict[str, Any]:
        if self.jwks_file:
            return dict(json.loads(Path(self.jwks_file).read_text(encoding="utf-8")))
        request = urllib.request.Request(self.jwks_url, headers={"Accept": "application/json"})  # noqa: S310 - the operator's configured URL
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return dict(json.loads(response.read(1_000_000)))

    async def _key(self, kid: str) -> dict[str, Any] | None:
        async with self._lock:
            age = time.monotonic() - self._loaded_at
            stale = age > self.cache_seconds
            unknown = kid not in self._keys and age > REFRESH_AT_MOST_EVERY
            if stale or unknown:
                try:
                    document = await asyncio.to_thread(self._read_jwks)
                    self._keys = {
                        str(k["kid"]): k for k in document.get("keys", []) if k.get("kid")
                    }
                    self._loaded_at = time.monotonic()
                except (OSError, ValueError, KeyError) as error:
                    log.warning("identity provider JWKS unavailable: %s", error)
            return self._keys.get(kid)

    async def verify(self, id_token: str) -> IdentityClaims:
        if not id_token or len(id_token) > MAX_TOKEN:
            raise Unauthenticated(INVALID, field="idToken")
        try:
            header = jwt.get_unverified_header(id_token)
        except JOSEError as error:
            raise Unauthenticated(INVALID, field="idToken") from error
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in self.algorithms or not isinstance(kid, str):
            raise Unauthenticated(INVALID, field="idToken")
        key = await self._key(kid)
        if key is None or (key.get("alg") not in (None, alg)):
            raise Unauthenticated(INVALID, field="idToken")
        try:
            claims = jwt.decode(
                id_token,
                key,
                algorithms=[alg],
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
                    "verify_signature": True,
                    "leeway": self.leeway,
                },
            )
        except (JOSEError, ValueError, TypeError) as error:
            raise Unauthenticated(INVALID, field="idToken") from error
        return self._claims(claims)

    def _claims(self, claims: dict[str, Any]) -> IdentityClaims:
        subject, nonce = claims.get("sub"), claims.get("nonce")
        if not isinstance(subject, str) or not subject or len(subject) > 255:
            raise Unauthenticated(INVALID, field="idToken")
        if not isinstance(nonce, str) or not nonce:
            raise Unauthenticated(INVALID, field="idToken")
        return IdentityClaims(
            subject=subject,
            nonce=nonce,
            family_name=_text(claims.get("family_name")),
            given_name=_text(claims.get("given_name")),
            middle_name=_text(claims.get("middle_name")),
            birthdate=_date(claims.get("birthdate")),
            wards=_wards(claims.get(self.wards_claim)),
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _wards(value: Any) -> tuple[WardClaim, ...]:
    """Malformed entries are ignored: an assertion we cannot read confirms nothing."""
    found = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("sub"), str):
            continue
        try:
            relation = GuardianRelation(item.get("relation", "PARENT"))
        except ValueError:
            continue
        found.append(WardClaim(subject=item["sub"], relation=relation))
    return tuple(found[:20])
