"""Forged and misused identity-provider ID tokens: every one is refused as
UNAUTHENTICATED, signs nobody in, and changes nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import pytest

from api.app import create_app
from api.settings import Settings
from tests.conftest import make_settings
from tests.support.graphql import GraphQLClient
from tests.support.idp import AUDIENCE, ISSUER, ProviderKey, StandInProvider, unsigned
from tests.support.privacy import mutate, student
from tests.support.server import LiveServer

NONCE = "mutation { identityProviderNonce { nonce } }"
VERIFY = """mutation($input: IdTokenInput!) { verifyWithIdentityProvider(input: $input) {
  userErrors { code } } }"""
SIGN_IN = """mutation($input: IdTokenInput!) { signInWithIdentityProvider(input: $input) {
  accessToken userErrors { code } } }"""


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> StandInProvider:
    return StandInProvider(tmp_path_factory.mktemp("idp") / "jwks.json")


@pytest.fixture(scope="module")
def server(
    settings: Settings, provider: StandInProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    configured = make_settings(
        settings.database_url, tmp_path_factory.mktemp("var"), **provider.settings()
    )
    live = LiveServer(create_app(configured))
    live.start()
    yield live
    live.stop()


@pytest.fixture
async def gql(server: LiveServer) -> AsyncIterator[GraphQLClient]:
    client = GraphQLClient(server.url)
    yield client
    await client.aclose()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def hs256_with_public_key(claims: dict[str, object], provider: StandInProvider) -> str:
    """The algorithm-confusion forgery: HMAC keyed with the provider's public key."""
    header = _b64(json.dumps({"alg": "HS256", "kid": provider.key.kid, "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims).encode())
    mac = hmac.new(
        provider.key.public_pem.encode(), f"{header}.{payload}".encode(), hashlib.sha256
    ).digest()
    return f"{header}.{payload}.{_b64(mac)}"


def tampered(token: str, **changes: object) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"


async def test_forged_and_misused_tokens_sign_nobody_in(
    gql: GraphQLClient, provider: StandInProvider
) -> None:
    victim = await student(gql)
    sub = f"esia-{uuid.uuid4().hex}"

    async def nonce() -> str:
        return str((await gql.query(NONCE)).ok()["identityProviderNonce"]["nonce"])

    linked = await mutate(
        gql, VERIFY, victim.token, idToken=provider.token(subject=sub, nonce=await nonce())
    )
    assert linked["userErrors"] == []
    now = int(time.time())
    stranger = ProviderKey.generate(kid=provider.key.kid)
    forgeries: dict[str, Callable[[str], str]] = {
        "wrong audience": lambda n: provider.token(subject=sub, nonce=n, aud="someone-else"),
        "audience list without us": lambda n: provider.token(subject=sub, nonce=n, aud=["a", "b"]),
        "wrong issuer": lambda n: provider.token(subject=sub, nonce=n, iss="https://evil.example"),
        "expired": lambda n: provider.token(subject=sub, nonce=n, iat=now - 900, exp=now - 120),
        "alg none": lambda n: unsigned(
            {"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "nonce": n, "iat": now, "exp": now + 300},
            provider.key.kid,
        ),
        "hs256 keyed with the public key": lambda n: hs256_with_public_key(
            {"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "nonce": n, "iat": now, "exp": now + 300},
            provider,
        ),
        "unknown kid": lambda n: provider.token(
            subject=sub, nonce=n, key=ProviderKey.generate(kid="not-published")
        ),
        "another key under the provider's kid": lambda n: provider.token(
            subject=sub, nonce=n, key=stranger
        ),
        "tampered subject": lambda n: tampered(
            provider.token(subject="esia-someone", nonce=n), sub=sub
        ),
        "no nonce": lambda n: provider.token(subject=sub, nonce=None),
        "a nonce we never issued": lambda n: provider.token(subject=sub, nonce="made-up-nonce"),
        "oversized": lambda n: provider.token(subject=sub, nonce=n, padding="x" * 20_000),
        "not a jwt": lambda n: "not.a.jwt",
    }
    for name, forge in forgeries.items():
        answer = await mutate(gql, SIGN_IN, "", idToken=forge(await nonce()))
        assert answer["accessToken"] is None, name
        assert [e["code"] for e in answer["userErrors"]] == ["UNAUTHENTICATED"], name
    genuine = await mutate(
        gql, SIGN_IN, "", idToken=provider.token(subject=sub, nonce=await nonce())
    )
    assert genuine["userErrors"] == [] and genuine["accessToken"]
