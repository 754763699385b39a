"""The leaderboard over real HTTP, for the public, a university and staff: who is
named, what is shown, filters that reveal nothing, keyset pages, the explanation,
the unranked-until-verified entry, and a cached page that a revocation updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from domain.accounts import Role
from domain.events import EventLevel
from tests.support import arrange
from tests.support.graphql import GraphQLClient, assert_code, assert_forbidden_at
from tests.support.privacy import REVOKE, gid, grant, mutate
from tests.support.ratings import (
    BOARD,
    Student,
    consenting_student,
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
