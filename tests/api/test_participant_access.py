"""Who reaches a participant's profile and which personal fields they see.

Generated from the policy table: every personal field × every viewer relation
available so far. Until consents are wired, consent-gated fields stay closed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from strawberry.relay import GlobalID

from domain.accounts import Role
from domain.policy import PARTICIPANT_FIELDS, Relation, field_visible
from tests.conftest import unique_email
from tests.support import arrange
from tests.support.graphql import GraphQLClient

FIELDS = [
    "lastName",
    "firstName",
    "middleName",
    "birthDate",
    "age",
    "school",
    "grade",
    "email",
    "phone",
]
QUERY = (
    "query($id: ID!) { participant(id: $id) { id nickname status %s region { code } } }"
    % " ".join(FIELDS)
)


@dataclass
class World:
    participant_gid: str
    tokens: dict[str, str | None]


async def _register(client: GraphQLClient, mutation: str, payload: dict) -> dict:
    name = mutation.split("(")[0].split()[-1]
    return (await client.query(mutation, {"input": payload})).ok()[name]


@pytest.fixture
async def world(client: GraphQLClient, state, make_staff) -> World:  # type: ignore[no-untyped-def]
    student = await _register(
        client,
        "mutation registerStudent($input: RegisterStudentInput!) { registerStudent(input: $input) "
        "{ accessToken account { participant { id } } } }",
        {"email": unique_email("ward"), "password": "ward-passphrase", "nickname": "ward_one"},
    )
    other = await _register(
        client,
        "mutation registerStudent($input: RegisterStudentInput!) { registerStudent(input: $input) { accessToken } }",
        {"email": unique_email("other"), "password": "other-passphrase", "nickname": "other_one"},
    )
    guardians = {}
    for key in ("guardian", "other_guardian"):
        guardians[key] = await _register(
            client,
            "mutation registerGuardian($input: RegisterGuardianInput!) { registerGuardian(input: $input) "
            "{ accessToken account { id } } }",
            {
                "email": unique_email(key),
                "password": "parent-passphrase",
                "lastName": "Петрова",
                "firstName": "Анна",
            },
        )
    gid = student["account"]["participant"]["id"]
    pid = int(GlobalID.from_id(gid).node_id)
    await arrange.registered_profile(state.services.sessions, pid)
    await arrange.guardian_link(
        state.services.sessions,
        pid,
        int(GlobalID.from_id(guardians["guardian"]["account"]["id"]).node_id),
    )
    tokens: dict[str, str | None] = {
        "anonymous": None,
        "self": student["accessToken"],
        "other_student": other["accessToken"],
        "guardian": guardians["guardian"]["accessToken"],
        "other_guardian": guardians["other_guardian"]["accessToken"],
    }
    for role in (Role.MODERATOR, Role.ADMIN):
        tokens[role.value.lower()] = (await make_staff(role)).access_token
    tokens["university"] = (await make_staff(Role.UNIVERSITY, f"Uni {unique_email()}")).access_token
    tokens["organizer"] = (await make_staff(Role.ORGANIZER, f"Org {unique_email()}")).access_token
    return World(gid, tokens)


# viewer -> the relation the policy gives it today
VIEWERS = {
    "anonymous": Relation.PUBLIC,
    "self": Relation.SELF,
    "other_student": Relation.PUBLIC,
    "guardian": Relation.GUARDIAN,
    "other_guardian": Relation.PUBLIC,
    "moderator": Relation.STAFF,
    "admin": Relation.STAFF,
    "university": Relation.PUBLIC,
    "organizer": Relation.PUBLIC,
}


@pytest.mark.parametrize("viewer", sorted(VIEWERS))
async def test_profile_fields_follow_the_policy(
    client: GraphQLClient, world: World, viewer: str
) -> None:
    relation = VIEWERS[viewer]
    response = await client.query(QUERY, {"id": world.participant_gid}, token=world.tokens[viewer])
    assert response.status == 200
    node = response.data["participant"]
    if relation is Relation.PUBLIC:
        # Unreachable looks exactly like missing: null and no error at all.
        assert node is None and response.errors == []
        return
    assert node["nickname"] == "ward_one"
    forbidden_paths = {
        tuple(e["path"]) for e in response.errors if e["extensions"]["code"] == "FORBIDDEN"
    }
    for field in FIELDS:
        expected = field_visible(field, relation, frozenset())
        assert field in PARTICIPANT_FIELDS
        if expected:
            assert node[field] is not None, (viewer, field)
            assert ("participant", field) not in forbidden_paths
        else:
            assert node[field] is None and ("participant", field) in forbidden_paths, (
                viewer,
                field,
            )
    assert node["region"] == {"code": "66"}


async def test_hidden_and_missing_participants_answer_alike(
    client: GraphQLClient, world: World
) -> None:
    missing = str(GlobalID("Participant", "987654321"))
    for viewer in ("anonymous", "other_student", "university"):
        hidden = await client.query(
            QUERY, {"id": world.participant_gid}, token=world.tokens[viewer]
        )
        absent = await client.query(QUERY, {"id": missing}, token=world.tokens[viewer])
        assert hidden.body == absent.body
        node = "query($id: ID!) { node(id: $id) { id } }"
        assert (
            await client.query(node, {"id": world.participant_gid}, token=world.tokens[viewer])
        ).body == (await client.query(node, {"id": missing}, token=world.tokens[viewer])).body
