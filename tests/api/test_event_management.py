"""Organizers manage their own events (admins any); students register and unregister."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from domain.accounts import Role
from persistence.tables.audit import outbox
from tests.support.graphql import GraphQLClient

EVENT_FIELDS = "id title status capacity registeredCount viewerRegistered stageOrder " \
    "region { code } directions { direction { code } relevance } parent { id }"  # fmt: skip
CREATE = (
    "mutation($input: CreateEventInput!) { createEvent(input: $input) { event { %s } "
    "userErrors { field code message } } }" % EVENT_FIELDS
)
UPDATE = (
    "mutation($input: UpdateEventInput!) { updateEvent(input: $input) { event { %s } "
    "userErrors { field code message } } }" % EVENT_FIELDS
)
STATUS = (
    "mutation($input: EventIdInput!) { %s(input: $input) { event { status } "
    "userErrors { code message } } }"
)
REGISTER = (
    "mutation($input: RegistrationInput!) { %s(input: $input) { registered "
    "event { registeredCount viewerRegistered } userErrors { code message } } }"
)


def draft(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": f"Хакатон {uuid.uuid4().hex[:6]}",
        "kind": "HACKATHON",
        "level": "REGIONAL",
        "seasonCode": "2026/27",
        "startsOn": "2026-12-10",
        "endsOn": "2026-12-12",
        "isOnline": False,
        "regionCode": "66",
        "capacity": 1,
        "directions": [{"direction": "PYTHON_PROGRAMMING", "relevance": "0.75"}],
    }
    values.update(overrides)
    return values


async def _student(client: GraphQLClient, nickname: str) -> str:
    data = await client.query(
        "mutation($n: String!) { registerAnonymous(input: {nickname: $n}) { accessToken } }",
        {"n": nickname},
    )
    return str(data.ok()["registerAnonymous"]["accessToken"])


async def test_organizer_runs_its_event_through_its_lifecycle(
    client: GraphQLClient, make_staff, state
) -> None:  # type: ignore[no-untyped-def]
    organizer = await make_staff(Role.ORGANIZER, f"Орг {uuid.uuid4().hex[:8]}")
    rival = await make_staff(Role.ORGANIZER, f"Орг {uuid.uuid4().hex[:8]}")
    token = organizer.access_token
    created = (await client.query(CREATE, {"input": draft()}, token=token)).ok()["createEvent"]
    assert created["userErrors"] == []
    event = created["event"]
    assert event["status"] == "DRAFT" and event["region"] == {"code": "66"}
    assert event["directions"] == [
        {"direction": {"code": "PYTHON_PROGRAMMING"}, "relevance": "0.750"}
    ]
    stage = (
        await client.query(
            CREATE, {"input": draft(parentId=event["id"], stageOrder=1)}, token=token
        )
    ).ok()["createEvent"]
    assert stage["event"]["parent"] == {"id": event["id"]}

    # nobody else sees or touches the draft
    hidden = await client.query("query($id: ID!) { event(id: $id) { id } }", {"id": event["id"]})
    assert hidden.ok()["event"] is None
    for who, code in ((rival.access_token, "NOT_FOUND"), (None, "UNAUTHENTICATED")):
        refused = (
            await client.query(UPDATE, {"input": {"id": event["id"], "title": "Чужое"}}, token=who)
        ).ok()["updateEvent"]
        assert refused["event"] is None and refused["userErrors"][0]["code"] == code

    edited = (
        await client.query(
            UPDATE,
            {"input": {"id": event["id"], "capacity": 2, "isOnline": True, "regionCode": None,
                       "directions": [{"direction": "ROBOTICS_PROGRAMMING", "relevance": "1"}]}},
            token=token,
        )
    ).ok()["updateEvent"]  # fmt: skip
    assert edited["userErrors"] == [] and edited["event"]["capacity"] == 2
    assert edited["event"]["region"] is None
    assert [d["direction"]["code"] for d in edited["event"]["directions"]] == [
        "ROBOTICS_PROGRAMMING"
    ]
    bad = (
        await client.query(
            UPDATE, {"input": {"id": event["id"], "endsOn": "2026-01-01"}}, token=token
        )
    ).ok()["updateEvent"]
    assert bad["userErrors"][0]["field"] == "endsOn"

    published = (
        await client.query(STATUS % "publishEvent", {"input": {"id": event["id"]}}, token=token)
    ).ok()["publishEvent"]
    assert published["event"]["status"] == "PUBLISHED"
    rival_edit = (
        await client.query(
            UPDATE, {"input": {"id": event["id"], "title": "Чужое"}}, token=rival.access_token
        )
    ).ok()["updateEvent"]
    assert rival_edit["userErrors"][0]["code"] == "FORBIDDEN"
    again = (
        await client.query(STATUS % "publishEvent", {"input": {"id": event["id"]}}, token=token)
    ).ok()["publishEvent"]
    assert again["userErrors"][0]["code"] == "BAD_USER_INPUT"
    completed = (
        await client.query(STATUS % "completeEvent", {"input": {"id": event["id"]}}, token=token)
    ).ok()["completeEvent"]
    assert completed["event"]["status"] == "COMPLETED"
    for mutation in ("cancelEvent", "publishEvent"):
        late = (
            await client.query(STATUS % mutation, {"input": {"id": event["id"]}}, token=token)
        ).ok()[mutation]
        assert late["userErrors"][0]["code"] == "BAD_USER_INPUT"

    by_organizer = (
        await client.query(
            "query($t: String) { events(filter: {text: $t, status: DRAFT}) { totalCount } }",
            {"t": stage["event"]["title"]},
            token=token,
        )
    ).ok()
    assert by_organizer["events"]["totalCount"] == 1


async def test_admin_creates_for_an_organizer_others_cannot_create(
    client: GraphQLClient, make_staff
) -> None:  # type: ignore[no-untyped-def]
    admin = await make_staff(Role.ADMIN)
    moderator = await make_staff(Role.MODERATOR)
    org_name = f"Орг {uuid.uuid4().hex[:8]}"
    organizer = await make_staff(Role.ORGANIZER, org_name)
    me = (await client.query("{ me { organization { id } } }", token=organizer.access_token)).ok()
    org_id = me["me"]["organization"]["id"]
    made = (
        await client.query(CREATE, {"input": draft(organizerId=org_id)}, token=admin.access_token)
    ).ok()["createEvent"]
    assert made["userErrors"] == [] and made["event"]["status"] == "DRAFT"
    for token in (moderator.access_token, await _student(client, "no_events")):
        refused = (await client.query(CREATE, {"input": draft()}, token=token)).ok()["createEvent"]
        assert refused["userErrors"][0]["code"] == "FORBIDDEN"
    unknown = (
        await client.query(
            CREATE, {"input": draft(directions=[{"direction": "NOPE", "relevance": "2"}])},
            token=organizer.access_token,
        )
    ).ok()["createEvent"]  # fmt: skip
    assert unknown["userErrors"][0]["field"] == "directions"


async def test_students_register_within_capacity_and_each_change_is_announced(
    client: GraphQLClient, make_staff, state
) -> None:  # type: ignore[no-untyped-def]
    organizer = await make_staff(Role.ORGANIZER, f"Орг {uuid.uuid4().hex[:8]}")
    event = (
        await client.query(CREATE, {"input": draft(capacity=1)}, token=organizer.access_token)
    ).ok()["createEvent"]["event"]
    first, second = await _student(client, "first_one"), await _student(client, "second_one")
    ref = {"input": {"eventId": event["id"]}}
    early = (await client.query(REGISTER % "registerForEvent", ref, token=first)).ok()
    assert early["registerForEvent"]["userErrors"][0]["code"] == "NOT_FOUND"  # still a draft
    await client.query(STATUS % "publishEvent", {"input": {"id": event["id"]}},
                       token=organizer.access_token)  # fmt: skip

    joined = (await client.query(REGISTER % "registerForEvent", ref, token=first)).ok()
    assert joined["registerForEvent"]["event"] == {"registeredCount": 1, "viewerRegistered": True}
    twice = (await client.query(REGISTER % "registerForEvent", ref, token=first)).ok()
    assert twice["registerForEvent"]["userErrors"] == []
    full = (await client.query(REGISTER % "registerForEvent", ref, token=second)).ok()
    assert full["registerForEvent"]["userErrors"][0]["code"] == "CONFLICT"
    left = (await client.query(REGISTER % "unregisterFromEvent", ref, token=first)).ok()
    assert left["unregisterFromEvent"]["event"]["registeredCount"] == 0
    now_in = (await client.query(REGISTER % "registerForEvent", ref, token=second)).ok()
    assert now_in["registerForEvent"]["registered"] is True
    not_in = (await client.query(REGISTER % "unregisterFromEvent", ref, token=first)).ok()
    assert not_in["unregisterFromEvent"]["userErrors"][0]["code"] == "NOT_FOUND"
    staff = (await client.query(REGISTER % "registerForEvent", ref,
                                token=organizer.access_token)).ok()  # fmt: skip
    assert staff["registerForEvent"]["userErrors"][0]["code"] == "FORBIDDEN"

    event_id = int(__import__("base64").b64decode(event["id"]).decode().split(":")[1])
    async with state.services.sessions() as s:
        payloads = (
            await s.execute(
                sa.select(outbox.c.payload)
                .where(outbox.c.topic == "registration.changed")
                .order_by(outbox.c.id)
            )
        ).scalars()
        mine = [p for p in payloads if p["event_id"] == event_id]
    assert [p["registered"] for p in mine] == [True, False, True]
    assert len({p["participant_id"] for p in mine}) == 2
