"""The access log: reads of personal data by staff, universities and organizers are
recorded (viewer, participant, fields, operation, time) with one INSERT per
request; participants and guardians read who looked; admins read all of it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from domain.accounts import Role
from tests.support import arrange
from tests.support.graphql import GraphQLClient
from tests.support.privacy import (
    PROFILE,
    UPDATE_PROFILE,
    birth_date_for_age,
    grant,
    guardian,
    mutate,
    student,
    unique,
)

LIST = """query Browse($text: String) { participants(first: 50, filter: {text: $text}) {
  totalCount edges { node { id nickname lastName email } } } }"""
WHO = """query($id: ID!) { participant(id: $id) { accessLog(first: 10) { totalCount edges {
  node { operation fields viewerRole viewerOrganization viewerAccountId } } } } }"""


@contextmanager
def counting_inserts(live_server: Any) -> Iterator[list[str]]:
    """Statements writing a request's access-log record (one journal row, settled into
    access_log later: persistence/access_journal.py) on the live server's own engine.
    The background settling is not counted: it moves records, it does not make them."""
    engine = live_server.server.config.app.state.talent.engine.sync_engine
    seen: list[str] = []
    lock = threading.Lock()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO ACCESS_LOG_JOURNAL"):
            with lock:
                seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def _adult(client: GraphQLClient, nickname: str) -> Any:
    person = await student(client, nickname=nickname)
    await grant(
        client, person.token, person.gid, "PROCESSING", birthDate=str(birth_date_for_age(20))
    )
    await mutate(client, UPDATE_PROFILE, person.token, participantId=person.gid, **PROFILE)
    for purpose in ("UNIVERSITY_SHARING", "CONTACT_SHARING"):
        assert (await grant(client, person.token, person.gid, purpose))["userErrors"] == []
    return person


async def test_a_university_read_is_logged_once_per_request_and_shown_to_the_participant(
    client: GraphQLClient, live_server: Any, make_staff: Any, state: Any
) -> None:
    tag = unique("al")
    people = [await _adult(client, f"{tag}_{i}") for i in range(3)]
    parent = await guardian(client)
    await arrange.guardian_link(state.services.sessions, people[0].id, parent.account_id)
    organization = f"Uni {tag}"
    university = await make_staff(Role.UNIVERSITY, organization)
    with counting_inserts(live_server) as inserts:
        body = (
            await client.query(
                LIST, {"text": tag}, token=university.access_token, operation_name="Browse"
            )
        ).ok()
    assert body["participants"]["totalCount"] == 3
    assert len(inserts) == 1, inserts
    # The participant and its guardian see who read, what and how; not the reader's account.
    for token in (people[0].token, parent.token):
        response = await client.query(WHO, {"id": people[0].gid}, token=token)
        log = response.data["participant"]["accessLog"]
        assert log["totalCount"] == 1
        entry = log["edges"][0]["node"]
        assert entry["viewerRole"] == "UNIVERSITY"
        assert entry["viewerOrganization"] == organization
        assert entry["fields"] == ["email", "lastName"]
        assert entry["operation"] == "query Browse (participants)"
        assert entry["viewerAccountId"] is None
        assert [e["path"] for e in response.errors] == [
            ["participant", "accessLog", "edges", 0, "node", "viewerAccountId"]
        ]
    # Their own reads were not logged.
    again = (await client.query(WHO, {"id": people[0].gid}, token=people[0].token)).data
    assert again["participant"]["accessLog"]["totalCount"] == 1


async def test_admins_query_the_whole_log_and_nobody_else_does(
    client: GraphQLClient, make_staff: Any
) -> None:
    tag = unique("al")
    person = await _adult(client, f"{tag}_x")
    moderator, admin = await make_staff(Role.MODERATOR), await make_staff(Role.ADMIN)
    read = await client.query(
        "query Look($id: ID!) { participant(id: $id) { phone school } }",
        {"id": person.gid},
        token=moderator.access_token,
    )
    assert read.ok()["participant"]["phone"] == PROFILE["phone"]
    query = """query($id: ID) { accessLog(filter: {participantId: $id}) { totalCount
      edges { node { viewerRole fields viewerAccountId participant { id } } } } }"""
    log = (await client.query(query, {"id": person.gid}, token=admin.access_token)).ok()
    entries = [e["node"] for e in log["accessLog"]["edges"]]
    assert {"viewerRole": "MODERATOR", "fields": ["phone", "school"]}.items() <= entries[0].items()
    assert entries[0]["viewerAccountId"] and entries[0]["participant"] == {"id": person.gid}
    for token in (moderator.access_token, person.token, None):
        denied = await client.query(query, {"id": person.gid}, token=token)
        assert [e["extensions"]["code"] for e in denied.errors] == ["FORBIDDEN"]
