"""Consents through the API: the grant flows of each age band, the history, the
outbox message, and bad input answered as userErrors with nothing changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from domain.services.profiles import PROFILE_CHANGED
from persistence.tables import audit as ta
from persistence.tables import consents as tc
from persistence.tables import people as tp
from tests.support import arrange
from tests.support.graphql import GraphQLClient
from tests.support.privacy import (
    CONFIRM,
    PROFILE,
    REVOKE,
    UPDATE_PROFILE,
    birth_date_for_age,
    grant,
    grant_both,
    guardian,
    mutate,
    participant_row,
    pk,
    student,
)

CONSENTS = """query($id: ID!) { participant(id: $id) { status erasureDueAt
  consents { id purpose status givenBy participantAgreed guardianAgreed awaiting
             document { version sha256 } }
  consentHistory(first: 20) { totalCount edges { node { purpose action actor } } } } }"""


async def _snapshot(state: Any, participant_id: int) -> tuple[int, int, int, dict[str, Any]]:
    """Consents, history rows, outbox messages about the participant, and its row."""
    sessions = state.services.sessions
    async with sessions() as s:
        consents = await s.scalar(
            sa.select(sa.func.count()).where(tc.consents.c.participant_id == participant_id)
        )
        history = await s.scalar(
            sa.select(sa.func.count()).where(tc.consent_history.c.participant_id == participant_id)
        )
        outbox = await s.scalar(sa.select(sa.func.count()).select_from(ta.outbox))
    return (
        int(consents or 0),
        int(history or 0),
        int(outbox or 0),
        await participant_row(sessions, participant_id),
    )


async def test_an_adult_consents_alone_and_becomes_registered(
    client: GraphQLClient, state: Any
) -> None:
    adult = await student(client)
    payload = await grant(
        client, adult.token, adult.gid, "PROCESSING", birthDate=str(birth_date_for_age(19))
    )
    assert payload["userErrors"] == []
    assert payload["consent"]["status"] == "ACTIVE"
    assert payload["consent"]["givenBy"] == "PARTICIPANT"
    view = (await client.query(CONSENTS, {"id": adult.gid}, token=adult.token)).ok()["participant"]
    assert view["status"] == "REGISTERED"
    assert view["consents"][0]["document"]["version"] == 1
    assert len(view["consents"][0]["document"]["sha256"]) == 64
    assert [e["node"]["action"] for e in view["consentHistory"]["edges"]] == ["GRANTED"]
    assert view["consentHistory"]["edges"][0]["node"]["actor"] == "PARTICIPANT"
    async with state.services.sessions() as s:
        payloads = list(
            await s.scalars(
                sa.select(ta.outbox.c.payload).where(ta.outbox.c.topic == "consent.changed")
            )
        )
    assert {"participant_id": adult.id, "purpose": "PROCESSING", "status": "ACTIVE"} in payloads


async def test_a_minor_of_fifteen_needs_both_and_either_may_start(
    client: GraphQLClient, state: Any
) -> None:
    ward, parent = await student(client), await guardian(client)
    await arrange.guardian_link(state.services.sessions, ward.id, parent.account_id)
    started = await grant(
        client, parent.token, ward.gid, "PROCESSING", birthDate=str(birth_date_for_age(15))
    )
    consent = started["consent"]
    assert consent["status"] == "PENDING" and consent["awaiting"] == "PARTICIPANT"
    assert consent["guardianAgreed"] and not consent["participantAgreed"]
    twice = await mutate(client, CONFIRM, parent.token, consentId=consent["id"])
    assert [e["code"] for e in twice["userErrors"]] == ["CONFLICT"]
    done = await mutate(client, CONFIRM, ward.token, consentId=consent["id"])
    assert done["consent"]["status"] == "ACTIVE"
    assert done["consent"]["givenBy"] == "PARTICIPANT_AND_GUARDIAN"
    view = (await client.query(CONSENTS, {"id": ward.gid}, token=parent.token)).ok()["participant"]
    actions = [(e["node"]["action"], e["node"]["actor"]) for e in view["consentHistory"]["edges"]]
    assert actions == [("CONFIRMED", "PARTICIPANT"), ("REQUESTED", "GUARDIAN")]
    # The second purpose started by the participant this time.
    second = await grant_both(client, ward, parent, "PUBLICATION")
    assert second


async def test_under_fourteen_only_the_guardian_consents(client: GraphQLClient, state: Any) -> None:
    ward, parent = await student(client), await guardian(client)
    await arrange.guardian_link(state.services.sessions, ward.id, parent.account_id)
    birth = str(birth_date_for_age(12))
    refused = await grant(client, ward.token, ward.gid, "PROCESSING", birthDate=birth)
    assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]
    assert (await participant_row(state.services.sessions, ward.id))["birth_date"] is None
    given = await grant(client, parent.token, ward.gid, "PROCESSING", birthDate=birth)
    assert given["consent"]["status"] == "ACTIVE" and given["consent"]["givenBy"] == "GUARDIAN"
    own = await mutate(client, REVOKE, ward.token, consentId=given["consent"]["id"])
    assert [e["code"] for e in own["userErrors"]] == ["FORBIDDEN"]
    assert (await mutate(client, REVOKE, parent.token, consentId=given["consent"]["id"]))[
        "consent"
    ]["status"] == "REVOKED"


_SNAKE = {
    "lastName": "last_name",
    "firstName": "first_name",
    "middleName": "middle_name",
    "regionCode": "region_code",
    "school": "school",
    "grade": "grade",
    "email": "email",
    "phone": "phone",
}


async def _profile_messages(state: Any, participant_id: int) -> list[list[str]]:
    o = ta.outbox.c
    async with state.services.sessions() as s:
        rows = await s.scalars(
            sa.select(o.payload).where(o.topic == PROFILE_CHANGED).order_by(o.id)
        )
        return [m["fields"] for m in rows if m["participant_id"] == participant_id]


async def test_personal_data_only_under_processing(client: GraphQLClient, state: Any) -> None:
    adult = await student(client)
    refused = await mutate(client, UPDATE_PROFILE, adult.token, participantId=adult.gid, **PROFILE)
    assert [e["code"] for e in refused["userErrors"]] == ["BAD_USER_INPUT"]
    row = await participant_row(state.services.sessions, adult.id)
    assert row["last_name"] is None and row["status"] == "ANONYMOUS"
    await grant(client, adult.token, adult.gid, "PROCESSING", birthDate=str(birth_date_for_age(20)))
    done = await mutate(client, UPDATE_PROFILE, adult.token, participantId=adult.gid, **PROFILE)
    assert done["userErrors"] == [] and done["participant"]["lastName"] == "Соколова"
    # the change is announced with the names of the changed fields, never their values
    assert await _profile_messages(state, adult.id) == [sorted(_SNAKE[k] for k in PROFILE)]
    same = await mutate(client, UPDATE_PROFILE, adult.token, participantId=adult.gid, **PROFILE)
    assert same["userErrors"] == []
    assert len(await _profile_messages(state, adult.id)) == 1  # nothing changed, no message
    moved = await mutate(
        client, UPDATE_PROFILE, adult.token, participantId=adult.gid, birthDate="2001-01-01"
    )
    assert [e["field"] for e in moved["userErrors"]] == ["birthDate"]


async def test_revoking_processing_schedules_erasure_and_a_new_grant_cancels_it(
    client: GraphQLClient, state: Any
) -> None:
    adult = await student(client)
    first = await grant(
        client, adult.token, adult.gid, "PROCESSING", birthDate=str(birth_date_for_age(22))
    )
    before = datetime.now(UTC)
    await mutate(client, REVOKE, adult.token, consentId=first["consent"]["id"])
    view = (await client.query(CONSENTS, {"id": adult.gid}, token=adult.token)).ok()["participant"]
    due = datetime.fromisoformat(view["erasureDueAt"])
    assert before + timedelta(days=30) <= due <= datetime.now(UTC) + timedelta(days=30)
    again = await grant(client, adult.token, adult.gid, "PROCESSING")
    assert again["consent"]["status"] == "ACTIVE"
    row = await participant_row(state.services.sessions, adult.id)
    assert row["erasure_due_at"] is None


async def test_bad_input_changes_nothing(client: GraphQLClient, state: Any) -> None:
    adult, stranger = await student(client), await guardian(client)
    await grant(client, adult.token, adult.gid, "PROCESSING", birthDate=str(birth_date_for_age(19)))
    publication = await grant(client, adult.token, adult.gid, "PUBLICATION")
    consent_id = publication["consent"]["id"]
    await mutate(client, REVOKE, adult.token, consentId=consent_id)
    before = await _snapshot(state, adult.id)
    cases: list[tuple[str, dict[str, Any], str, str]] = [
        (stranger.token, {"purpose": "UNIVERSITY_SHARING"}, "NOT_FOUND", "participantId"),
        (
            adult.token,
            {"purpose": "UNIVERSITY_SHARING", "documentVersion": 7},
            "BAD_USER_INPUT",
            "documentVersion",
        ),
        (adult.token, {"purpose": "PROCESSING"}, "CONFLICT", "purpose"),
        (
            adult.token,
            {"purpose": "UNIVERSITY_SHARING", "allUniversities": False},
            "BAD_USER_INPUT",
            "universityIds",
        ),
        (
            adult.token,
            {"purpose": "CONTACT_SHARING", "expiresOn": "2020-01-01"},
            "BAD_USER_INPUT",
            "expiresOn",
        ),
    ]
    for token, extra, code, field in cases:
        payload = await grant(client, token, adult.gid, **extra)
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)], extra
        assert payload["consent"] is None
    unknown = await grant(client, adult.token, "UGFydGljaXBhbnQ6OTk5OTk5OQ==", "PROCESSING")
    assert [e["code"] for e in unknown["userErrors"]] == ["NOT_FOUND"]
    twice = await mutate(client, REVOKE, adult.token, consentId=consent_id)
    assert [(e["code"], e["field"]) for e in twice["userErrors"]] == [("CONFLICT", "consentId")]
    foreign = await mutate(client, REVOKE, stranger.token, consentId=consent_id)
    assert [e["code"] for e in foreign["userErrors"]] == ["NOT_FOUND"]
    assert await _snapshot(state, adult.id) == before


async def test_consents_of_others_are_not_visible(client: GraphQLClient, state: Any) -> None:
    adult, other = await student(client), await student(client)
    given = await grant(
        client, adult.token, adult.gid, "PROCESSING", birthDate=str(birth_date_for_age(19))
    )
    query = "query($id: ID!) { node(id: $id) { id ... on Consent { purpose status } } }"
    assert (await client.query(query, {"id": given["consent"]["id"]}, token=other.token)).ok() == {
        "node": None
    }
    mine = (await client.query(query, {"id": given["consent"]["id"]}, token=adult.token)).ok()
    assert mine["node"]["status"] == "ACTIVE"
    async with state.services.sessions() as s:
        status = await s.scalar(
            sa.select(tp.participants.c.status).where(tp.participants.c.id == pk(adult.gid))
        )
    assert status == "REGISTERED"
