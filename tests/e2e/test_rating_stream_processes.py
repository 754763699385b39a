"""Two `talent serve` processes on one fresh PostgreSQL database: a university
subscribed on one receives what a moderator approves through the other (LISTEN/
NOTIFY between processes); after a disconnect it resumes with its last cursor and
receives exactly the missed events, in order; a consent revocation made through
the other process stops identified messages about that participant at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from domain.events import EventLevel
from persistence.database import create_engine, session_factory
from tests.support import arrange
from tests.support.databases import fresh_postgres
from tests.support.graphql import GraphQLClient
from tests.support.keys import suite_private_pem
from tests.support.privacy import REVOKE, gid, mutate
from tests.support.ratings import (
    BOARD,
    approved_achievement,
    consenting_student,
    eventually,
    import_results,
)
from tests.support.server import free_port
from tests.support.ws import Subscription

TALENT = str(Path(sys.executable).parent / "talent")
DIRECTION = "ROBOTICS_PROGRAMMING"
UPDATES = """subscription($s: String!, $d: String!, $after: String) {
  ratingUpdates(season: $s, direction: $d, top: 10, after: $after) { cursor complete
    events { cursor kind oldRank newRank participant { lastName } } } }"""
EVENTS = """query($s: String!, $d: String!, $after: String) {
  ratingEvents(season: $s, direction: $d, after: $after, first: 100) {
    edges { cursor node { kind oldRank } } } }"""
LOGIN = (
    "mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { accessToken } }"
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[str, list[str], dict[str, str]]]:
    with fresh_postgres("talent_e2e_ratings") as url:
        env = {
            **os.environ,
            "TALENT_MODE": "production",
            "TALENT_DATABASE_URL": url,
            "TALENT_JWT_PRIVATE_KEYS": suite_private_pem(),
            "TALENT_VAR_DIR": str(tmp_path / "var"),
            "TALENT_ARGON2_TIME_COST": "1",
            "TALENT_ARGON2_MEMORY_KIB": "64",
            "TALENT_RATING_FEED_POLL_SECONDS": "60",  # only LISTEN/NOTIFY may deliver in time
        }
        run = {"env": env, "cwd": tmp_path, "capture_output": True, "text": True, "timeout": 300}
        assert subprocess.run([TALENT, "migrate"], **run).returncode == 0  # type: ignore[call-overload]
        for role, org in (("ADMIN", None), ("MODERATOR", None), ("UNIVERSITY", "ВУЗ-e2e"),
                          ("ORGANIZER", "Организатор-e2e")):  # fmt: skip
            args = ["create-account", "--role", role, "--email", f"{role.lower()}@e2e.example",
                    "--password", "e2e-passphrase"] + (["--organization", org] if org else [])  # fmt: skip
            done = subprocess.run([TALENT, *args], **run)  # type: ignore[call-overload]
            assert done.returncode == 0, done.stderr
        ports = [free_port(), free_port()]
        processes = [
            subprocess.Popen(
                [TALENT, "serve", "--port", str(port)],
                env=env,
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in ports
        ]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        try:
            deadline = time.monotonic() + 40
            for base, process in zip(bases, processes, strict=True):
                while True:
                    try:
                        if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    assert time.monotonic() < deadline and process.poll() is None
                    time.sleep(0.2)
            yield url, bases, env
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)


async def _token(client: GraphQLClient, role: str) -> str:
    found = await client.query(LOGIN, {"e": f"{role}@e2e.example", "p": "e2e-passphrase"})
    return str(found.ok()["login"]["accessToken"])


async def _batch(sub: Subscription) -> list[dict[str, Any]]:
    """One rating batch: its events, then its marker."""
    update = (await sub.data(within=10))["ratingUpdates"]
    assert update["complete"]
    return [*update["events"], {"kind": "BATCH_COMPLETE", "cursor": update["cursor"]}]


async def _scenario(url: str, bases: list[str]) -> None:
    one, other = GraphQLClient(bases[0]), GraphQLClient(bases[1])
    ws_one = bases[0].replace("http", "ws") + "/graphql"
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        season = await arrange.fresh_season(sessions)
        day = f"{season[:4]}-11-01"
        admin, moderator = await _token(other, "admin"), await _token(other, "moderator")
        university, organizer = await _token(one, "university"), await _token(other, "organizer")
        async with sessions() as s:
            org_id = int(
                await s.scalar(
                    sa.text("SELECT id FROM organizations WHERE name = 'Организатор-e2e'")
                )
            )
        event = await arrange.event(
            sessions, org_id, title=f"Олимпиада {season}", season=season,
            level=EventLevel.REGIONAL, starts_on=date(int(season[:4]), 10, 1),
        )  # fmt: skip
        x = await consenting_student(other, moderator, purposes=("UNIVERSITY_SHARING",))
        y = await consenting_student(other, moderator)
        rows = [(x.gid, "PARTICIPANT", 1), (y.gid, "PARTICIPANT", 2)]
        await import_results(bases[1], organizer, gid("Event", event), rows)
        ready = await eventually(
            lambda: one.query(BOARD, {"s": season, "d": DIRECTION}),
            lambda r: r.ok()["leaderboard"]["rankedCount"] == 2,
        )
        assert ready.ok()["leaderboard"]["rankedCount"] == 2

        args = {"s": season, "d": DIRECTION, "after": None}
        sub = await Subscription.start(ws_one, university, UPDATES, args)
        await asyncio.sleep(0.3)
        await approved_achievement(other, y.token, moderator, achieved_on=day, level="FEDERAL")
        first = await _batch(sub)  # approved on process 2, delivered by process 1
        moved = [m for m in first if m["kind"] == "CHANGE"]
        assert {(m["oldRank"], m["newRank"]) for m in moved} == {(2, 1), (1, 2)}
        assert {(m["participant"] or {}).get("lastName") for m in moved} == {x.last_name, None}
        await sub.close()

        await approved_achievement(other, x.token, moderator, achieved_on=day, level="FEDERAL")
        z = await consenting_student(other, moderator)
        await approved_achievement(other, z.token, moderator, achieved_on=day, level="SCHOOL")
        wanted = {"s": season, "d": DIRECTION, "after": first[-1]["cursor"]}
        missed = await eventually(  # z's entry is the later change: everything is in
            lambda: other.query(EVENTS, wanted, token=admin),
            lambda r: (
                any(
                    e["node"]["kind"] == "CHANGE" and e["node"]["oldRank"] is None
                    for e in r.ok()["ratingEvents"]["edges"]
                )
                and r.ok()["ratingEvents"]["edges"][-1]["node"]["kind"] == "BATCH_COMPLETE"
            ),
        )
        expected = [e["cursor"] for e in missed.ok()["ratingEvents"]["edges"]]
        resumed = await Subscription.start(ws_one, university, UPDATES, wanted)
        got: list[dict[str, Any]] = []
        while len(got) < len(expected):
            got.extend(await _batch(resumed))
        assert [m["cursor"] for m in got] == expected
        assert await resumed.quiet(1.5)

        consents = (
            await other.query(
                "query($p: ID!) { participant(id: $p) { consents { id purpose } } }",
                {"p": x.gid},
                token=x.token,
            )
        ).ok()["participant"]["consents"]
        sharing = next(c["id"] for c in consents if c["purpose"] == "UNIVERSITY_SHARING")
        assert not (await mutate(other, REVOKE, x.token, consentId=sharing))["userErrors"]
        await approved_achievement(
            other, x.token, moderator, achieved_on=day, level="INTERNATIONAL"
        )
        after = await _batch(resumed)
        about_x = [m for m in after if m["kind"] == "CHANGE" and m["newRank"] == 1]
        assert about_x and all(m["participant"] is None for m in about_x)
        await resumed.close()
    finally:
        await one.aclose()
        await other.aclose()
        await engine.dispose()


def test_updates_cross_processes_and_resume_exactly(
    two_servers: tuple[str, list[str], dict[str, str]],
) -> None:
    url, bases, _ = two_servers
    asyncio.run(_scenario(url, bases))
