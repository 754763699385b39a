"""IDOR probing: for every type `node(id:)` serves, another viewer's id answers
exactly like a random id (null, no error), for every kind of probing viewer."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from domain.accounts import Role
from domain.events import EventStatus
from graphql_schema.node import RESOLVERS
from persistence.tables import metadata
from tests.support import arrange
from tests.support.graphql import GraphQLClient
from tests.support.privacy import (
    REVOKE,
    birth_date_for_age,
    gid,
    grant,
    guardian,
    mutate,
    pk,
    student,
    unique,
)

PUBLIC_TYPES = {"Organization", "ConsentDocument", "Event"}
"""Readable by anyone (events only when published: drafts are probed below)."""
TABLES = {
    "Participant": "participants",
    "Account": "accounts",
    "Guardian": "guardians",
    "GuardianLink": "guardian_links",
    "Consent": "consents",
    "ConsentHistoryEntry": "consent_history",
    "AccessLogEntry": "access_log",
    "ImportBatch": "import_batches",
    "ImportRow": "import_rows",
    "Achievement": "achievements",
    "QualityFlag": "quality_flags",
    "RatingEntry": "rating_entries",
}
"""Where each type's rows live; a type added later without an entry here is probed
over ids 1–25."""
LEGITIMATE = {
    ("university", "Participant"),
    ("university", "Achievement"),
    ("university", "RatingEntry"),
}
"""A fresh university may reach participants whose sharing consent covers every
university (other tests make some); that reach is the matrix test's subject."""
RANDOM = 987_654_321
ME = "{ me { id participant { id } guardian { id } } }"


async def _own(client: GraphQLClient, token: str | None, type_name: str) -> set[int]:
    """The prober's own account, participant or guardian: those it may see."""
    if token is None:
        return set()
    me = (await client.query(ME, token=token)).ok()["me"]
    found = {"Account": me["id"]}
    for key, type_ in (("participant", "Participant"), ("guardian", "Guardian")):
        if me[key]:
            found[type_] = me[key]["id"]
    return {pk(found[type_name])} if type_name in found else set()


NODE = "node(id: $%s) { id __typename }"


async def _ids(state: Any, table: str, limit: int = 25) -> list[int]:
    async with state.services.sessions() as s:
        column = metadata.tables[table].c.id
        return list(await s.scalars(sa.select(column).order_by(column.desc()).limit(limit)))


async def _probe(client: GraphQLClient, token: str | None, type_name: str, ids: list[int]) -> None:
    variables = {f"v{i}": gid(type_name, pk) for i, pk in enumerate([RANDOM, *ids])}
    header = ", ".join(f"${name}: ID!" for name in variables)
    body = " ".join(f"{name}: " + NODE % name for name in variables)
    response = await client.query(f"query({header}) {{ {body} }}", variables, token=token)
    assert response.status == 200 and response.errors == [], response.body
    random_answer = response.data["v0"]
    assert random_answer is None
    leaked = {name: value for name, value in response.data.items() if value != random_answer}
    assert not leaked, (type_name, leaked)


async def test_every_node_type_hides_others_rows_like_missing_ones(
    client: GraphQLClient, state: Any, make_staff: Any
) -> None:
    sessions = state.services.sessions
    # A victim with something of every kind of ours: consents, history, a link, a log entry.
    victim, parent = await student(client), await guardian(client)
    await arrange.guardian_link(sessions, victim.id, parent.account_id)
    given = await grant(
        client, victim.token, victim.gid, "PROCESSING", birthDate=str(birth_date_for_age(19))
    )
    await mutate(client, REVOKE, victim.token, consentId=given["consent"]["id"])
    moderator = await make_staff(Role.MODERATOR)
    seen = await client.query(
        "query($id: ID!) { participant(id: $id) { lastName } }",
        {"id": victim.gid},
        token=moderator.access_token,
    )
    assert seen.status == 200
    organizer = await make_staff(Role.ORGANIZER, f"Org {unique('o')}")
    other_org = await arrange.organization(sessions)
    await arrange.event(sessions, other_org, title="Draft", status=EventStatus.DRAFT)
    probers = {
        "anonymous": None,
        "student": (await student(client)).token,
        "guardian": (await guardian(client)).token,
        "university": (await make_staff(Role.UNIVERSITY, f"Uni {unique('u')}")).access_token,
        "organizer": organizer.access_token,
    }
    probed = set()
    for type_name in sorted(RESOLVERS):
        if type_name in PUBLIC_TYPES:
            continue
        table = TABLES.get(type_name)
        ids = await _ids(state, table) if table else list(range(1, 26))
        for name, token in probers.items():
            if (name, type_name) in LEGITIMATE:
                continue
            own = await _own(client, token, type_name)
            await _probe(client, token, type_name, [i for i in ids if i not in own])
        probed.add(type_name)
    drafts = await _ids(state, "events")
    async with sessions() as s:
        hidden = list(
            await s.scalars(
                sa.select(metadata.tables["events"].c.id).where(
                    metadata.tables["events"].c.status == "DRAFT",
                    metadata.tables["events"].c.id.in_(drafts),
                )
            )
        )
    for name in ("anonymous", "student", "organizer"):
        await _probe(client, probers[name], "Event", hidden)
    assert probed == set(RESOLVERS) - PUBLIC_TYPES, "a node type is not probed"
