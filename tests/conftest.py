"""Shared fixtures: both databases, a live server per database, role fixtures.

Every integration and API test runs twice, once on PostgreSQL (a fresh database
per run, dropped after) and once on SQLite. Tests create their own uniquely
named data and never rely on what another test left behind.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.app import AppState, build_state, create_app
from api.settings import Mode, Settings
from domain.accounts import Role
from domain.services import accounts as use_cases
from tests.support.databases import fresh_postgres, fresh_sqlite, migrate
from tests.support.graphql import GraphQLClient
from tests.support.keys import suite_private_pem
from tests.support.server import LiveServer

DATABASES = ["postgresql", "sqlite"]


@pytest.fixture(scope="session", params=DATABASES)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database of each kind, for the whole run."""
    if request.param == "postgresql":
        with fresh_postgres() as url:
            migrate(url)
            yield url
    else:
        with fresh_sqlite(tmp_path_factory.mktemp("sqlite")) as url:
            migrate(url)
            yield url


def make_settings(database_url: str, var_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "mode": Mode.DEVELOPMENT,
        "var_dir": var_dir,
        "jwt_private_keys": suite_private_pem(),
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(database_url, tmp_path_factory.mktemp("var"))


@pytest.fixture(scope="session")
def live_server(settings: Settings) -> Iterator[LiveServer]:
    server = LiveServer(create_app(settings))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
async def state(settings: Settings) -> AsyncIterator[AppState]:
    """The same wiring the app uses, for arranging data through the use cases."""
    app_state = build_state(settings)
    yield app_state
    await app_state.engine.dispose()


@pytest.fixture
async def client(live_server: LiveServer) -> AsyncIterator[GraphQLClient]:
    gql = GraphQLClient(live_server.url)
    yield gql
    await gql.aclose()


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@test.example"


@dataclass
class Session:
    email: str
    password: str
    access_token: str
    refresh_token: str
    account_id: int


@pytest.fixture
def make_staff(state: AppState):  # type: ignore[no-untyped-def]
    """Create a staff account through the same use case the CLI runs, and sign it in."""

    async def make(role: Role, organization: str | None = None) -> Session:
        email = unique_email(role.value.lower())
        password = "correct horse battery"
        creds = state.services.credentials
        await use_cases.create_staff_account(
            state.services.uow_factory(),
            role=role,
            email=email,
            password=password,
            organization=organization,
            creds=creds,
        )
        pair = await use_cases.login(state.services.uow_factory(), email, password, creds)
        assert pair.account.id is not None
        return Session(email, password, pair.access_token, pair.refresh_token, pair.account.id)

    return make
