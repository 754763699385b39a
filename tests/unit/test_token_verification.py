"""Access tokens verified once are remembered, and still expire on time: a remembered
token answers exactly as a fresh verification would (`api/auth.py`)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from jose import jwt

from api.auth import TokenService
from api.clock import SystemClock
from api.keys import generate_private_pem, load_key
from domain.errors import Unauthenticated


def _service(leeway: int = 0) -> tuple[TokenService, str]:
    pem = generate_private_pem()
    service = TokenService(
        [load_key(pem)],
        issuer="iss",
        audience="aud",
        ttl=timedelta(minutes=5),
        leeway_seconds=leeway,
        clock=SystemClock(),
    )
    return service, pem


def _token(pem: str, **claims: object) -> str:
    now = int(time.time())
    values: dict[str, object] = {
        "sub": "7",
        "role": "UNIVERSITY",
        "org": 3,
        "iss": "iss",
        "aud": "aud",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
    }
    values.update(claims)
    key = load_key(pem)
    return jwt.encode(values, key.private_pem, algorithm="ES256", headers={"kid": key.kid})


def test_a_remembered_token_gives_the_same_claims() -> None:
    service, pem = _service()
    token = _token(pem)
    first = service.verify(token)
    assert (first.account_id, first.role.value, first.organization_id) == (7, "UNIVERSITY", 3)
    assert service.verify(token) == first


def test_a_remembered_token_still_expires() -> None:
    service, pem = _service()
    token = _token(pem, exp=int(time.time()) + 1)
    service.verify(token)
    time.sleep(2.1)
    with pytest.raises(Unauthenticated):
        service.verify(token)


def test_a_token_not_yet_valid_is_refused_and_not_remembered() -> None:
    service, pem = _service(leeway=1)
    token = _token(pem, nbf=int(time.time()) + 3)
    with pytest.raises(Unauthenticated):
        service.verify(token)
    with pytest.raises(Unauthenticated):
        service.verify(token)  # still refused: a failure is not remembered as a success
    time.sleep(2.1)
    assert service.verify(token).account_id == 7  # within the leeway now


def test_a_tampered_copy_of_a_remembered_token_is_verified_afresh() -> None:
    service, pem = _service()
    token = _token(pem)
    service.verify(token)
    header, payload, signature = token.split(".")
    other = _token(generate_private_pem(), role="ADMIN").split(".")[1]
    with pytest.raises(Unauthenticated):
        service.verify(f"{header}.{other}.{signature}")
    with pytest.raises(Unauthenticated):
        service.verify(f"{header}.{payload}.{signature[:-4]}AAAA")
