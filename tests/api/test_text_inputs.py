"""Text that cannot be stored (a NUL character, an unpaired surrogate) is refused as
`BAD_USER_INPUT` before anything runs, on both databases — it used to reach the
PostgreSQL driver and fail as an unexpected error (SQLite stored the NUL)."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa

from domain.accounts import Role
from persistence.tables.events import events
from tests.api.test_event_management import CREATE, draft
from tests.api.test_rating_stream import UPDATES
from tests.support.graphql import GraphQLClient
from tests.support.ws import Subscription

LITERAL = CREATE.replace("mutation($input: CreateEventInput!)", "mutation").replace(
    "$input",
    '{title: "%s", kind: HACKATHON, level: REGIONAL, seasonCode: "2026/27", '
    'startsOn: "2026-12-10", endsOn: "2026-12-12", isOnline: true, '
    'directions: [{direction: "PYTHON_PROGRAMMING", relevance: "0.75"}]}',
)


async def _post(client: GraphQLClient, body: str, token: str) -> dict[str, object]:
    """The body as bytes: httpx's JSON encoder cannot write an unpaired surrogate."""
    response = await client.http.post(
        "/graphql",
        content=body.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    return dict(response.json())


async def test_unstorable_text_is_refused_with_a_code_and_nothing_is_created(  # type: ignore[no-untyped-def]
    client, make_staff, state
) -> None:
    organizer = await make_staff(Role.ORGANIZER, f"Орг {uuid.uuid4().hex[:8]}")
    token = organizer.access_token
    tag = uuid.uuid4().hex[:8]
    refused = [
        # a variable with a NUL; a variable with an unpaired surrogate (escaped in JSON)
        json.dumps({"query": CREATE, "variables": {"input": draft(title=f"{tag}\x00")}}),
        json.dumps({"query": CREATE, "variables": {"input": draft(title=tag)}}).replace(
            tag, f"{tag}\\ud800"
        ),
        # a NUL escaped in a string literal of the query itself
        json.dumps({"query": LITERAL % f"{tag}\\u0000"}),
    ]
    for body in refused:
        answer = await _post(client, body, token)
        assert answer["data"] is None, body
        (error,) = answer["errors"]  # type: ignore[misc]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", body
        assert "NUL character or an unpaired surrogate" in error["message"], body
    # graphql-core's lexer itself refuses an unpaired surrogate escape in a literal
    answer = await _post(client, json.dumps({"query": LITERAL % f"{tag}\\uD800"}), token)
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"  # type: ignore[index]
    async with state.services.sessions() as session:
        made = await session.scalar(
            sa.select(sa.func.count()).where(events.c.title.like(f"{tag}%"))
        )
    assert made == 0

    # a surrogate pair is one character (an emoji) and is stored as such
    accepted = await _post(client, json.dumps({"query": LITERAL % f"{tag} \\uD83D\\uDE00"}), token)
    payload = accepted["data"]["createEvent"]  # type: ignore[index]
    assert payload["userErrors"] == [] and payload["event"]["title"] == f"{tag} \U0001f600"


async def test_a_subscription_with_unstorable_text_is_refused_the_same_way(  # type: ignore[no-untyped-def]
    live_server, make_staff
) -> None:
    university = await make_staff(Role.UNIVERSITY, f"Уни {uuid.uuid4().hex[:8]}")
    for variables in (
        {"s": "2026/27\x00", "d": "ROBOTICS_PROGRAMMING", "top": 10},
        {"s": "2026/27", "d": "ROBOTICS_PROGRAMMING", "top": 10, "after": "x\x00"},
    ):
        sub = await Subscription.start(
            live_server.ws_url, university.access_token, UPDATES, variables
        )
        message = await sub.message()
        await sub.close()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", message
        assert "NUL character or an unpaired surrogate" in errors[0]["message"], message
