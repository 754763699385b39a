"""The `talent` command as an operator runs it: real processes, any working
directory, production mode, and a served API that shuts down gracefully."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.databases import fresh_postgres
from tests.support.keys import suite_private_pem
from tests.support.server import free_port

TALENT = str(Path(sys.executable).parent / "talent")


@pytest.fixture
def production_env(tmp_path: Path):  # type: ignore[no-untyped-def]
    with fresh_postgres("talent_e2e") as url:
        env = {
            **os.environ,
            "TALENT_MODE": "production",
            "TALENT_DATABASE_URL": url,
            "TALENT_JWT_PRIVATE_KEYS": suite_private_pem(),
            "TALENT_VAR_DIR": str(tmp_path / "var"),
            "TALENT_ARGON2_TIME_COST": "1",
            "TALENT_ARGON2_MEMORY_KIB": "64",
        }
        yield env


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TALENT, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_operator_commands_in_production_mode(
    production_env: dict[str, str], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    assert _run(["migrate"], production_env, elsewhere).returncode == 0
    seeded = _run(["seed-demo", "--participants", "50"], production_env, elsewhere)
    assert seeded.returncode == 0, seeded.stderr
    assert "demo accounts" not in seeded.stdout  # never in production mode
    again = _run(["seed-demo", "--participants", "50"], production_env, elsewhere)
    assert "nothing changed" in again.stdout
    created = _run(
        [
            "create-account",
            "--role",
            "ORGANIZER",
            "--email",
            "ops@org.example",
            "--password",
            "ops-passphrase",
            "--organization",
            "Кванториум-ops",
        ],
        production_env,
        elsewhere,
    )
    assert created.returncode == 0, created.stderr
    missing_org = _run(
        [
            "create-account",
            "--role",
            "UNIVERSITY",
            "--email",
            "u@uni.example",
            "--password",
            "uni-passphrase",
        ],
        production_env,
        elsewhere,
    )
    assert missing_org.returncode == 2 and "organization" in missing_org.stderr
    duplicate = _run(
        [
            "create-account",
            "--role",
            "ADMIN",
            "--email",
            "ops@org.example",
            "--password",
            "ops-passphrase",
        ],
        production_env,
        elsewhere,
    )
    assert duplicate.returncode == 2


def test_served_api_and_graceful_shutdown(production_env: dict[str, str], tmp_path: Path) -> None:
    assert _run(["migrate"], production_env, tmp_path).returncode == 0
    _run(
        [
            "create-account",
            "--role",
            "ADMIN",
            "--email",
            "root@ops.example",
            "--password",
            "root-passphrase",
        ],
        production_env,
        tmp_path,
    )
    port = free_port()
    process = subprocess.Popen(
        [TALENT, "serve", "--port", str(port)],
        env={**production_env, "TALENT_LOG_LEVEL": "INFO"},
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "server did not start"
            time.sleep(0.2)
        assert httpx.get(f"{base}/readyz").status_code == 200
        login = httpx.post(
            f"{base}/graphql",
            json={
                "query": 'mutation { login(input: {email: "root@ops.example", password: "root-passphrase"}) { accessToken } }'
            },
        )
        assert login.json()["data"]["login"]["accessToken"]
        # production: no GraphiQL, no introspection, masked errors
        assert (
            httpx.get(f"{base}/graphql", headers={"accept": "text/html"}).status_code != 200
            or "graphiql"
            not in httpx.get(f"{base}/graphql", headers={"accept": "text/html"}).text.lower()
        )
        introspection = httpx.post(
            f"{base}/graphql", json={"query": "{ __schema { types { name } } }"}
        ).json()
        assert introspection["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        suggestion = httpx.post(f"{base}/graphql", json={"query": "{ seasonz { code } }"}).json()
        assert "Did you mean" not in suggestion["errors"][0]["message"]
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    # uvicorn re-raises the signal after a clean shutdown, so -SIGTERM is a clean exit too
    assert process.returncode in (0, -signal.SIGTERM), output
    assert "shutdown complete" in output
