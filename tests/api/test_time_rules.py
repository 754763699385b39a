"""Rules that depend on the date, on a server whose clock the test moves: the age
rules the day before and on the 14th and 18th birthday, and erasure 30 days
after PROCESSING is revoked (run by the server's own periodic task).

A fresh database per kind: moving the clock 30 days ahead would otherwise erase
other tests' participants.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from api.app import AppState, build_state, create_app
from tests.conftest import make_settings
from tests.support import arrange
from tests.support.clock import MutableClock
from tests.support.databases import fresh_postgres, fresh_sqlite, migrate
from tests.support.footprint import arrange_footprint, find_anywhere
from tests.support.graphql import GraphQLClient
from tests.support.privacy import (
    CONFIRM,
    PROFILE,
    REVOKE,
    UPDATE_PROFILE,
    Person,
    grant,
    guardian,
    mutate,
    student,
)
from tests.support.server import LiveServer

BIRTH = date(2012, 3, 15)
START = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def timed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, MutableClock]]:
    clock = MutableClock(START)
    if request.param == "postgresql":
        context = fresh_postgres("talent_time")
    else:
        context = fresh_sqlite(tmp_path_factory.mktemp("time"))
    with context as url:
        migrate(url)
        settings = make_settings(
            url,
            tmp_path_factory.mktemp("var"),
            privacy_run_interval_seconds=0.2,
            rating_consumer=False,
        )
        server = LiveServer(create_app(settings, clock=clock))
        server.start()
        _SETTINGS[server.url] = settings
        yield server, clock
        server.stop()


@pytest.fixture
async def tclient(timed: tuple[LiveServer, MutableClock], tstate: AppState) -> Any:
    client = GraphQLClient(timed[0].url)
    yield client
    await client.aclose()


_SETTINGS: dict[str, Any] = {}
_STATES: dict[str, AppState] = {}


@pytest.fixture(scope="module")
async def tstate(timed: tuple[LiveServer, MutableClock]) -> AsyncIterator[AppState]:
    """The same database, through an engine of the test's own event loop (the server's
    engine belongs to the server thread's loop)."""
    server = timed[0]
    state = build_state(_SETTINGS[server.url], clock=timed[1])
    _STATES[server.url] = state
    yield state
    await state.engine.dispose()


def _services(server: LiveServer) -> Any:
    return _STATES[server.url].services


async def _family(client: GraphQLClient, server: LiveServer) -> tuple[Person, Person]:
    ward, parent = await student(client), await guardian(client)
    await arrange.guardian_link(_services(server).sessions, ward.id, parent.account_id)
    return ward, parent


def _codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def test_the_day_before_and_on_the_14th_birthday(
    timed: tuple[LiveServer, MutableClock], tclient: GraphQLClient
) -> None:
    server, clock = timed
    clock.set(datetime(2026, 3, 14, 23, 59, tzinfo=UTC))  # 13 years old
    ward, parent = await _family(tclient, server)
    alone = await grant(tclient, ward.token, ward.gid, "PROCESSING", birthDate=str(BIRTH))
    assert _codes(alone) == ["FORBIDDEN"]
    given = await grant(tclient, parent.token, ward.gid, "PROCESSING", birthDate=str(BIRTH))
    assert given["consent"]["status"] == "ACTIVE" and given["consent"]["givenBy"] == "GUARDIAN"

    clock.set(datetime(2026, 3, 15, 0, 0, 30, tzinfo=UTC))  # 14 today
    ward2, parent2 = await _family(tclient, server)
    started = await grant(tclient, parent2.token, ward2.gid, "PROCESSING", birthDate=str(BIRTH))
    assert started["consent"]["status"] == "PENDING"
    assert started["consent"]["awaiting"] == "PARTICIPANT"
    confirmed = await mutate(tclient, CONFIRM, ward2.token, consentId=started["consent"]["id"])
    assert confirmed["consent"]["status"] == "ACTIVE"
    # 14–17: the participant may revoke alone, and start a grant itself.
    own = await grant(tclient, ward2.token, ward2.gid, "PUBLICATION")
    assert own["consent"]["status"] == "PENDING" and own["consent"]["awaiting"] == "GUARDIAN"
    withdrawn = await mutate(tclient, REVOKE, ward2.token, consentId=own["consent"]["id"])
    assert withdrawn["consent"]["status"] == "REVOKED"
    # The consent the guardian gave alone at 13 still stands at 14.
    assert (
        await mutate(tclient, UPDATE_PROFILE, ward.token, participantId=ward.gid, school="Лицей")
    )["userErrors"] == []


async def test_the_day_before_and_on_the_18th_birthday(
    timed: tuple[LiveServer, MutableClock], tclient: GraphQLClient
) -> None:
    server, clock = timed
    clock.set(datetime(2024, 6, 1, 12, tzinfo=UTC))  # 12 years old
    child, parent = await _family(tclient, server)
    given = await grant(tclient, parent.token, child.gid, "PROCESSING", birthDate=str(BIRTH))
    assert given["consent"]["status"] == "ACTIVE"

    clock.set(datetime(2030, 3, 14, 12, tzinfo=UTC))  # 17 years old
    ward, parent2 = await _family(tclient, server)
    pending = await grant(tclient, ward.token, ward.gid, "PROCESSING", birthDate=str(BIRTH))
    assert pending["consent"]["status"] == "PENDING"
    assert pending["consent"]["awaiting"] == "GUARDIAN"
    by_guardian = await mutate(tclient, REVOKE, parent2.token, consentId=pending["consent"]["id"])
    assert by_guardian["consent"]["status"] == "REVOKED"

    clock.set(datetime(2030, 3, 15, 0, 1, tzinfo=UTC))  # 18 today
    adult = await grant(tclient, ward.token, ward.gid, "PROCESSING")
    assert adult["consent"]["status"] == "ACTIVE" and adult["consent"]["givenBy"] == "PARTICIPANT"
    assert _codes(await grant(tclient, parent2.token, ward.gid, "PUBLICATION")) == ["FORBIDDEN"]
    cannot = await mutate(tclient, REVOKE, parent2.token, consentId=adult["consent"]["id"])
    assert _codes(cannot) == ["FORBIDDEN"]
    # The guardian's consent from age 12 stays valid at 18 until the adult revokes it.
    assert (
        await mutate(tclient, UPDATE_PROFILE, child.token, participantId=child.gid, school="Вуз")
    )["userErrors"] == []
    stale = await mutate(tclient, REVOKE, parent.token, consentId=given["consent"]["id"])
    assert _codes(stale) == ["FORBIDDEN"]
    revoked = await mutate(tclient, REVOKE, child.token, consentId=given["consent"]["id"])
    assert revoked["consent"]["status"] == "REVOKED"


async def _wait_for(predicate: Any, seconds: float = 10.0) -> bool:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(0.1)
    return False


async def test_erasure_thirty_days_after_revoking_processing(
    timed: tuple[LiveServer, MutableClock], tclient: GraphQLClient
) -> None:
    server, clock = timed
    services = _services(server)
    clock.set(datetime(2027, 1, 10, 9, tzinfo=UTC))
    person, parent = await _family(tclient, server)
    nickname_row = (
        await tclient.query("{ me { participant { nickname } } }", token=person.token)
    ).ok()
    nickname = nickname_row["me"]["participant"]["nickname"]
    processing = await grant(
        tclient, person.token, person.gid, "PROCESSING", birthDate="2006-04-02"
    )
    await mutate(tclient, UPDATE_PROFILE, person.token, participantId=person.gid, **PROFILE)
    await grant(tclient, person.token, person.gid, "UNIVERSITY_SHARING")
    values = {
        "title": "Диплом Соколовой М. И.",
        "description": "Победитель, Соколова Мария",
        "comment": "Проверено: Соколова",
        "filename": "sokolova_diploma.pdf",
        "url": "https://example.test/sokolova-maria",
        "email": person.email,
    }
    footprint = await arrange_footprint(services, person, values)

    # A second participant revokes and grants again: its erasure is cancelled.
    keeper = await student(tclient)
    first = await grant(tclient, keeper.token, keeper.gid, "PROCESSING", birthDate="2005-05-05")
    await mutate(tclient, REVOKE, keeper.token, consentId=first["consent"]["id"])
    await grant(tclient, keeper.token, keeper.gid, "PROCESSING")

    revoked_at = clock.now()
    await mutate(tclient, REVOKE, person.token, consentId=processing["consent"]["id"])
    due_query = "query($id: ID!) { participant(id: $id) { erasureDueAt status } }"
    due = (await tclient.query(due_query, {"id": person.gid}, token=person.token)).ok()
    assert datetime.fromisoformat(due["participant"]["erasureDueAt"]) == revoked_at + timedelta(
        days=30
    )

    participants = footprint["tables"]["participants"]

    async def erased() -> bool:
        async with services.sessions() as s:
            return bool(
                await s.scalar(
                    sa.select(participants.c.erased_at).where(participants.c.id == person.id)
                )
            )

    clock.set(revoked_at + timedelta(days=30) - timedelta(minutes=1))
    assert not await _wait_for(erased, seconds=1.0)
    clock.set(revoked_at + timedelta(days=30, minutes=1))
    assert await _wait_for(erased)

    needles = [
        PROFILE["lastName"],
        PROFILE["firstName"],
        PROFILE["middleName"],
        PROFILE["school"],
        PROFILE["phone"],
        PROFILE["email"],
        person.email,
        nickname,
        "Соколова",
        "sokolova",
    ]
    assert await find_anywhere(services, footprint["tables"], needles) == []
    async with services.sessions() as s:
        row = (
            (await s.execute(sa.select(participants).where(participants.c.id == person.id)))
            .mappings()
            .one()
        )
        assert row["birth_date"] is None and row["status"] == "ANONYMOUS"
        assert row["nickname"].startswith("anon-")
        results = footprint["tables"]["results"]
        counted = await s.scalar(
            sa.select(sa.func.count())
            .select_from(results)
            .where(results.c.event_id == footprint["event_id"])
        )
        assert counted == 1  # the anonymous result still counts
        achievements = footprint["tables"]["achievements"]
        approved = await s.scalar(
            sa.select(sa.func.count())
            .select_from(achievements)
            .where(achievements.c.participant_id == person.id, achievements.c.status == "APPROVED")
        )
        assert approved == 1
        evidence = footprint["tables"]["evidence"]
        assert set(
            await s.scalars(
                sa.select(evidence.c.deleted_at.is_not(None)).where(
                    evidence.c.achievement_id.in_(
                        sa.select(achievements.c.id).where(
                            achievements.c.participant_id == person.id
                        )
                    )
                )
            )
        ) == {True}
        kept = await s.scalar(
            sa.select(participants.c.erased_at).where(participants.c.id == keeper.id)
        )
        assert kept is None
    assert await services.blobs.read(footprint["key"]) is None
    login = await tclient.query(
        "mutation($i: LoginInput!) { login(input: $i) { accessToken userErrors { code } } }",
        {"i": {"email": person.email, "password": "student-passphrase"}},
    )
    assert login.ok()["login"]["accessToken"] is None
    async with services.sessions() as s:
        links = footprint["tables"]["guardian_links"]
        left = await s.scalar(
            sa.select(sa.func.count()).select_from(links).where(links.c.guardian_id == parent.id)
        )
    assert left == 0  # a link to an identified parent would re-identify the child
