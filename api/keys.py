"""Signing keys for access tokens: loading, first-start generation, JWKS.

Keys are ES256 (P-256). The `kid` is the RFC 7638 thumbprint of the public key,
so it is stable and needs no bookkeeping. The first key signs; every key listed
verifies, which is what lets keys rotate without downtime.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from api.settings import Settings

ALGORITHM = "ES256"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: str
    public_jwk: dict[str, str]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def load_key(private_pem: str) -> SigningKey:
    """Parse a PEM private key; refuse anything but a P-256 EC key."""
    key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("JWT keys must be EC P-256 private keys (ES256)")
    numbers = key.public_key().public_numbers()
    x = _b64(numbers.x.to_bytes(32, "big"))
    y = _b64(numbers.y.to_bytes(32, "big"))
    thumbprint_input = json.dumps(
        {"crv": "P-256", "kty": "EC", "x": x, "y": y}, separators=(",", ":"), sort_keys=True
    )
    kid = _b64(hashlib.sha256(thumbprint_input.encode("ascii")).digest())
    jwk = {"kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": kid, "use": "sig", "alg": ALGORITHM}
    return SigningKey(kid=kid, private_pem=private_pem, public_jwk=jwk)


def generate_private_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _split_pems(text: str) -> list[str]:
    marker = "-----END PRIVATE KEY-----"
    parts = [part.strip() + "\n" + marker for part in text.split(marker) if part.strip()]
    return [part.replace("\\n", "\n") + "\n" for part in parts]


def load_keys(settings: Settings) -> list[SigningKey]:
    """Keys from settings; in development, a key generated once under `var/jwt/`."""
    pems: list[str] = []
    if settings.jwt_private_keys:
        pems.extend(_split_pems(settings.jwt_private_keys))
    for name in filter(None, (p.strip() for p in settings.jwt_private_key_files.split(","))):
        pems.append(Path(name).read_text(encoding="ascii"))
    if not pems:
        if not settings.is_development:
            raise RuntimeError("no JWT keys configured in production mode")
        pems.append(_development_key(settings.var_dir / "jwt" / "signing-key.pem"))
    return [load_key(pem) for pem in pems]


def _development_key(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(generate_private_pem(), encoding="ascii")
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text(encoding="ascii")


def jwks(keys: list[SigningKey]) -> dict[str, Any]:
    return {"keys": [key.public_jwk for key in keys]}
