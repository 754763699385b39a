"""The access-log record of a read is durable before the response arrives, and a
read whose record cannot be written is not served (the data is withheld)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from domain.accounts import Role
from graphql_schema import access_log as access_log_module
from persistence.access_journal import settle_now
from persistence.tables.audit import access_log
from tests.api.test_access_log import _adult
from tests.support.graphql import GraphQLClient
from tests.support.privacy import unique

PAGE = """query Durable($text: String) { participants(first: 10, filter: {text: $text}) {
  edges { node { id lastName phone } } } }"""


async def _recorded(state: Any, participant_id: int) -> list[list[str]]:
    """The fields recorded for the participant: whatever was committed is settled
    first (idempotent, safe alongside the server's own settling), then read."""
    await settle_now(state.services.sessions)
    async with state.services.sessions() as s:
        return [
            fields
            for (fields,) in await s.execute(
                sa.select(access_log.c.fields).where(access_log.c.participant_id == participant_id)
            )
        ]


async def test_the_record_is_committed_before_the_response(
    client: GraphQLClient, make_staff: Any, state: Any
) -> None:
    tag = unique("dur")
    person = await _adult(client, f"{tag}_a")
    university = await make_staff(Role.UNIVERSITY, f"Uni {tag}")
    body = (
        await client.query(
            PAGE, {"text": tag}, token=university.access_token, operation_name="Durable"
        )
    ).ok()
    assert [e["node"]["id"] for e in body["participants"]["edges"]] == [person.gid]
    # Looked up through another engine the moment the response is in: already there.
    assert await _recorded(state, person.id) == [["lastName", "phone"]]


async def test_a_read_that_cannot_be_recorded_is_not_served(
    client: GraphQLClient, make_staff: Any, state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    tag = unique("dur")
    person = await _adult(client, f"{tag}_b")
    university = await make_staff(Role.UNIVERSITY, f"Uni {tag}")

    async def unavailable(*args: Any) -> None:
        raise OSError("the database went away")

    monkeypatch.setattr(access_log_module, "journal_reads", unavailable)
    response = await client.query(
        PAGE, {"text": tag}, token=university.access_token, operation_name="Durable"
    )
    assert response.data is None
    assert [e["extensions"]["code"] for e in response.errors] == ["INTERNAL_SERVER_ERROR"]
    assert await _recorded(state, person.id) == []
