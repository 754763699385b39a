"""Identity verification with the state identity provider (an OpenID Connect
provider whose ID tokens this test signs with its own keys), and a moderator's
verification by document."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from api.app import create_app
from api.settings import Settings
from domain.accounts import Role
from persistence.tables import audit as ta
from tests.conftest import make_settings
from tests.support.graphql import GraphQLClient
from tests.support.idp import StandInProvider
from tests.support.privacy import (
    PROFILE,
    UPDATE_PROFILE,
    birth_date_for_age,
    grant,
    guardian,
    mutate,
    student,
)
from tests.support.server import LiveServer

NONCE = "mutation { identityProviderNonce { nonce expiresAt userErrors { code } } }"
VERIFY = """mutation($input: IdTokenInput!) { verifyWithIdentityProvider(input: $input) {
  verified participant { id status lastName firstName middleName birthDate }
  confirmedLinks { id status relation } userErrors { field code message } } }"""
SIGN_IN = """mutation($input: IdTokenInput!) { signInWithIdentityProvider(input: $input) {
  accessToken account { id role } userErrors { field code message } } }"""
REQUEST = """mutation($input: RequestGuardianLinkInput!) { requestGuardianLink(input: $input) {
  link { id status } userErrors { code } } }"""


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> StandInProvider:
    return StandInProvider(tmp_path_factory.mktemp("idp") / "jwks.json")


@pytest.fixture(scope="module")
def idp_server(
    settings: Settings, provider: StandInProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    configured = make_settings(
        settings.database_url, tmp_path_factory.mktemp("var"), **provider.settings()
    )
    server = LiveServer(create_app(configured))
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def iclient(idp_server: LiveServer) -> AsyncIterator[GraphQLClient]:
    client = GraphQLClient(idp_server.url)
    yield client
    await client.aclose()


async def nonce(client: GraphQLClient) -> str:
    return str((await client.query(NONCE)).ok()["identityProviderNonce"]["nonce"])


def subject() -> str:
    return f"esia-{uuid.uuid4().hex}"


async def test_a_student_is_verified_and_then_signs_in_with_the_provider(
    iclient: GraphQLClient, provider: StandInProvider, state: Any
) -> None:
    person = await student(iclient)
    await grant(iclient, person.token, person.gid, "PROCESSING", birthDate="2005-02-03")
    sub = subject()
    # A provider asserting a minor's birth date: the adult's lone consent would not
    # hold, so nothing changes (not even the link) and the nonce is not spent.
    minor = {"family_name": "Иванова", "given_name": "Анна", "birthdate": "2010-02-03"}
    minor_token = provider.token(subject=sub, nonce=await nonce(iclient), **minor)
    refused = await mutate(iclient, VERIFY, person.token, idToken=minor_token)
    assert [e["code"] for e in refused["userErrors"]] == ["BAD_USER_INPUT"]
    claims = {
        "family_name": "Иванова",
        "given_name": "Анна",
        "middle_name": "Петровна",
        "birthdate": "2005-02-03",
    }
    token = provider.token(subject=sub, nonce=await nonce(iclient), **claims)
    done = await mutate(iclient, VERIFY, person.token, idToken=token)
    assert done["userErrors"] == [] and done["verified"] is True
    assert done["participant"] == {
        "id": person.gid,
        "status": "VERIFIED",
        "lastName": "Иванова",
        "firstName": "Анна",
        "middleName": "Петровна",
        "birthDate": "2005-02-03",
    }
    async with state.services.sessions() as s:
        topics = list(
            await s.scalars(
                sa.select(ta.outbox.c.payload).where(ta.outbox.c.topic == "participant.verified")
            )
        )
    assert {"participant_id": person.id} in topics
    replay = await mutate(iclient, SIGN_IN, "", idToken=token)
    assert [e["code"] for e in replay["userErrors"]] == ["UNAUTHENTICATED"]
    fresh = provider.token(subject=sub, nonce=await nonce(iclient))
    signed_in = await mutate(iclient, SIGN_IN, "", idToken=fresh)
    assert signed_in["userErrors"] == [] and signed_in["accessToken"]
    assert signed_in["account"]["role"] == "STUDENT"
    stranger = provider.token(subject=subject(), nonce=await nonce(iclient))
    unknown = await mutate(iclient, SIGN_IN, "", idToken=stranger)
    assert [e["code"] for e in unknown["userErrors"]] == ["UNAUTHENTICATED"]


async def test_the_provider_asserting_guardianship_confirms_the_link(
    iclient: GraphQLClient, provider: StandInProvider
) -> None:
    ward, parent = await student(iclient), await guardian(iclient)
    ward_sub = subject()
    linked = await mutate(
        iclient,
        VERIFY,
        ward.token,
        idToken=provider.token(subject=ward_sub, nonce=await nonce(iclient)),
    )
    assert linked["userErrors"] == [] and linked["verified"] is False  # no PROCESSING yet
    assert linked["participant"]["status"] == "ANONYMOUS"
    asked = await mutate(
        iclient, REQUEST, parent.token, participantEmail=ward.email, relation="PARENT"
    )
    assert asked["link"]["status"] == "PENDING"
    token = provider.token(
        subject=subject(),
        nonce=await nonce(iclient),
        wards=[{"sub": ward_sub, "relation": "ADOPTIVE_PARENT"}, {"bad": "entry"}],
    )
    confirmed = await mutate(iclient, VERIFY, parent.token, idToken=token)
    assert confirmed["confirmedLinks"] == [
        {"id": asked["link"]["id"], "status": "CONFIRMED", "relation": "ADOPTIVE_PARENT"}
    ]
    seen = await iclient.query(
        "query($id: ID!) { participant(id: $id) { id } }", {"id": ward.gid}, token=parent.token
    )
    assert seen.ok()["participant"] == {"id": ward.gid}


async def test_an_identity_links_to_one_account_only(
    iclient: GraphQLClient, provider: StandInProvider
) -> None:
    first, second = await student(iclient), await student(iclient)
    sub = subject()
    await mutate(
        iclient,
        VERIFY,
        first.token,
        idToken=provider.token(subject=sub, nonce=await nonce(iclient)),
    )
    taken = await mutate(
        iclient,
        VERIFY,
        second.token,
        idToken=provider.token(subject=sub, nonce=await nonce(iclient)),
    )
    assert [e["code"] for e in taken["userErrors"]] == ["CONFLICT"]


async def test_a_moderator_verifies_by_document(iclient: GraphQLClient, make_staff: Any) -> None:
    query = """mutation($input: VerifyParticipantByDocumentInput!) {
      verifyParticipantByDocument(input: $input) { participant { status } userErrors { code field } } }"""
    person = await student(iclient)
    moderator = await make_staff(Role.MODERATOR)
    payload = {"participantId": person.gid, "documentKind": "PASSPORT", "comment": "Паспорт сверен"}
    early = await mutate(iclient, query, moderator.access_token, **payload)
    assert [e["code"] for e in early["userErrors"]] == ["BAD_USER_INPUT"]  # nothing to check yet
    await grant(
        iclient, person.token, person.gid, "PROCESSING", birthDate=str(birth_date_for_age(19))
    )
    await mutate(iclient, UPDATE_PROFILE, person.token, participantId=person.gid, **PROFILE)
    own = await mutate(iclient, query, person.token, **payload)
    assert [e["code"] for e in own["userErrors"]] == ["FORBIDDEN"]
    done = await mutate(iclient, query, moderator.access_token, **payload)
    assert done["participant"] == {"status": "VERIFIED"}
    twice = await mutate(iclient, query, moderator.access_token, **payload)
    assert [e["code"] for e in twice["userErrors"]] == ["CONFLICT"]
