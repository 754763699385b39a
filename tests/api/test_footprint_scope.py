"""A participant's results and achievements in the rows each viewer may reach: an
organizer its own events' results only, a university approved claims only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from domain.accounts import Role
from persistence.tables import metadata
from tests.support import arrange
from tests.support.graphql import GraphQLClient, assert_forbidden_at
from tests.support.privacy import birth_date_for_age, grant, register_for, student, unique

QUERY = """query($id: ID!) { participant(id: $id) {
  results { totalCount edges { node { status place } } }
  achievements { totalCount edges { node { title status } } } } }"""


async def _organization_of(state: Any, account_id: int) -> int:
    accounts = metadata.tables["accounts"]
    async with state.services.sessions() as s:
        found = await s.scalar(
            sa.select(accounts.c.organization_id).where(accounts.c.id == account_id)
        )
    return int(found)


async def test_results_and_achievements_follow_each_viewer_s_scope(
    client: GraphQLClient, state: Any, make_staff: Any
) -> None:
    tag = unique("fp")
    person = await student(client)
    await grant(
        client, person.token, person.gid, "PROCESSING", birthDate=str(birth_date_for_age(19))
    )
    await grant(client, person.token, person.gid, "UNIVERSITY_SHARING")
    mine, other = (
        await make_staff(Role.ORGANIZER, f"Org {tag}"),
        await make_staff(Role.ORGANIZER, f"Org2 {tag}"),
    )
    sessions = state.services.sessions
    own_event = await arrange.event(
        sessions, await _organization_of(state, mine.account_id), title="A"
    )
    rival_event = await arrange.event(
        sessions, await _organization_of(state, other.account_id), title="B"
    )
    await register_for(sessions, person.id, own_event)
    now = datetime.now(UTC)
    tables = metadata.tables
    async with sessions() as s, s.begin():
        await s.execute(
            sa.insert(tables["results"]),
            [
                {
                    "event_id": e,
                    "participant_id": person.id,
                    "status": "WINNER",
                    "place": p,
                    "source": "IMPORT",
                    "created_at": now,
                    "updated_at": now,
                }
                for e, p in ((own_event, 1), (rival_event, 2))
            ],
        )
        await s.execute(
            sa.insert(tables["achievements"]),
            [
                {
                    "participant_id": person.id,
                    "title": title,
                    "kind": "OLYMPIAD",
                    "level": "REGIONAL",
                    "result_status": "WINNER",
                    "achieved_on": date(2026, 1, 10),
                    "season_code": "2025/26",
                    "status": status,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for title, status in (("Approved", "APPROVED"), ("Draft", "DRAFT"))
            ],
        )
    by_organizer = await client.query(QUERY, {"id": person.gid}, token=mine.access_token)
    assert by_organizer.data["participant"]["results"] == {
        "totalCount": 1,
        "edges": [{"node": {"status": "WINNER", "place": 1}}],
    }
    assert by_organizer.data["participant"]["achievements"] is None
    assert_forbidden_at(by_organizer, ["participant", "achievements"])
    university = await make_staff(Role.UNIVERSITY, f"Uni {tag}")
    seen = (await client.query(QUERY, {"id": person.gid}, token=university.access_token)).ok()
    assert seen["participant"]["results"]["totalCount"] == 2
    assert seen["participant"]["achievements"]["edges"] == [
        {"node": {"title": "Approved", "status": "APPROVED"}}
    ]
    own = (await client.query(QUERY, {"id": person.gid}, token=person.token)).ok()
    assert own["participant"]["achievements"]["totalCount"] == 2
    rival = (await client.query(QUERY, {"id": person.gid}, token=other.access_token)).data
    assert rival["participant"]["results"]["edges"] == [{"node": {"status": "WINNER", "place": 2}}]
    stranger = await make_staff(Role.ORGANIZER, f"Org3 {tag}")
    for token in (stranger.access_token, None):  # no relation: the row does not exist
        assert (await client.query(QUERY, {"id": person.gid}, token=token)).body == {
            "data": {"participant": None}
        }
