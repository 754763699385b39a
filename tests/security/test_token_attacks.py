"""Forged, expired or misdirected tokens are refused as UNAUTHENTICATED, never
served as anonymous (python-jose pitfalls of contract.md)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from jose import jwt

from api.keys import generate_private_pem, load_key
from api.settings import Settings
from domain.accounts import Role
from tests.support.keys import suite_private_pem

ME = "{ me { id role } }"


def _claims(settings: Settings, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": "1",
        "role": "ADMIN",
        "org": None,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not ...}


def _sign(claims: dict[str, Any], pem: str | None = None, kid: str | None = None) -> str:
    key = load_key(pem or suite_private_pem())
    return jwt.encode(claims, key.private_pem, algorithm="ES256", headers={"kid": kid or key.kid})


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _hs256(claims: dict[str, Any], secret: bytes, kid: str) -> str:
    """Algorithm confusion, built by hand: jose itself refuses to sign it."""
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{_b64(claims)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def _public_pem() -> str:
    private = serialization.load_pem_private_key(suite_private_pem().encode(), password=None)
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def forged_tokens(settings: Settings, valid: str) -> dict[str, str]:
    kid = load_key(suite_private_pem()).kid
    header, payload, signature = valid.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    tampered = {**claims, "role": "ADMIN", "sub": str(int(claims["sub"]) + 1)}
    return {
        "alg_none": f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{_b64(_claims(settings))}.",
        "hs256_with_public_key": _hs256(_claims(settings), _public_pem().encode(), kid),
        "expired": _sign(_claims(settings, exp=int(time.time()) - 120, iat=int(time.time()) - 900)),
        "wrong_audience": _sign(_claims(settings, aud="another-api")),
        "no_audience": _sign(_claims(settings, aud=...)),
        "wrong_issuer": _sign(_claims(settings, iss="https://evil.example")),
        "no_expiry": _sign(_claims(settings, exp=...)),
        "no_subject": _sign(_claims(settings, sub=...)),
        "tampered_payload": f"{header}.{_b64(tampered)}.{signature}",
        "unknown_kid": _sign(_claims(settings), pem=generate_private_pem(), kid="unknown-kid"),
        "foreign_key_known_kid": _sign(_claims(settings), pem=generate_private_pem(), kid=kid),
        "garbage": "not-a-jwt",
        "unknown_account": _sign(_claims(settings, sub="987654321")),
    }


@pytest.fixture
async def forged(settings: Settings, make_staff) -> dict[str, str]:  # type: ignore[no-untyped-def]
    session = await make_staff(Role.MODERATOR)
    return forged_tokens(settings, session.access_token)


@pytest.mark.parametrize(
    "attack",
    [
        "alg_none",
        "hs256_with_public_key",
        "expired",
        "wrong_audience",
        "no_audience",
        "wrong_issuer",
        "no_expiry",
        "no_subject",
        "tampered_payload",
        "unknown_kid",
        "foreign_key_known_kid",
        "garbage",
        "unknown_account",
    ],
)
async def test_forged_token_is_unauthenticated(live_server, forged, attack: str) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        response = await http.post(
            "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {forged[attack]}"}
        )
    assert response.status_code == 401
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_malformed_authorization_header_is_unauthenticated(live_server) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        response = await http.post(
            "/graphql", json={"query": ME}, headers={"Authorization": "Basic abc"}
        )
    assert response.status_code == 401


async def test_valid_token_is_served(live_server, make_staff) -> None:  # type: ignore[no-untyped-def]
    session = await make_staff(Role.MODERATOR)
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        response = await http.post(
            "/graphql",
            json={"query": ME},
            headers={"Authorization": f"Bearer {session.access_token}"},
        )
    assert response.status_code == 200
    assert response.json()["data"]["me"]["role"] == "MODERATOR"
