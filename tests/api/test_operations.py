"""Health, readiness, metrics, JWKS and request ids."""

from __future__ import annotations

from pathlib import Path

import httpx

from api.app import create_app
from tests.conftest import make_settings
from tests.support.databases import fresh_sqlite
from tests.support.server import LiveServer


async def test_health_and_readiness(live_server) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        ready = await http.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["migration"] == ready.json()["head"]


async def test_readiness_fails_when_migrations_are_not_applied(tmp_path: Path) -> None:
    with fresh_sqlite(tmp_path) as url:
        server = LiveServer(create_app(make_settings(url, tmp_path)))
        server.start()
        try:
            async with httpx.AsyncClient(base_url=server.url) as http:
                assert (await http.get("/healthz")).status_code == 200
                ready = await http.get("/readyz")
                assert ready.status_code == 503 and ready.json()["migration"] is None
        finally:
            server.stop()


async def test_metrics_count_operations_and_error_codes(live_server) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        await http.post("/graphql", json={"query": "query SeasonsForMetrics { seasons { code } }"})
        await http.post("/graphql", json={"query": "query Broken { nope }"})
        text = (await http.get("/metrics")).text
    assert 'talent_graphql_operations_total{operation="SeasonsForMetrics",type="query"}' in text
    assert 'talent_graphql_errors_total{code="BAD_USER_INPUT"}' in text
    assert "talent_http_request_duration_seconds_bucket" in text


async def test_jwks_and_request_id(live_server) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        jwks = (await http.get("/.well-known/jwks.json")).json()
        assert jwks["keys"][0]["kty"] == "EC" and jwks["keys"][0]["alg"] == "ES256"
        assert "d" not in jwks["keys"][0]  # never the private part
        response = await http.get("/healthz", headers={"X-Request-ID": "req-123"})
        assert response.headers["x-request-id"] == "req-123"
        generated = await http.get("/healthz")
        assert len(generated.headers["x-request-id"]) == 32


async def test_graphiql_in_development(live_server) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
