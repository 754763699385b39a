"""A revocation made in one request is in force in the very next one: field reads,
row reach, lists and counts, the data export, and a guardian whose link ended."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from domain.accounts import Role
from persistence.tables.accounts import accounts
from tests.support import arrange
from tests.support.graphql import GraphQLClient, assert_forbidden_at
from tests.support.privacy import (
    PROFILE,
    REVOKE,
    UPDATE_PROFILE,
    birth_date_for_age,
    grant,
    guardian,
    mutate,
    pk,
    register_for,
    student,
    unique,
)

ONE = "query($id: ID!) { participant(id: $id) { lastName email } }"
LIST = "query($t: String) { participants(filter: {text: $t}) { totalCount edges { node { id } } } }"
EXPORT = "query($id: ID) { myData(participantId: $id) }"


async def test_revocations_apply_on_the_next_request(
    client: GraphQLClient, make_staff: Any, state: Any
) -> None:
    tag = unique("rv")
    person = await student(client, nickname=f"{tag}_p")
    processing = await grant(
        client, person.token, person.gid, "PROCESSING", birthDate=str(birth_date_for_age(20))
    )
    await mutate(client, UPDATE_PROFILE, person.token, participantId=person.gid, **PROFILE)
    sharing = await grant(client, person.token, person.gid, "UNIVERSITY_SHARING")
    contact = await grant(client, person.token, person.gid, "CONTACT_SHARING")
    university = (await make_staff(Role.UNIVERSITY, f"Uni {tag}")).access_token
    organizer = await make_staff(Role.ORGANIZER, f"Org {tag}")
    async with state.services.sessions() as s:
        org_id = await s.scalar(
            sa.select(accounts.c.organization_id).where(accounts.c.id == organizer.account_id)
        )
    event_id = await arrange.event(state.services.sessions, org_id, title=f"Event {tag}")
    await register_for(state.services.sessions, person.id, event_id)

    seen = (await client.query(ONE, {"id": person.gid}, token=university)).ok()["participant"]
    assert seen == {"lastName": PROFILE["lastName"], "email": PROFILE["email"]}
    await mutate(client, REVOKE, person.token, consentId=contact["consent"]["id"])
    after = await client.query(ONE, {"id": person.gid}, token=university)
    assert after.data["participant"] == {"lastName": PROFILE["lastName"], "email": None}
    assert_forbidden_at(after, ["participant", "email"])

    listed = (await client.query(LIST, {"t": tag}, token=university)).ok()["participants"]
    assert listed["totalCount"] == 1
    await mutate(client, REVOKE, person.token, consentId=sharing["consent"]["id"])
    gone = await client.query(ONE, {"id": person.gid}, token=university)
    assert gone.body == {"data": {"participant": None}}
    listed = (await client.query(LIST, {"t": tag}, token=university)).ok()["participants"]
    assert listed == {"totalCount": 0, "edges": []}

    export = (await client.query(EXPORT, {"id": None}, token=person.token)).ok()["myData"]
    statuses = {c["purpose"]: c["status"] for c in export["tables"]["consents"]}
    assert statuses == {
        "PROCESSING": "ACTIVE",
        "UNIVERSITY_SHARING": "REVOKED",
        "CONTACT_SHARING": "REVOKED",
    }

    by_organizer = (await client.query(ONE, {"id": person.gid}, token=organizer.access_token)).ok()
    assert by_organizer["participant"]["lastName"] == PROFILE["lastName"]
    await mutate(client, REVOKE, person.token, consentId=processing["consent"]["id"])
    cut = await client.query(ONE, {"id": person.gid}, token=organizer.access_token)
    assert cut.data["participant"] == {"lastName": None, "email": None}
    assert_forbidden_at(cut, ["participant", "lastName"])


async def test_a_guardian_whose_link_ended_exports_nothing_more(
    client: GraphQLClient, state: Any
) -> None:
    ward, parent = await student(client), await guardian(client)
    await arrange.guardian_link(state.services.sessions, ward.id, parent.account_id)
    await grant(client, parent.token, ward.gid, "PROCESSING", birthDate=str(birth_date_for_age(12)))
    export = (await client.query(EXPORT, {"id": ward.gid}, token=parent.token)).ok()["myData"]
    assert export["participant"]["id"] == ward.id
    assert export["guardians"][0]["last_name"] == "Соколов"
    assert export["account"]["email"] == ward.email
    assert {"consents", "consent_history", "guardian_links"} <= set(export["tables"])
    links = (await client.query("{ me { guardian { links { id } } } }", token=parent.token)).ok()
    link_id = links["me"]["guardian"]["links"][0]["id"]
    ended = await mutate(
        client,
        """mutation($input: EndGuardianLinkInput!) { endGuardianLink(input: $input) {
          link { status } userErrors { code } } }""",
        parent.token,
        linkId=link_id,
    )
    assert ended["link"]["status"] == "ENDED"
    assert (await client.query(EXPORT, {"id": ward.gid}, token=parent.token)).ok() == {
        "myData": None
    }
    other = await student(client)
    assert (await client.query(EXPORT, {"id": ward.gid}, token=other.token)).ok() == {
        "myData": None
    }
    assert pk(ward.gid) == ward.id
