"""Guardian links: requested by either side, decided by a moderator with a comment
(exactly one of two concurrent decisions wins), ended by anyone involved; only a
confirmed link lets a guardian see its ward, from the very next request."""

from __future__ import annotations

import asyncio
from typing import Any

from domain.accounts import Role
from tests.support.graphql import GraphQLClient
from tests.support.privacy import guardian, mutate, student

REQUEST = """mutation($input: RequestGuardianLinkInput!) { requestGuardianLink(input: $input) {
  link { id status relation participant { id } guardian { id lastName } }
  userErrors { field code message } } }"""
DECIDE = """mutation($input: DecideGuardianLinkInput!) { decideGuardianLink(input: $input) {
  link { id status comment decidedAt } userErrors { field code message } } }"""
END = """mutation($input: EndGuardianLinkInput!) { endGuardianLink(input: $input) {
  link { id status endedAt } userErrors { field code message } } }"""
WARD = "query($id: ID!) { participant(id: $id) { id nickname guardians { status } } }"
QUEUE = "{ pendingGuardianLinks(first: 100) { totalCount edges { node { id status } } } }"


async def test_a_student_asks_a_moderator_confirms_the_guardian_sees_the_ward(
    client: GraphQLClient, make_staff: Any
) -> None:
    ward, parent = await student(client), await guardian(client)
    moderator = await make_staff(Role.MODERATOR)
    asked = await mutate(client, REQUEST, ward.token, guardianEmail=parent.email, relation="PARENT")
    link = asked["link"]
    assert asked["userErrors"] == [] and link["status"] == "PENDING"
    assert link["guardian"] == {"id": parent.gid, "lastName": "Соколов"}
    # Pending: the guardian does not reach the ward yet.
    assert (await client.query(WARD, {"id": ward.gid}, token=parent.token)).ok() == {
        "participant": None
    }
    queue = (await client.query(QUEUE, token=moderator.access_token)).ok()
    assert link["id"] in {e["node"]["id"] for e in queue["pendingGuardianLinks"]["edges"]}
    denied = await client.query(QUEUE, token=parent.token)
    assert [e["extensions"]["code"] for e in denied.errors] == ["FORBIDDEN"]
    no_comment = await mutate(
        client, DECIDE, moderator.access_token, linkId=link["id"], decision="CONFIRM", comment=" "
    )
    assert [e["field"] for e in no_comment["userErrors"]] == ["comment"]
    by_guardian = await mutate(
        client, DECIDE, parent.token, linkId=link["id"], decision="CONFIRM", comment="mine"
    )
    assert [e["code"] for e in by_guardian["userErrors"]] == ["FORBIDDEN"]
    decided = await mutate(
        client,
        DECIDE,
        moderator.access_token,
        linkId=link["id"],
        decision="CONFIRM",
        comment="Birth certificate seen",
    )
    assert decided["link"]["status"] == "CONFIRMED"
    assert decided["link"]["comment"] == "Birth certificate seen"
    seen = (await client.query(WARD, {"id": ward.gid}, token=parent.token)).ok()["participant"]
    assert seen["id"] == ward.gid and seen["guardians"] == [{"status": "CONFIRMED"}]
    ended = await mutate(client, END, ward.token, linkId=link["id"])
    assert ended["link"]["status"] == "ENDED" and ended["link"]["endedAt"]
    assert (await client.query(WARD, {"id": ward.gid}, token=parent.token)).ok() == {
        "participant": None
    }
    again = await mutate(client, END, parent.token, linkId=link["id"])
    assert [e["code"] for e in again["userErrors"]] == ["CONFLICT"]


async def test_a_guardian_asks_and_two_moderators_decide_at_once(
    client: GraphQLClient, make_staff: Any
) -> None:
    for _ in range(3):
        ward, parent = await student(client), await guardian(client)
        first, second = await make_staff(Role.MODERATOR), await make_staff(Role.MODERATOR)
        asked = await mutate(
            client, REQUEST, parent.token, participantEmail=ward.email, relation="CUSTODIAN"
        )
        link_id = asked["link"]["id"]
        assert asked["link"]["relation"] == "CUSTODIAN"
        results = await asyncio.gather(
            mutate(
                client, DECIDE, first.access_token, linkId=link_id, decision="CONFIRM", comment="ok"
            ),
            mutate(
                client, DECIDE, second.access_token, linkId=link_id, decision="REJECT", comment="no"
            ),
        )
        winners = [r for r in results if not r["userErrors"]]
        losers = [r for r in results if r["userErrors"]]
        assert len(winners) == 1 and len(losers) == 1, results
        assert losers[0]["userErrors"][0]["code"] == "CONFLICT"


async def test_bad_link_requests_change_nothing(client: GraphQLClient, make_staff: Any) -> None:
    ward, parent, other = await student(client), await guardian(client), await student(client)
    cases = [
        (ward.token, {"guardianEmail": "nobody@test.example"}, "NOT_FOUND", "guardianEmail"),
        (ward.token, {"guardianEmail": other.email}, "NOT_FOUND", "guardianEmail"),
        (ward.token, {"guardianEmail": "not-an-email"}, "BAD_USER_INPUT", "guardianEmail"),
        (ward.token, {}, "BAD_USER_INPUT", "guardianEmail"),
        (parent.token, {"participantEmail": parent.email}, "NOT_FOUND", "participantEmail"),
    ]
    for token, extra, code, field in cases:
        payload = await mutate(client, REQUEST, token, relation="PARENT", **extra)
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)], extra
    moderator = await make_staff(Role.MODERATOR)
    refused = await client.query(
        REQUEST,
        {"input": {"relation": "PARENT", "guardianEmail": parent.email}},
        token=moderator.access_token,
    )
    assert [e["code"] for e in refused.ok()["requestGuardianLink"]["userErrors"]] == ["FORBIDDEN"]
    first = await mutate(client, REQUEST, ward.token, guardianEmail=parent.email, relation="PARENT")
    assert first["userErrors"] == []
    twice = await mutate(
        client, REQUEST, parent.token, participantEmail=ward.email, relation="PARENT"
    )
    assert [e["code"] for e in twice["userErrors"]] == ["CONFLICT"]
    mine = (
        await client.query("{ me { guardian { links { id status } } } }", token=parent.token)
    ).ok()
    assert mine["me"]["guardian"]["links"] == [{"id": first["link"]["id"], "status": "PENDING"}]
