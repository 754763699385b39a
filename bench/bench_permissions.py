"""Benchmark: the cost of permission checks and access logging on a participants page.

A university reads `participants(first: 100)` with 12 fields of each row. Measured
twice per round, interleaved:

* checked  — what production runs: row scope as SQL (consent EXISTS subqueries, age
  rules included), consent flags for the page's rows, every field through
  `Access.check`, one access-log INSERT per request;
* bypassed — the same query with the scope condition `TRUE`, no consents read,
  `Access.check` returning the value, nothing logged.

Three figures: in process (schema.execute with a real Context: no transport to
dilute the ratio), in process with `totalCount` (which scans the whole scope), and
over HTTP through uvicorn (what a client sees). Target: checked / bypassed ≤ 1.3.

    .venv/bin/python bench/bench_permissions.py [--participants 2000] [--rounds 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import sqlalchemy as sa

from api.app import build_state, create_app
from api.keys import generate_private_pem
from api.settings import Mode, Settings
from bench.bench_quality_indices import cpu_model
from domain.accounts import Role
from domain.policy import Relation, Viewer
from domain.services import accounts as account_cases
from graphql_schema import participants as _participants  # noqa: F401
from graphql_schema import permissions as permission_module
from graphql_schema.context import Context
from graphql_schema.participants import types as participant_types
from graphql_schema.schema import build_schema
from persistence.queries import participants as participant_queries
from persistence.tables import consents as tc
from persistence.tables import people as tp
from tests.support.databases import fresh_postgres, migrate
from tests.support.server import LiveServer

FIELDS = """id nickname status lastName firstName middleName age region { code }
  school grade email phone"""
QUERY = "query Page { participants(first: 100) { edges { node { " + FIELDS + " } } } }"
QUERY_WITH_TOTAL = (
    "query Page { participants(first: 100) { totalCount edges { node { " + FIELDS + " } } } }"
)
NOW = datetime.now(UTC)


async def seed(state: Any, count: int) -> tuple[int, int, str]:
    """`count` adult participants with personal data and every consent in force, and a
    university account (signed in) that reaches them all."""
    creds = state.services.credentials
    account_row = await account_cases.create_staff_account(
        state.services.uow_factory(),
        role=Role.UNIVERSITY,
        email="bench@university.example",
        password="bench-passphrase",
        organization="Bench University",
        creds=creds,
    )
    pair = await account_cases.login(
        state.services.uow_factory(), "bench@university.example", "bench-passphrase", creds
    )
    account, org = int(account_row.id or 0), int(account_row.organization_id or 0)
    async with state.services.sessions() as s, s.begin():
        ids = list(
            (
                await s.execute(
                    sa.insert(tp.participants).returning(tp.participants.c.id),
                    [
                        {
                            "nickname": f"bench_{i}",
                            "status": "REGISTERED",
                            "last_name": "Иванов",
                            "first_name": "Иван",
                            "middle_name": "Иванович",
                            "birth_date": date(2004, 1 + i % 12, 1 + i % 28),
                            "region_code": "66",
                            "school": "Лицей № 1",
                            "grade": 11,
                            "email": f"p{i}@bench.example",
                            "phone": "+7 900 000-00-00",
                            "created_at": NOW,
                            "updated_at": NOW,
                        }
                        for i in range(count)
                    ],
                )
            ).scalars()
        )
        docs = dict(
            (await s.execute(sa.select(tc.consent_documents.c.purpose, tc.consent_documents.c.id)))
            .tuples()
            .all()
        )
        rows = [
            {
                "participant_id": pid,
                "purpose": purpose,
                "document_id": docs[purpose],
                "status": "ACTIVE",
                "given_by": "PARTICIPANT",
                "method": "FORM_SIGNATURE",
                "scope_all_universities": True,
                "scope_organization_ids": [],
                "requested_by_account_id": account,
                "participant_account_id": account,
                "granted_at": NOW,
                "created_at": NOW,
            }
            for pid in ids
            for purpose in ("PROCESSING", "UNIVERSITY_SHARING", "CONTACT_SHARING")
        ]
        await s.execute(sa.insert(tc.consents), rows)
    async with state.engine.connect() as connection:
        await connection.execute(sa.text("ANALYZE"))  # as autovacuum would after a load
    return account, org, pair.access_token


class Bypass:
    """Swap the permission machinery for pass-throughs (only inside this script)."""

    def __init__(self) -> None:
        self.saved: list[tuple[Any, str, Any]] = []

    def patch(self, owner: Any, name: str, value: Any) -> None:
        self.saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def __enter__(self) -> Bypass:
        async def no_standing(context: Any, participant: Any) -> Any:
            return permission_module.Standing(Relation.STAFF, frozenset())

        self.patch(
            participant_queries, "scope_condition", lambda viewer, now, walk=False: sa.true()
        )
        self.patch(participant_types, "standing", no_standing)
        self.patch(permission_module.Access, "check", lambda self, context, field, value: value)
        self.patch(permission_module, "is_logged", lambda viewer: False)
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, value in reversed(self.saved):
            setattr(owner, name, value)


async def measure(
    once: Callable[[], Awaitable[float]], rounds: int
) -> tuple[list[float], list[float]]:
    """Interleaved so that load from anything else on the machine hits both alike."""
    for _ in range(10):
        await once()
        with Bypass():
            await once()
    checked, bypassed = [], []
    for _ in range(rounds):
        checked.append(await once())
        with Bypass():
            bypassed.append(await once())
    return checked, bypassed


def report(title: str, checked: list[float], bypassed: list[float]) -> None:
    c, b = statistics.median(checked), statistics.median(bypassed)
    print(
        f"{title}: checked median {c * 1000:.1f} ms, bypassed median {b * 1000:.1f} ms, "
        f"ratio {c / b:.2f}x (target <= 1.3x)"
    )


async def run(url: str, args: argparse.Namespace) -> None:
    settings = Settings(
        database_url=url,
        mode=Mode.DEVELOPMENT,
        jwt_private_keys=generate_private_pem(),
        var_dir=Path("/tmp/talent-bench"),
        privacy_run_interval_seconds=0,
        argon2_time_cost=1,
        argon2_memory_kib=64,
        log_level="WARNING",
    )
    state = build_state(settings)
    account, org, token = await seed(state, args.participants)
    schema = build_schema()
    viewer = Viewer(account_id=account, role=Role.UNIVERSITY, organization_id=org)

    def in_process(query: str) -> Callable[[], Awaitable[float]]:
        async def once() -> float:
            context = Context(services=state.services, viewer=viewer)
            started = time.perf_counter()
            result = await schema.execute(query, context_value=context, operation_name="Page")
            elapsed = time.perf_counter() - started
            assert not result.errors, result.errors[0]
            assert result.data and len(result.data["participants"]["edges"]) == 100
            return elapsed

        return once

    server = LiveServer(create_app(settings))
    server.start()
    http = httpx.AsyncClient(base_url=server.url, timeout=30)

    async def over_http() -> float:
        started = time.perf_counter()
        response = await http.post(
            "/graphql",
            json={"query": QUERY, "operationName": "Page"},
            headers={"Authorization": f"Bearer {token}"},
        )
        elapsed = time.perf_counter() - started
        body = response.json()
        assert not body.get("errors") and len(body["data"]["participants"]["edges"]) == 100
        return elapsed

    try:
        process_figures = await measure(in_process(QUERY), args.rounds)
        total_figures = await measure(in_process(QUERY_WITH_TOTAL), args.rounds)
        http_figures = await measure(over_http, args.rounds)
    finally:
        await http.aclose()
        server.stop()
    async with state.services.sessions() as s:
        logged = await s.scalar(sa.text("SELECT count(*) FROM access_log"))
    await state.engine.dispose()
    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}")
    print(
        f"participants in the university's scope: {args.participants}; "
        f"page: 100 rows x 12 fields; rounds: {args.rounds} (medians)"
    )
    report("in process (schema.execute)", *process_figures)
    report("in process, with totalCount", *total_figures)
    report("over HTTP (uvicorn, auth, JSON)", *http_figures)
    requests = 3 * (args.rounds + 10)
    print(
        f"access-log rows written: {logged} = 100 per checked request, one INSERT each "
        f"({requests} checked requests)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    with fresh_postgres("talent_bench_perm") as url:
        migrate(url)  # Alembic runs its own event loop: outside ours
        asyncio.run(run(url, args))


if __name__ == "__main__":
    main()
