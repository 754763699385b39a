"""A stand-in for the state identity provider: its own RSA keys, a JWKS file, and
ID tokens signed the way a real OpenID Connect provider signs them."""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

ISSUER = "https://esia.test.example"
AUDIENCE = "talent-footprint-client"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass
class ProviderKey:
    kid: str
    private_pem: str
    public_pem: str
    jwk: dict[str, str]

    @classmethod
    def generate(cls, kid: str | None = None) -> ProviderKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = key.public_key().public_numbers()
        kid = kid or uuid.uuid4().hex[:12]
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")
        public_pem = (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode("ascii")
        )
        jwk = {
            "kty": "RSA",
            "kid": kid,
            "use": "sig",
            "alg": "RS256",
            "n": _b64(numbers.n),
            "e": _b64(numbers.e),
        }
        return cls(kid, private_pem, public_pem, jwk)


@dataclass
class StandInProvider:
    jwks_path: Path
    key: ProviderKey = field(default_factory=ProviderKey.generate)

    def __post_init__(self) -> None:
        self.jwks_path.write_text(json.dumps({"keys": [self.key.jwk]}), encoding="utf-8")

    def settings(self) -> dict[str, object]:
        return {
            "idp_issuer": ISSUER,
            "idp_audience": AUDIENCE,
            "idp_jwks_file": str(self.jwks_path),
            "idp_jwks_cache_seconds": 0,
            "privacy_run_interval_seconds": 0,
            "rating_consumer": False,  # not needed here; one less task to stop
        }

    def token(
        self,
        *,
        subject: str,
        nonce: str | None,
        key: ProviderKey | None = None,
        headers: dict[str, Any] | None = None,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": subject,
            "iat": now,
            "exp": now + 300,
        }
        if nonce is not None:
            body["nonce"] = nonce
        body.update(claims)
        signer = key or self.key
        return jwt.encode(
            body,
            signer.private_pem,
            algorithm="RS256",
            headers={"kid": signer.kid, **(headers or {})},
        )


def unsigned(claims: dict[str, Any], kid: str) -> str:
    """An `alg: none` token: header and payload, empty signature."""

    def part(value: dict[str, Any]) -> str:
        raw = json.dumps(value, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    return f"{part({'alg': 'none', 'kid': kid, 'typ': 'JWT'})}.{part(claims)}."
