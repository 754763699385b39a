"""The `participants` list beyond its scope: cursor pages and every filter, for a
university (scope and filters under consents, statements reused with new values)
and for staff (no scope). Each statement shape is built once and run with bound
values, so a second request with other values must not see the first one's."""

from __future__ import annotations

from typing import Any

from domain.accounts import Role
from tests.api.test_access_log import _adult
from tests.support.graphql import GraphQLClient
from tests.support.privacy import unique

LIST = """query($first: Int, $after: String, $filter: ParticipantFilterInput) {
  participants(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id status grade } } } }"""


async def _ids(client: GraphQLClient, token: str, **variables: Any) -> tuple[list[str], Any]:
    body = (await client.query(LIST, variables, token=token)).ok()["participants"]
    return [e["node"]["id"] for e in body["edges"]], body


async def test_pages_and_filters_for_a_university_and_for_staff(
    client: GraphQLClient, make_staff: Any
) -> None:
    tag = unique("pl")
    people = [await _adult(client, f"{tag}_{i}") for i in range(3)]
    everyone = [p.gid for p in people]  # ids grow with registration: the list's order
    university = await make_staff(Role.UNIVERSITY, f"Uni {tag}")
    moderator = await make_staff(Role.MODERATOR)
    for token in (university.access_token, moderator.access_token):
        first, body = await _ids(client, token, first=2, filter={"text": tag})
        assert first == everyone[:2] and body["pageInfo"]["hasNextPage"] is True
        assert body["totalCount"] == 3
        after = body["pageInfo"]["endCursor"]
        rest, body = await _ids(client, token, first=2, after=after, filter={"text": tag})
        assert rest == everyone[2:] and body["pageInfo"]["hasNextPage"] is False
        assert body["totalCount"] == 3
        status = body["edges"][0]["node"]["status"]
        grade = body["edges"][0]["node"]["grade"]
        for matching in (
            {"region": "66"},
            {"grade": grade},
            {"status": status},
            {"region": "66", "grade": grade, "status": status},
        ):
            found, body = await _ids(client, token, first=10, filter={"text": tag, **matching})
            assert found == everyone and body["totalCount"] == 3, matching
        for missing in ({"region": "77"}, {"grade": grade - 1}, {"text": f"{tag}_nobody"}):
            found, body = await _ids(client, token, first=10, filter={"text": tag, **missing})
            assert found == [] and body["totalCount"] == 0, missing
    # Another university, same statement shapes: its own scope (nobody shared with it
    # specifically, but these consents cover every university), its own values.
    other = await make_staff(Role.UNIVERSITY, f"Uni2 {tag}")
    found, _ = await _ids(client, other.access_token, first=10, filter={"text": tag})
    assert found == everyone
