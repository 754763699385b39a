"""Helpers for the consent, guardian and privacy tests: people through the API,
consents through the API, and the few states no mutation can make (an expired or
a wrongly given consent) arranged in the database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.relay import GlobalID

from persistence.tables import consents as tc
from persistence.tables import events as te
from persistence.tables import people as tp
from tests.support.graphql import GraphQLClient, GraphQLResponse

REGISTER_STUDENT = """mutation($input: RegisterStudentInput!) { registerStudent(input: $input) {
  accessToken account { id participant { id } } userErrors { code message } } }"""
REGISTER_GUARDIAN = """mutation($input: RegisterGuardianInput!) { registerGuardian(input: $input) {
  accessToken account { id guardian { id } } userErrors { code message } } }"""
CONSENT_FIELDS = "id purpose status givenBy awaiting participantAgreed guardianAgreed"
GRANT = (
    "mutation($input: GrantConsentInput!) { grantConsent(input: $input) { consent { %s } "
    "userErrors { field code message } } }" % CONSENT_FIELDS
)
CONFIRM = (
    "mutation($input: ConfirmConsentInput!) { confirmConsent(input: $input) { consent { %s } "
    "userErrors { field code message } } }" % CONSENT_FIELDS
)
REVOKE = (
    "mutation($input: RevokeConsentInput!) { revokeConsent(input: $input) { consent { %s } "
    "userErrors { field code message } } }" % CONSENT_FIELDS
)
UPDATE_PROFILE = """mutation($input: UpdateParticipantProfileInput!) {
  updateParticipantProfile(input: $input) { participant { id status lastName }
  userErrors { field code message } } }"""

PROFILE = {
    "lastName": "Соколова",
    "firstName": "Мария",
    "middleName": "Игоревна",
    "regionCode": "66",
    "school": "Гимназия № 9",
    "grade": 10,
    "email": "maria@test.example",
    "phone": "+7 900 555-44-33",
}


def gid(type_name: str, pk: int) -> str:
    return str(GlobalID(type_name, str(pk)))


def pk(global_id: str) -> int:
    return int(GlobalID.from_id(global_id).node_id)


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


@dataclass
class Person:
    token: str
    account_id: int
    gid: str
    """The participant's or guardian's global id."""
    email: str

    @property
    def id(self) -> int:
        return pk(self.gid)


async def student(client: GraphQLClient, nickname: str | None = None) -> Person:
    email = f"{unique('st')}@test.example"
    body = (
        await client.query(
            REGISTER_STUDENT,
            {
                "input": {
                    "email": email,
                    "password": "student-passphrase",
                    "nickname": nickname or unique("st_"),
                }
            },
        )
    ).ok()["registerStudent"]
    account = body["account"]
    return Person(body["accessToken"], pk(account["id"]), account["participant"]["id"], email)


async def guardian(client: GraphQLClient, last_name: str = "Соколов") -> Person:
    email = f"{unique('gu')}@test.example"
    body = (
        await client.query(
            REGISTER_GUARDIAN,
            {
                "input": {
                    "email": email,
                    "password": "guardian-passphrase",
                    "lastName": last_name,
                    "firstName": "Игорь",
                    "phone": "+7 900 000-11-22",
                }
            },
        )
    ).ok()["registerGuardian"]
    account = body["account"]
    return Person(body["accessToken"], pk(account["id"]), account["guardian"]["id"], email)


async def mutate(client: GraphQLClient, query: str, token: str, **input_: Any) -> dict[str, Any]:
    """The payload of a one-root mutation (asserting no top-level errors)."""
    response: GraphQLResponse = await client.query(query, {"input": input_}, token=token)
    data = response.ok()
    return dict(next(iter(data.values())))


async def grant(
    client: GraphQLClient, token: str, participant: str, purpose: str, **extra: Any
) -> dict[str, Any]:
    return await mutate(
        client,
        GRANT,
        token,
        participantId=participant,
        purpose=purpose,
        documentVersion=extra.pop("documentVersion", 1),
        **extra,
    )


async def grant_both(
    client: GraphQLClient, ward: Person, parent: Person, purpose: str, **extra: Any
) -> str:
    """A 14–17-year-old's grant: the participant starts it, the guardian confirms."""
    started = await grant(client, ward.token, ward.gid, purpose, **extra)
    assert not started["userErrors"], started
    consent = started["consent"]
    if consent["status"] == "ACTIVE":
        return str(consent["id"])
    done = await mutate(client, CONFIRM, parent.token, consentId=consent["id"])
    assert not done["userErrors"] and done["consent"]["status"] == "ACTIVE", done
    return str(consent["id"])


async def set_consent(
    sessions: async_sessionmaker[AsyncSession], consent_id: int, **values: Any
) -> None:
    async with sessions() as s, s.begin():
        await s.execute(
            sa.update(tc.consents).where(tc.consents.c.id == consent_id).values(**values)
        )


async def delete_consent(sessions: async_sessionmaker[AsyncSession], consent_id: int) -> None:
    async with sessions() as s, s.begin():
        await s.execute(
            sa.delete(tc.consent_history).where(tc.consent_history.c.consent_id == consent_id)
        )
        await s.execute(sa.delete(tc.consents).where(tc.consents.c.id == consent_id))


async def register_for(
    sessions: async_sessionmaker[AsyncSession], participant_id: int, event_id: int
) -> None:
    async with sessions() as s, s.begin():
        await s.execute(
            sa.insert(te.registrations),
            [
                {
                    "event_id": event_id,
                    "participant_id": participant_id,
                    "created_at": datetime.now(UTC),
                }
            ],
        )


async def participant_row(
    sessions: async_sessionmaker[AsyncSession], participant_id: int
) -> dict[str, Any]:
    async with sessions() as s:
        row = (
            (
                await s.execute(
                    sa.select(tp.participants).where(tp.participants.c.id == participant_id)
                )
            )
            .mappings()
            .one()
        )
    return dict(row)


def birth_date_for_age(age: int, today: date | None = None) -> date:
    """A birth date giving `age` today (UTC), half a year away from any birthday."""
    today = today or datetime.now(UTC).date()
    month = (today.month + 5) % 12 + 1  # six months from today's month
    year = today.year - age - (1 if month > today.month else 0)
    return date(year, month, 10)
