"""Benchmark: the cost of permission checks and access logging on a participants page.

A university reads `participants(first: 100)` with 12 fields of each row (2,000
participants in its scope by default). Two variants of the same request:

* checked  — what production runs: the row scope in SQL (consent EXISTS with the age
  rules), the consent flags the field rules need for the page's rows, the relation
  decided per row, every personal field through `Access.check`, and the access-log
  record of the request committed before the response (one journal row);
* bypassed — the same request with the permission work taken out, and nothing else:
  the same list and count code and cached statements, run with a scope of TRUE and no
  consent flags (as for staff), no per-row standing, `Access.check` returning the
  value, nothing logged.

Measured in pairs, the order alternating from one round to the next so that neither
variant always runs first (warm caches, the other engineers' load on the machine);
after warm-up rounds whose figures are dropped. Three figures: in process
(schema.execute with a real Context: no transport to dilute the ratio), in process
with `totalCount` (which counts the whole scope), and over HTTP through uvicorn with
the server's background access-log settling running (what a client sees). Each
figure: the medians, their ratio (target <= 1.3), the spread of the per-pair ratios
(quartiles and 10th/90th percentiles), and the ratio of the fastest tenths (the
requests least disturbed by whatever else runs on the machine).

    .venv/bin/python bench/bench_permissions.py [--participants 2000] [--rounds 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
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
from persistence.access_journal import settle_now
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
WARM_UP = 20


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
        docs = {
            purpose: doc_id
            for purpose, doc_id in await s.execute(
                sa.select(tc.consent_documents.c.purpose, tc.consent_documents.c.id)
            )
        }
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


UNSCOPED = Viewer(account_id=0, role=Role.ADMIN)
"""Whose list and count the bypassed variant runs: scope TRUE, no consent flags."""


class Bypass:
    """Take the permission work out of the request (only inside this script), one
    seam per layer, so the rest of the path stays exactly what `checked` runs."""

    def __init__(self) -> None:
        self.saved: list[tuple[Any, str, Any]] = []

    def patch(self, owner: Any, name: str, value: Any) -> None:
        self.saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def __enter__(self) -> Bypass:
        list_participants = participant_queries.list_participants
        count_participants = participant_queries.count_participants

        async def unscoped_list(session: Any, viewer: Viewer, *args: Any) -> Any:
            return await list_participants(session, UNSCOPED, *args)

        async def unscoped_count(session: Any, viewer: Viewer, *args: Any) -> Any:
            return await count_participants(session, UNSCOPED, *args)

        async def no_standing(context: Any, participant: Any) -> Any:
            return permission_module.Standing(Relation.STAFF, frozenset())

        self.patch(participant_queries, "list_participants", unscoped_list)
        self.patch(participant_queries, "count_participants", unscoped_count)
        self.patch(participant_types, "standing", no_standing)
        self.patch(permission_module.Access, "check", lambda self, context, field, value: value)
        self.patch(permission_module, "is_logged", lambda viewer: False)
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, value in reversed(self.saved):
            setattr(owner, name, value)


@dataclass
class Figures:
    checked: list[float]
    bypassed: list[float]


async def measure(once: Callable[[], Awaitable[float]], rounds: int) -> Figures:
    """Pairs of one checked and one bypassed request, the order alternating, so that
    whatever else loads the machine hits both alike; warm-up pairs are dropped."""
    figures = Figures([], [])
    for i in range(WARM_UP + rounds):
        if i % 2 == 0:
            checked = await once()
            with Bypass():
                bypassed = await once()
        else:
            with Bypass():
                bypassed = await once()
            checked = await once()
        if i >= WARM_UP:
            figures.checked.append(checked)
            figures.bypassed.append(bypassed)
    return figures


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(title: str, figures: Figures) -> float:
    """The ratio of the medians is the figure; the per-pair ratios show the spread,
    and the ratio of the fastest tenths what a quiet machine would show."""
    c, b = statistics.median(figures.checked), statistics.median(figures.bypassed)
    pairs = [x / y for x, y in zip(figures.checked, figures.bypassed, strict=True)]
    fast = _quantile(figures.checked, 0.1) / _quantile(figures.bypassed, 0.1)
    print(
        f"{title}: checked median {c * 1000:.1f} ms, bypassed median {b * 1000:.1f} ms, "
        f"ratio {c / b:.3f}x (target <= 1.3x)\n"
        f"    per-pair ratios: median {statistics.median(pairs):.3f}, quartiles "
        f"{_quantile(pairs, 0.25):.3f}–{_quantile(pairs, 0.75):.3f}, p10–p90 "
        f"{_quantile(pairs, 0.1):.3f}–{_quantile(pairs, 0.9):.3f}; fastest tenth "
        f"{_quantile(figures.checked, 0.1) * 1000:.1f} vs "
        f"{_quantile(figures.bypassed, 0.1) * 1000:.1f} ms, ratio {fast:.3f}x"
    )
    return c / b


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
        server.stop()  # its shutdown settles what its requests journaled
    await settle_now(state.services.sessions)  # and this, the in-process requests'
    async with state.services.sessions() as s:
        logged = await s.scalar(sa.text("SELECT count(*) FROM access_log"))
        pending = await s.scalar(sa.text("SELECT count(*) FROM access_log_journal"))
    await state.engine.dispose()
    checked_requests = 3 * (WARM_UP + args.rounds)
    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}")
    print(
        f"participants in the university's scope: {args.participants}; "
        f"page: 100 rows x 12 fields; rounds: {args.rounds} pairs after {WARM_UP} warm-up"
    )
    report("in process (schema.execute)", process_figures)
    report("in process, with totalCount", total_figures)
    report("over HTTP (uvicorn, auth, JSON)", http_figures)
    print(
        f"access-log rows: {logged} after settling ({pending} left in the journal) for "
        f"{checked_requests} checked requests: 100 each, one journal INSERT each"
    )
    assert logged == 100 * checked_requests and pending == 0, "access-log entries missing"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with fresh_postgres("talent_bench_perm") as url:
        migrate(url)  # Alembic runs its own event loop: outside ours
        asyncio.run(run(url, args))


if __name__ == "__main__":
    main()
