"""The access-log journal: a request's record is one journal row, settled into
`access_log` (one row per participant) exactly once — by the background task, at
shutdown, before the log is read or exported — and never lost when settling fails.

A database of its own per kind: a live server's background settler on the shared
test database would settle these rows before the test looks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from api import access_log_task
from api.app import AppState, build_state
from domain.accounts import Role
from domain.services import accounts as account_cases
from persistence.access_journal import AccessReads, journal_reads, settle_now
from persistence.queries.export import export_participant
from persistence.queries.pages import PageRequest
from persistence.queries.privacy import AccessLogFilter, access_log_page
from persistence.tables.audit import access_log, access_log_journal
from tests.conftest import make_settings
from tests.support import arrange
from tests.support.databases import fresh_postgres, fresh_sqlite, migrate

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def journal_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "postgresql":
        context = fresh_postgres("talent_journal")
    else:
        context = fresh_sqlite(tmp_path_factory.mktemp("journal"))
    with context as url:
        migrate(url)
        yield url


@pytest.fixture(scope="module")
async def jstate(
    journal_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[AppState]:
    state = build_state(
        make_settings(journal_url, tmp_path_factory.mktemp("var"), rating_consumer=False)
    )
    yield state
    await state.engine.dispose()


@pytest.fixture(scope="module")
async def people(jstate: AppState) -> tuple[int, list[int]]:
    """A university account (the viewer) and ten participants it read."""
    account = await account_cases.create_staff_account(
        jstate.services.uow_factory(),
        role=Role.UNIVERSITY,
        email="journal@university.example",
        password="journal-passphrase",
        organization="Journal University",
        creds=jstate.services.credentials,
    )
    ids = await arrange.participants(
        jstate.services.sessions, [{"last_name": f"Петров{i}"} for i in range(10)]
    )
    return int(account.id or 0), ids


async def _log_rows(state: AppState, participant_ids: list[int]) -> list[Any]:
    async with state.services.sessions() as s:
        return list(
            await s.execute(
                sa.select(access_log)
                .where(access_log.c.participant_id.in_(participant_ids))
                .order_by(access_log.c.id)
            )
        )


async def _journal_size(state: AppState) -> int:
    async with state.services.sessions() as s:
        return int(await s.scalar(sa.select(sa.func.count()).select_from(access_log_journal)) or 0)


def _reads(viewer: int, reads: dict[int, set[str]], operation: str = "query Q (x)") -> AccessReads:
    return AccessReads(viewer, operation, "req-1", AT, reads)


async def test_one_journal_row_per_request_settles_into_one_log_row_per_participant(
    jstate: AppState, people: tuple[int, list[int]]
) -> None:
    viewer, ids = people
    a, b, c = ids[:3]
    sessions = jstate.services.sessions
    await journal_reads(
        sessions,
        _reads(
            viewer,
            {a: {"lastName", "email"}, b: {"email", "lastName"}, c: {"lastName"}},
            "query Browse (participants)",
        ),
    )
    assert await _journal_size(jstate) == 1
    async with sessions() as s:
        (groups,) = (await s.execute(sa.select(access_log_journal.c.reads))).one()
    assert groups == [
        {"fields": ["email", "lastName"], "participants": sorted([a, b])},
        {"fields": ["lastName"], "participants": [c]},
    ]
    assert await settle_now(sessions) == 3
    assert await _journal_size(jstate) == 0
    rows = await _log_rows(jstate, [a, b, c])
    assert [(r.participant_id, r.fields) for r in rows] == sorted(
        [(a, ["email", "lastName"]), (b, ["email", "lastName"]), (c, ["lastName"])]
    )
    for row in rows:
        assert (row.viewer_account_id, row.operation, row.request_id, row.at) == (
            viewer,
            "query Browse (participants)",
            "req-1",
            AT,
        )
    assert await settle_now(sessions) == 0  # nothing is moved twice
    assert len(await _log_rows(jstate, [a, b, c])) == 3


async def test_concurrent_settlers_move_each_entry_exactly_once(
    jstate: AppState, people: tuple[int, list[int]]
) -> None:
    viewer, everyone = people
    ids = everyone[6:]  # the other tests' participants stay out of it
    sessions = jstate.services.sessions
    before = len(await _log_rows(jstate, ids))
    await asyncio.gather(
        *(
            journal_reads(sessions, _reads(viewer, {pid: {"phone"} for pid in ids}))
            for _ in range(20)
        )
    )
    moved = await asyncio.gather(*(settle_now(sessions) for _ in range(4)))
    assert sum(moved) == 20 * len(ids)
    assert await _journal_size(jstate) == 0
    assert len(await _log_rows(jstate, ids)) == before + 20 * len(ids)


async def test_reading_or_exporting_the_log_settles_first(
    jstate: AppState, people: tuple[int, list[int]]
) -> None:
    viewer, ids = people
    pid = ids[3]
    sessions = jstate.services.sessions
    await journal_reads(sessions, _reads(viewer, {pid: {"school"}}, "query Page (one)"))
    async with sessions() as s:
        page = await access_log_page(s, AccessLogFilter(participant_id=pid), PageRequest(5, None))
    assert [row.entry.fields for row in page.items] == [["school"]] and page.total_count == 1
    await journal_reads(sessions, _reads(viewer, {pid: {"grade"}}, "query Page (two)"))
    async with sessions() as s:
        document = await export_participant(s, pid)
    exported = document["tables"]["access_log"]
    assert [entry["operation"] for entry in exported] == ["query Page (one)", "query Page (two)"]
    assert await _journal_size(jstate) == 0


async def test_shutdown_settles_what_the_last_requests_journaled(
    jstate: AppState, people: tuple[int, list[int]]
) -> None:
    viewer, ids = people
    sessions = jstate.services.sessions
    task = access_log_task.start_settle_task(sessions, 0)  # no loop: only shutdown settles
    await journal_reads(sessions, _reads(viewer, {ids[4]: {"email"}}, "query Last (x)"))
    assert await _journal_size(jstate) == 1
    await access_log_task.stop_settle_task(task, sessions)
    assert await _journal_size(jstate) == 0
    assert [r.operation for r in await _log_rows(jstate, [ids[4]])] == ["query Last (x)"]


async def test_the_background_loop_settles_and_a_failure_loses_nothing(
    jstate: AppState,
    people: tuple[int, list[int]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    viewer, ids = people
    sessions = jstate.services.sessions
    real_settle = access_log_task.settle_now

    async def broken(_sessions: Any) -> int:
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(access_log_task, "settle_now", broken)
    task = access_log_task.start_settle_task(sessions, 0.05)
    await journal_reads(sessions, _reads(viewer, {ids[5]: {"phone"}}, "query Kept (x)"))
    with caplog.at_level(logging.ERROR, logger="talent.access_log"):
        await asyncio.sleep(0.2)  # several failed rounds
        await access_log_task.stop_settle_task(task, sessions)  # fails too: logged, no raise
    assert "journal rows stay" in caplog.text
    assert await _journal_size(jstate) == 1  # still there, durable
    assert await _log_rows(jstate, [ids[5]]) == []

    monkeypatch.setattr(access_log_task, "settle_now", real_settle)
    task = access_log_task.start_settle_task(sessions, 0.05)
    for _ in range(200):  # the loop's next round (every 0.05 s) settles it
        await asyncio.sleep(0.05)
        if not await _journal_size(jstate):
            break
    await access_log_task.stop_settle_task(task, sessions)
    assert [r.operation for r in await _log_rows(jstate, [ids[5]])] == ["query Kept (x)"]


async def test_a_backlog_is_settled_in_chunks_each_moving_each_entry_once(
    jstate: AppState, people: tuple[int, list[int]]
) -> None:
    """Seven journal rows in chunks of three: three transactions (3, 3, 1), every entry
    in the log once, and a settler racing it moves nothing twice."""
    viewer, everyone = people
    pid = everyone[9]  # counted relative to before: the concurrent test shares it
    sessions = jstate.services.sessions
    before = len(await _log_rows(jstate, [pid]))
    for _ in range(7):
        await journal_reads(sessions, _reads(viewer, {pid: {"grade"}}))
    moved = await asyncio.gather(settle_now(sessions, chunk=3), settle_now(sessions, chunk=3))
    assert sum(moved) == 7
    assert await _journal_size(jstate) == 0
    assert len(await _log_rows(jstate, [pid])) == before + 7
