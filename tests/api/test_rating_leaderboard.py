"""The leaderboard over real HTTP, for the public, a university and staff: who is
named, what is shown, filters that reveal nothing, keyset pages, the explanation,
the unranked-until-verified entry, and the response cache: a page that a revocation
updates, a hit's access-log record, a deactivated account, a changed role or
organization, a record that cannot be written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from domain.accounts import Role
from domain.events import EventLevel
from persistence.access_journal import settle_now
from persistence.tables.accounts import accounts
from persistence.tables.audit import access_log
from tests.support import arrange
from tests.support.graphql import GraphQLClient, assert_code, assert_forbidden_at
from tests.support.privacy import REVOKE, UPDATE_PROFILE, gid, grant, mutate
from tests.support.ratings import (
    BOARD,
    Student,
    consenting_student,
    event_with_results,
    eventually,
    import_results,
    organization_of,
    staff_token,
)

DIRECTION = "ROBOTICS_PROGRAMMING"
ROWS = """query($s: String!, $d: String!, $f: LeaderboardFilter) {
  leaderboard(season: $s, direction: $d, first: 100, filter: $f) { totalCount
    edges { node { rank points participant { lastName } } } } }"""
FULL = """query($s: String!, $d: String!) { leaderboard(season: $s, direction: $d) {
  edges { node { rank points tier percentile region { code } participant { lastName }
    entry { ranked rank contributions { place ties fieldSize level levelWeight resultFactor
      fieldFactor relevance points counted basis source event { title } }
      nextTier { tier pointsNeeded } } } } } }"""
ENTRIES = """query($p: ID!, $s: String) { ratingEntries(participantId: $p, season: $s) {
  ranked rank points tier percentile direction { code } contributions { place fieldSize points } } }"""


@dataclass
class World:
    season: str
    university: str
    admin: str
    people: dict[str, Student]


@pytest.fixture(scope="module")
async def world(state: Any, live_server: Any) -> World:
    client = GraphQLClient(live_server.url)
    season = await arrange.fresh_season(state.services.sessions)
    moderator, _ = await staff_token(state, Role.MODERATOR)
    admin, _ = await staff_token(state, Role.ADMIN)
    university, _ = await staff_token(state, Role.UNIVERSITY, f"Уни {season}")
    _, other_account = await staff_token(state, Role.UNIVERSITY, f"Другой уни {season}")
    other = await organization_of(state, other_account)
    organizer, organizer_account = await staff_token(state, Role.ORGANIZER, f"Орг {season}")
    org = await organization_of(state, organizer_account)
    event = await arrange.event(
        state.services.sessions,
        org,
        title=f"Олимпиада {season}",
        season=season,
        level=EventLevel.FEDERAL,
        starts_on=date(int(season[:4]), 12, 1),
    )
    people = {
        "a": await consenting_student(client, moderator, purposes=("PUBLICATION",), region="77"),
        "b": await consenting_student(
            client, moderator, purposes=("UNIVERSITY_SHARING",), region="77", grade=9
        ),
        "c": await consenting_student(client, moderator, region="66", grade=9),
        "d": await consenting_student(client, None, purposes=("PUBLICATION",)),
        "e": await consenting_student(client, moderator, region="77", grade=9),
    }
    scoped = await grant(
        client,
        people["e"].token,
        people["e"].gid,
        "UNIVERSITY_SHARING",
        allUniversities=False,
        universityIds=[gid("Organization", other)],
    )
    assert not scoped["userErrors"], scoped
    rows = [(people[k].gid, "PARTICIPANT", place) for place, k in enumerate("abcde", start=1)]
    await import_results(live_server.url, organizer, gid("Event", event), rows)
    board = await eventually(
        lambda: client.query(BOARD, {"s": season, "d": DIRECTION}),
        lambda r: (r.data or {}).get("leaderboard", {}).get("rankedCount") == 4,
    )
    assert board.ok()["leaderboard"]["rankedCount"] == 4, board.body
    await client.aclose()
    return World(season, university, admin, people)


def names(response: Any) -> list[tuple[int, str, str | None]]:
    edges = response.ok()["leaderboard"]["edges"]
    return [
        (e["node"]["rank"], e["node"]["points"], (e["node"]["participant"] or {}).get("lastName"))
        for e in edges
    ]


async def test_public_sees_rank_and_points_and_only_published_names(
    client: GraphQLClient, world: World
) -> None:
    p = world.people
    # FEDERAL 80 × (0.3 + 0.7·(5 − place)/4) × field factor N=5 (0.38233…): 30.59, 25.23,
    # 19.88, (14.53 unranked), 9.18
    found = await client.query(ROWS, {"s": world.season, "d": DIRECTION})
    assert names(found) == [
        (1, "30.59", p["a"].last_name),
        (2, "25.23", None),
        (3, "19.88", None),
        (4, "9.18", None),
    ]
    denied = await client.query(FULL, {"s": world.season, "d": DIRECTION})
    assert_forbidden_at(denied, ["leaderboard", "edges", 0, "node", "tier"])
    assert_forbidden_at(denied, ["leaderboard", "edges", 1, "node", "region"])
    first = denied.data["leaderboard"]["edges"][0]["node"]
    assert first["region"] == {"code": "77"} and first["entry"] is None


async def test_university_sees_identities_in_its_scope_and_tiers_everywhere(
    client: GraphQLClient, world: World
) -> None:
    p = world.people
    found = await client.query(ROWS, {"s": world.season, "d": DIRECTION}, token=world.university)
    assert names(found) == [
        (1, "30.59", p["a"].last_name),  # published: never less than the public sees
        (2, "25.23", p["b"].last_name),  # sharing covers every university
        (3, "19.88", None),
        (4, "9.18", None),  # sharing limited to another university
    ]
    full = (
        await client.query(FULL, {"s": world.season, "d": DIRECTION}, token=world.university)
    ).ok()
    nodes = [e["node"] for e in full["leaderboard"]["edges"]]
    assert [n["tier"] for n in nodes] == ["NONE"] * 4  # below the minimum score of 40
    assert nodes[2]["region"] == {"code": "66"} and nodes[2]["entry"] is None
    explained = nodes[1]["entry"]
    assert explained["ranked"] and explained["rank"] == 2
    (contribution,) = explained["contributions"]
    assert contribution == {
        "place": 2,
        "ties": 1,
        "fieldSize": 5,
        "level": "FEDERAL",
        "levelWeight": "80.0000",
        "resultFactor": "0.8250",
        "fieldFactor": "0.3823",
        "relevance": "1.0000",
        "points": "25.23",
        "counted": True,
        "basis": "PLACE",
        "source": "RESULT",
        "event": {"title": f"Олимпиада {world.season}"},
    }
    # 4 ranked: one prize-winner place (floor(4 × 0.25)); passing the leader's 30.59 would
    # take 5.37, but the minimum of 40 takes 40 − 25.23 = 14.77
    assert explained["nextTier"] == {"tier": "PRIZE_WINNER", "pointsNeeded": "14.77"}


async def test_staff_see_everyone_and_the_unranked_see_the_rank_they_would_have(
    client: GraphQLClient, world: World
) -> None:
    p = world.people
    found = await client.query(ROWS, {"s": world.season, "d": DIRECTION}, token=world.admin)
    assert [n for _, _, n in names(found)] == [p[k].last_name for k in "abce"]
    mine = (
        await client.query(ENTRIES, {"p": p["d"].gid, "s": world.season}, token=p["d"].token)
    ).ok()["ratingEntries"]
    assert mine == [
        {
            "ranked": False,
            "rank": 4,  # 14.53 would sit above the fourth (9.18)
            "points": "14.53",
            "tier": "NONE",
            "percentile": None,
            "direction": {"code": DIRECTION},
            "contributions": [{"place": 4, "fieldSize": 5, "points": "14.53"}],
        }
    ]
    others = await client.query(ENTRIES, {"p": p["d"].gid}, token=p["a"].token)
    assert others.ok()["ratingEntries"] == []


async def test_filters_reveal_nothing_the_viewer_may_not_see(
    client: GraphQLClient, world: World
) -> None:
    p = world.people
    args = {"s": world.season, "d": DIRECTION, "f": {"region": "77"}}
    public = await client.query(ROWS, args)
    assert names(public) == [(1, "30.59", p["a"].last_name)]  # only published regions match
    assert public.ok()["leaderboard"]["totalCount"] == 1
    university = await client.query(ROWS, args, token=world.university)
    assert [r for r, _, _ in names(university)] == [1, 2, 4]
    graded = {"s": world.season, "d": DIRECTION, "f": {"grade": 9}}
    assert_code(await client.query(ROWS, graded), "FORBIDDEN")
    mine = await client.query(ROWS, graded, token=world.university)
    assert names(mine) == [(2, "25.23", p["b"].last_name)]  # grade seen only in scope
    everyone = await client.query(ROWS, graded, token=world.admin)
    assert [r for r, _, _ in names(everyone)] == [2, 3, 4]


async def test_keyset_pages_and_bad_arguments(client: GraphQLClient, world: World) -> None:
    first = (await client.query(BOARD, {"s": world.season, "d": DIRECTION, "first": 3})).ok()
    page = first["leaderboard"]
    assert page["pageInfo"]["hasNextPage"] and page["totalCount"] == 4
    rest = (
        await client.query(
            BOARD,
            {"s": world.season, "d": DIRECTION, "first": 3, "after": page["pageInfo"]["endCursor"]},
        )
    ).ok()["leaderboard"]
    assert [e["node"]["rank"] for e in rest["edges"]] == [4]
    assert not rest["pageInfo"]["hasNextPage"]
    for variables in (
        {"s": world.season, "d": DIRECTION, "first": 101},
        {"s": world.season, "d": DIRECTION, "after": "bm90LWEtY3Vyc29y"},
        {"s": "2026/28", "d": DIRECTION},
        {"s": world.season, "d": "NO_SUCH_DIRECTION"},
    ):
        assert_code(await client.query(BOARD, variables), "BAD_USER_INPUT")


async def _post(http: httpx.AsyncClient, world: World, token: str) -> httpx.Response:
    body = {"query": ROWS, "variables": {"s": world.season, "d": DIRECTION}}
    return await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {token}"})


async def _cached(http: httpx.AsyncClient, world: World, token: str) -> httpx.Response:
    """The page for this token, asked until it is served from the cache."""
    for _ in range(3):
        response = await _post(http, world, token)
        assert response.status_code == 200, response.text
        if response.headers.get("x-talent-cache") == "hit":
            return response
    raise AssertionError("the page was not served from the cache")


async def _update_account(state: Any, account_id: int, **values: object) -> None:
    async with state.services.sessions() as s, s.begin():
        await s.execute(sa.update(accounts).where(accounts.c.id == account_id).values(**values))


async def _logged(state: Any, account_id: int) -> list[tuple[int, list[str]]]:
    """What the access log holds of this viewer's reads (the journal settled first)."""
    await settle_now(state.services.sessions)
    async with state.services.sessions() as s:
        rows = await s.execute(
            sa.select(access_log.c.participant_id, access_log.c.fields)
            .where(access_log.c.viewer_account_id == account_id)
            .order_by(access_log.c.id)
        )
        return [(int(p), list(f)) for p, f in rows.tuples()]


async def test_a_cached_page_is_journalled_for_every_viewer_it_is_served_to(
    live_server: Any, state: Any, world: World
) -> None:
    """Two accounts of one university share the page; each hit is logged for its own
    account, and committed before the response arrives."""
    token, account = await staff_token(state, Role.UNIVERSITY, f"Уни {world.season}")
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        first = await _cached(http, world, world.university)
        served = await _post(http, world, token)
        assert served.headers.get("x-talent-cache") == "hit"  # built for another account
        assert served.json() == first.json()
        once = await _logged(state, account)
        assert once, "the hit's reads were not logged"
        named = {
            e["node"]["participant"]["lastName"]
            for e in served.json()["data"]["leaderboard"]["edges"]
            if e["node"]["participant"]
        }
        assert len({p for p, _ in once}) == len(named)
        assert all(fields == ["lastName"] for _, fields in once)
        again = await _post(http, world, token)
        assert again.headers.get("x-talent-cache") == "hit"
        assert await _logged(state, account) == once + once


async def test_a_deactivated_account_gets_no_cached_page(
    live_server: Any, state: Any, world: World
) -> None:
    token, account = await staff_token(state, Role.UNIVERSITY, f"Уни {world.season}")
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        await _cached(http, world, token)
        logged = await _logged(state, account)
        await _update_account(state, account, is_active=False)
        refused = await _post(http, world, token)
        assert refused.status_code == 401
        assert refused.headers.get("x-talent-cache") != "hit"
        assert refused.json()["data"] is None
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert await _logged(state, account) == logged  # nothing served, nothing logged


async def test_a_changed_organization_or_role_is_another_viewer(
    live_server: Any, state: Any, world: World
) -> None:
    """The token still claims the old role and organization; the page served is the
    one the account's current role and organization see, never the cached one."""
    other_token, other_account = await staff_token(
        state, Role.UNIVERSITY, f"Другой уни {world.season}"
    )
    other_org = await organization_of(state, other_account)
    moved_token, moved = await staff_token(state, Role.UNIVERSITY, f"Уни {world.season}")
    demoted_token, demoted = await staff_token(state, Role.MODERATOR)
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        mine = (await _cached(http, world, moved_token)).json()
        theirs = (await _cached(http, world, other_token)).json()
        assert mine != theirs  # the participant sharing with the other university only
        await _update_account(state, moved, organization_id=other_org)
        after_move = await _post(http, world, moved_token)
        assert after_move.json() == theirs

        staff_page = (await _cached(http, world, demoted_token)).json()
        assert staff_page != mine
        university = await organization_of(state, (await staff_token(
            state, Role.UNIVERSITY, f"Уни {world.season}"))[1])  # fmt: skip
        await _update_account(state, demoted, role="UNIVERSITY", organization_id=university)
        after_demotion = await _post(http, world, demoted_token)
        assert after_demotion.json() == mine


async def test_a_cached_read_that_cannot_be_recorded_is_not_served(
    live_server: Any, state: Any, world: World
) -> None:
    """The journal refuses this viewer's rows (a trigger in the real database): the
    cached page is withheld, whichever way the hit is checked."""
    token, account = await staff_token(state, Role.UNIVERSITY, f"Уни {world.season}")
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        await _cached(http, world, token)
        logged = await _logged(state, account)
        async with state.services.sessions() as s, s.begin():
            postgres = s.get_bind().dialect.name == "postgresql"
            if postgres:
                await s.execute(
                    sa.text(
                        "CREATE FUNCTION refuse_journal() RETURNS trigger LANGUAGE plpgsql "
                        "AS $$ BEGIN RAISE EXCEPTION 'the journal is unavailable'; END $$"
                    )
                )
                await s.execute(
                    sa.text(
                        "CREATE TRIGGER refuse_journal BEFORE INSERT ON access_log_journal "
                        f"FOR EACH ROW WHEN (NEW.viewer_account_id = {account}) "
                        "EXECUTE FUNCTION refuse_journal()"
                    )
                )
            else:
                await s.execute(
                    sa.text(
                        "CREATE TRIGGER refuse_journal BEFORE INSERT ON access_log_journal "
                        f"WHEN NEW.viewer_account_id = {account} "
                        "BEGIN SELECT RAISE(ABORT, 'the journal is unavailable'); END"
                    )
                )
        try:
            withheld = await _post(http, world, token)
        finally:
            async with state.services.sessions() as s, s.begin():
                await s.execute(sa.text("DROP TRIGGER refuse_journal ON access_log_journal")
                                if postgres else sa.text("DROP TRIGGER refuse_journal"))  # fmt: skip
                if postgres:
                    await s.execute(sa.text("DROP FUNCTION refuse_journal()"))
        assert withheld.json()["data"] is None
        assert [e["extensions"]["code"] for e in withheld.json()["errors"]] == [
            "INTERNAL_SERVER_ERROR"
        ]
        assert await _logged(state, account) == logged
        served = await _post(http, world, token)
        assert served.json()["data"]["leaderboard"]["edges"]


async def test_a_cached_staff_page_needs_a_real_account(
    live_server: Any, settings: Any, world: World
) -> None:
    """A well-signed token claiming ADMIN for an account that does not exist (a leaked
    key is not the threat here: the account check is) gets no cached staff page."""
    from tests.security.test_token_attacks import _claims, _sign

    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        await _cached(http, world, world.admin)
        ghost = _sign(_claims(settings, sub="987654321", role="ADMIN"))
        refused = await _post(http, world, ghost)
        assert refused.status_code == 401
        assert refused.headers.get("x-talent-cache") != "hit"


async def test_a_cached_page_never_outlives_a_revocation(live_server: Any, world: World) -> None:
    p = world.people
    body = {"query": ROWS, "variables": {"s": world.season, "d": DIRECTION}}
    headers = {"Authorization": f"Bearer {world.university}"}
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        first = await http.post("/graphql", json=body, headers=headers)
        second = await http.post("/graphql", json=body, headers=headers)
        assert second.headers.get("x-talent-cache") == "hit"
        assert second.json() == first.json()
        named = [e["node"]["participant"] for e in second.json()["data"]["leaderboard"]["edges"]]
        assert named[1] == {"lastName": p["b"].last_name}
        client = GraphQLClient(live_server.url)
        consents = (
            await client.query(
                "query($p: ID!) { participant(id: $p) { consents { id purpose status } } }",
                {"p": p["b"].gid},
                token=p["b"].token,
            )
        ).ok()["participant"]["consents"]
        sharing = next(c for c in consents if c["purpose"] == "UNIVERSITY_SHARING")
        revoked = await mutate(client, REVOKE, p["b"].token, consentId=sharing["id"])
        assert not revoked["userErrors"], revoked
        after = await http.post("/graphql", json=body, headers=headers)
        assert after.headers.get("x-talent-cache") != "hit"
        rows = after.json()["data"]["leaderboard"]["edges"]
        assert rows[1]["node"] == {"rank": 2, "points": "25.23", "participant": None}
        await client.aclose()


async def test_a_cached_page_follows_a_profile_change(live_server: Any, world: World) -> None:
    """A participant who moves to another region leaves the region's cached page at once
    (the filter reads the live profile, so its change must make the entry stale)."""
    e = world.people["e"]
    body = {"query": ROWS, "variables": {"s": world.season, "d": DIRECTION, "f": {"region": "77"}}}
    headers = {"Authorization": f"Bearer {world.admin}"}
    client = GraphQLClient(live_server.url)

    async def moved(region: str) -> None:
        changed = await mutate(
            client, UPDATE_PROFILE, e.token, participantId=e.gid, regionCode=region
        )
        assert not changed["userErrors"], changed

    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        try:
            for _ in range(2):
                cached = await http.post("/graphql", json=body, headers=headers)
            assert cached.headers.get("x-talent-cache") == "hit"
            assert [r for r, _, _ in names_of(cached.json())] == [1, 2, 4]
            await moved("66")
            after = await http.post("/graphql", json=body, headers=headers)
            assert after.headers.get("x-talent-cache") != "hit"
            assert [r for r, _, _ in names_of(after.json())] == [1, 2]
        finally:
            await moved("77")
            await client.aclose()


def names_of(body: dict[str, Any]) -> list[tuple[int, str, str | None]]:
    edges = body["data"]["leaderboard"]["edges"]
    return [
        (e["node"]["rank"], e["node"]["points"], (e["node"]["participant"] or {}).get("lastName"))
        for e in edges
    ]


async def test_a_cached_page_outlives_changes_it_does_not_show(
    live_server: Any, state: Any, world: World
) -> None:
    """An import on another board (its `results.applied`, then that board's new version)
    leave this board's page cached; a participant's profile edit does not."""
    body = {"query": ROWS, "variables": {"s": world.season, "d": DIRECTION}}
    headers = {"Authorization": f"Bearer {world.admin}"}
    client = GraphQLClient(live_server.url)
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        for _ in range(2):
            cached = await http.post("/graphql", json=body, headers=headers)
        assert cached.headers.get("x-talent-cache") == "hit"
        elsewhere = await event_with_results(
            state, live_server.url, client, title="Другой", level=EventLevel.SCHOOL, students=1
        )
        await eventually(
            lambda: client.query(BOARD, {"s": elsewhere.season, "d": DIRECTION}),
            lambda r: (r.data or {}).get("leaderboard", {}).get("rankedCount") == 1,
        )
        still = await http.post("/graphql", json=body, headers=headers)
        assert still.headers.get("x-talent-cache") == "hit"
        assert still.json() == cached.json()
        c = world.people["c"]  # a profile edit (nothing a page shows changes, but it may)
        edited = await mutate(client, UPDATE_PROFILE, c.token, participantId=c.gid, school="Лицей")
        assert not edited["userErrors"], edited
        after = await http.post("/graphql", json=body, headers=headers)
        assert after.headers.get("x-talent-cache") != "hit"
    await client.aclose()


async def test_a_page_reaching_beyond_what_the_check_sees_is_never_cached(
    live_server: Any, world: World
) -> None:
    """The access log changes with every read, an age with the calendar, an event's
    registrations without touching a board: pages selecting them are built every time."""
    headers = {"Authorization": f"Bearer {world.admin}"}
    beyond = [
        "participant { accessLog { totalCount } }",
        "participant { age }",
        "entry { contributions { event { registeredCount } } }",
        "... on LeaderboardRow { rank }",
    ]
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        for selection in beyond:
            query = (
                "query($s: String!, $d: String!) { leaderboard(season: $s, direction: $d) "
                "{ edges { node { %s } } } }" % selection
            )
            body = {"query": query, "variables": {"s": world.season, "d": DIRECTION}}
            for _ in range(2):
                answer = await http.post("/graphql", json=body, headers=headers)
                assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
                assert answer.headers.get("x-talent-cache") != "hit", selection
