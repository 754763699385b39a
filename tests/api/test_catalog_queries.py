"""Catalog and reference queries over real HTTP: filters, pages, global ids."""

from __future__ import annotations

import uuid

from strawberry.relay import GlobalID

from domain.accounts import Role
from domain.events import EventKind, EventLevel, EventStatus
from tests.support import arrange
from tests.support.graphql import GraphQLClient

EVENTS = """
query($filter: EventFilterInput, $first: Int, $after: String) {
  events(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id title kind level status isOnline season { code }
      region { code } organizer { name } directions { direction { code title(lang: EN) } relevance } } }
  }
}
"""


async def test_reference_lists(client: GraphQLClient) -> None:
    data = (
        await client.query(
            "{ seasons { code startsOn endsOn } directions { code title titleEn: title(lang: EN) }"
            " regions { code isoCode name nameEn: name(lang: EN) federalDistrict }"
            " professions { code sphere isDigital title } }"
        )
    ).ok()
    assert {"code": "2026/27", "startsOn": "2026-09-01", "endsOn": "2027-08-31"} in data["seasons"]
    codes = {d["code"] for d in data["directions"]}
    assert {"ROBOTICS_PROGRAMMING", "COMPLEX_ENGINEERING", "PYTHON_PROGRAMMING"} <= codes
    python = next(d for d in data["directions"] if d["code"] == "PYTHON_PROGRAMMING")
    assert python["title"] == "Программирование на Python"
    assert python["titleEn"] == "Python programming"
    assert len(data["regions"]) == 89
    moscow = next(r for r in data["regions"] if r["code"] == "77")
    assert moscow["isoCode"] == "RU-MOW" and moscow["federalDistrict"] == "CENTRAL"
    assert len(data["professions"]) >= 100
    digital = (await client.query("{ professions(isDigital: true) { isDigital } }")).ok()
    assert digital["professions"] and all(p["isDigital"] for p in digital["professions"])


async def test_event_filters_and_pagination(client: GraphQLClient, state) -> None:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:8]
    org = await arrange.organization(state.services.sessions)
    sessions = state.services.sessions
    for i in range(5):
        await arrange.event(sessions, org, title=f"Олимпиада {tag} {i}", level=EventLevel.FEDERAL)
    await arrange.event(
        sessions,
        org,
        title=f"Хакатон {tag}",
        kind=EventKind.HACKATHON,
        region="66",
        directions={"PYTHON_PROGRAMMING": "0.5"},
    )
    await arrange.event(
        sessions, org, title=f"Прошлый {tag}", season="2025/26", status=EventStatus.COMPLETED
    )
    await arrange.event(sessions, org, title=f"Черновик {tag}", status=EventStatus.DRAFT)

    everything = (await client.query(EVENTS, {"filter": {"text": tag}, "first": 100})).ok()[
        "events"
    ]
    titles = {e["node"]["title"] for e in everything["edges"]}
    assert everything["totalCount"] == 7 and f"Черновик {tag}" not in titles  # drafts are hidden

    page1 = (
        await client.query(EVENTS, {"filter": {"text": tag, "season": "2026/27"}, "first": 4})
    ).ok()["events"]
    assert (
        page1["totalCount"] == 6 and len(page1["edges"]) == 4 and page1["pageInfo"]["hasNextPage"]
    )
    page2 = (
        await client.query(
            EVENTS,
            {
                "filter": {"text": tag, "season": "2026/27"},
                "first": 4,
                "after": page1["pageInfo"]["endCursor"],
            },
        )
    ).ok()["events"]
    assert len(page2["edges"]) == 2 and not page2["pageInfo"]["hasNextPage"]
    ids = [e["node"]["id"] for e in page1["edges"] + page2["edges"]]
    assert len(set(ids)) == 6

    hack = (await client.query(EVENTS, {"filter": {"text": tag, "kind": "HACKATHON"}})).ok()[
        "events"
    ]
    node = hack["edges"][0]["node"]
    assert node["directions"] == [
        {
            "direction": {"code": "PYTHON_PROGRAMMING", "title": "Python programming"},
            "relevance": "0.500",
        }
    ]
    by_direction = (
        await client.query(EVENTS, {"filter": {"text": tag, "direction": "PYTHON_PROGRAMMING"}})
    ).ok()
    assert by_direction["events"]["totalCount"] == 1
    by_level = (await client.query(EVENTS, {"filter": {"text": tag, "level": "FEDERAL"}})).ok()
    assert by_level["events"]["totalCount"] == 5
    by_region = (await client.query(EVENTS, {"filter": {"text": tag, "region": "66"}})).ok()
    assert [e["node"]["region"]["code"] for e in by_region["events"]["edges"]] == ["66"]


async def test_page_size_is_capped_at_100(client: GraphQLClient) -> None:
    response = await client.query(EVENTS, {"first": 101})
    assert response.codes() == ["BAD_USER_INPUT"]
    bad_cursor = await client.query(EVENTS, {"after": "bm90LWEtY3Vyc29y"})
    assert bad_cursor.codes() == ["BAD_USER_INPUT"]


async def test_event_and_node_by_global_id(client: GraphQLClient, state, make_staff) -> None:  # type: ignore[no-untyped-def]
    org = await arrange.organization(state.services.sessions)
    public_id = await arrange.event(state.services.sessions, org, title="Публичное")
    draft_id = await arrange.event(
        state.services.sessions, org, title="Черновик", status=EventStatus.DRAFT
    )
    public_gid = str(GlobalID("Event", str(public_id)))
    draft_gid = str(GlobalID("Event", str(draft_id)))
    query = "query($id: ID!) { node(id: $id) { id ... on Event { title } } }"
    assert (await client.query(query, {"id": public_gid})).ok()["node"]["title"] == "Публичное"
    assert (await client.query(query, {"id": draft_gid})).ok()["node"] is None
    event_query = "query($id: ID!) { event(id: $id) { title } }"
    assert (await client.query(event_query, {"id": public_gid})).ok()["event"][
        "title"
    ] == "Публичное"
    moderator = await make_staff(Role.MODERATOR)
    seen = (await client.query(query, {"id": draft_gid}, token=moderator.access_token)).ok()
    assert seen["node"]["title"] == "Черновик"
    for junk in ["", "abc", str(GlobalID("Event", "999999999")), str(GlobalID("Nope", "1"))]:
        assert (await client.query(query, {"id": junk})).ok()["node"] is None


async def test_get_requests_serve_queries_only(live_server) -> None:  # type: ignore[no-untyped-def]
    import httpx

    async with httpx.AsyncClient(base_url=live_server.url) as http:
        ok = await http.get("/graphql", params={"query": "{ seasons { code } }"})
        assert ok.status_code == 200 and ok.json()["data"]["seasons"]
        mutation = await http.get(
            "/graphql",
            params={
                "query": 'mutation { registerAnonymous(input: {nickname: "x1"}) { accessToken } }'
            },
        )
        assert mutation.status_code in (400, 405)
        assert mutation.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
