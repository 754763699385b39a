"""Registration, login, refresh rotation with reuse detection, logout — over HTTP."""

from __future__ import annotations

from tests.conftest import unique_email
from tests.support.graphql import GraphQLClient

SESSION_FIELDS = "accessToken refreshToken account { id role participant { id nickname status } } userErrors { field message code }"

REGISTER_STUDENT = f"""
mutation($input: RegisterStudentInput!) {{ registerStudent(input: $input) {{ {SESSION_FIELDS} }} }}
"""
REGISTER_GUARDIAN = """
mutation($input: RegisterGuardianInput!) {
  registerGuardian(input: $input) {
    accessToken refreshToken account { id role guardian { lastName firstName } }
    userErrors { field message code }
  }
}
"""
REGISTER_ANONYMOUS = f"""
mutation($nick: String!) {{ registerAnonymous(input: {{nickname: $nick}}) {{ {SESSION_FIELDS} }} }}
"""
LOGIN = f"""
mutation($email: String!, $password: String!) {{
  login(input: {{email: $email, password: $password}}) {{ {SESSION_FIELDS} }}
}}
"""
REFRESH = f"""
mutation($token: String!) {{ refreshToken(input: {{refreshToken: $token}}) {{ {SESSION_FIELDS} }} }}
"""
LOGOUT = """
mutation($token: String!) { logout(input: {refreshToken: $token}) { ok userErrors { code } } }
"""
ME = "{ me { id role email participant { nickname status } } }"


async def _student(client: GraphQLClient, password: str = "s3cret-passphrase") -> tuple[str, dict]:
    email = unique_email("student")
    data = (
        await client.query(
            REGISTER_STUDENT,
            {"input": {"email": email, "password": password, "nickname": "robo_kid"}},
        )
    ).ok()["registerStudent"]
    assert data["userErrors"] == []
    return email, data


async def test_register_anonymous_gives_a_pseudonymous_participant(client: GraphQLClient) -> None:
    data = (await client.query(REGISTER_ANONYMOUS, {"nick": "anon_coder"})).ok()[
        "registerAnonymous"
    ]
    assert data["userErrors"] == []
    assert data["account"]["role"] == "STUDENT"
    assert data["account"]["participant"] == {
        "id": data["account"]["participant"]["id"],
        "nickname": "anon_coder",
        "status": "ANONYMOUS",
    }
    me = (await client.query(ME, token=data["accessToken"])).ok()["me"]
    assert me["email"] is None
    assert me["participant"]["status"] == "ANONYMOUS"


async def test_register_student_then_login_and_me(client: GraphQLClient) -> None:
    email, registered = await _student(client)
    assert registered["account"]["participant"]["status"] == "ANONYMOUS"
    logged = (
        await client.query(LOGIN, {"email": email.upper(), "password": "s3cret-passphrase"})
    ).ok()["login"]
    assert logged["userErrors"] == []
    me = (await client.query(ME, token=logged["accessToken"])).ok()["me"]
    assert me["email"] == email and me["role"] == "STUDENT"


async def test_register_guardian(client: GraphQLClient) -> None:
    payload = {
        "email": unique_email("parent"),
        "password": "parent-passphrase",
        "lastName": "Иванова",
        "firstName": "Мария",
    }
    data = (await client.query(REGISTER_GUARDIAN, {"input": payload})).ok()["registerGuardian"]
    assert data["userErrors"] == []
    assert data["account"]["role"] == "GUARDIAN"
    assert data["account"]["guardian"] == {"lastName": "Иванова", "firstName": "Мария"}


async def test_registration_errors_are_user_errors_and_change_nothing(
    client: GraphQLClient,
) -> None:
    email, _ = await _student(client)
    cases = [
        ({"email": email, "password": "another-pass", "nickname": "dup"}, "email", "CONFLICT"),
        (
            {"email": unique_email(), "password": "short", "nickname": "nick"},
            "password",
            "BAD_USER_INPUT",
        ),
        (
            {"email": "not-an-email", "password": "long-enough-1", "nickname": "nick"},
            "email",
            "BAD_USER_INPUT",
        ),
        (
            {"email": unique_email(), "password": "long-enough-1", "nickname": "!"},
            "nickname",
            "BAD_USER_INPUT",
        ),
    ]
    for payload, field, code in cases:
        data = (await client.query(REGISTER_STUDENT, {"input": payload})).ok()["registerStudent"]
        assert data["accessToken"] is None
        assert data["userErrors"] == [
            {"field": field, "message": data["userErrors"][0]["message"], "code": code}
        ]
    # the failed attempts created no login
    for payload, _, _ in cases[1:]:
        login = (
            await client.query(LOGIN, {"email": payload["email"], "password": payload["password"]})
        ).ok()["login"]
        assert login["userErrors"][0]["code"] == "UNAUTHENTICATED"


async def test_wrong_password_and_unknown_email_look_the_same(client: GraphQLClient) -> None:
    email, _ = await _student(client)
    wrong = (await client.query(LOGIN, {"email": email, "password": "wrong-password"})).ok()[
        "login"
    ]
    unknown = (
        await client.query(LOGIN, {"email": unique_email(), "password": "wrong-password"})
    ).ok()["login"]
    assert wrong["userErrors"] == unknown["userErrors"]
    assert wrong["userErrors"][0]["code"] == "UNAUTHENTICATED"


async def test_refresh_rotates_and_reuse_revokes_the_family(client: GraphQLClient) -> None:
    _, registered = await _student(client)
    first = registered["refreshToken"]
    second = (await client.query(REFRESH, {"token": first})).ok()["refreshToken"]
    assert second["userErrors"] == [] and second["refreshToken"] != first
    third = (await client.query(REFRESH, {"token": second["refreshToken"]})).ok()["refreshToken"]
    assert third["userErrors"] == []
    # A thief replays the first (already rotated) token: refused, and the family dies.
    replay = (await client.query(REFRESH, {"token": first})).ok()["refreshToken"]
    assert replay["userErrors"][0]["code"] == "UNAUTHENTICATED"
    latest = (await client.query(REFRESH, {"token": third["refreshToken"]})).ok()["refreshToken"]
    assert latest["accessToken"] is None
    assert latest["userErrors"][0]["code"] == "UNAUTHENTICATED"


async def test_refresh_of_unknown_token_is_refused(client: GraphQLClient) -> None:
    data = (await client.query(REFRESH, {"token": "made-up"})).ok()["refreshToken"]
    assert data["userErrors"][0]["code"] == "UNAUTHENTICATED"


async def test_logout_ends_the_session(client: GraphQLClient) -> None:
    _, registered = await _student(client)
    out = (
        await client.query(
            LOGOUT, {"token": registered["refreshToken"]}, token=registered["accessToken"]
        )
    ).ok()
    assert out["logout"] == {"ok": True, "userErrors": []}
    again = (await client.query(REFRESH, {"token": registered["refreshToken"]})).ok()[
        "refreshToken"
    ]
    assert again["userErrors"][0]["code"] == "UNAUTHENTICATED"


async def test_logout_needs_a_token_and_cannot_end_someone_elses_session(
    client: GraphQLClient,
) -> None:
    _, alice = await _student(client)
    _, bob = await _student(client)
    anonymous = await client.query(LOGOUT, {"token": alice["refreshToken"]})
    assert anonymous.codes() == ["UNAUTHENTICATED"]
    foreign = (
        await client.query(LOGOUT, {"token": alice["refreshToken"]}, token=bob["accessToken"])
    ).ok()
    assert foreign["logout"]["ok"] is False
    still = (await client.query(REFRESH, {"token": alice["refreshToken"]})).ok()["refreshToken"]
    assert still["userErrors"] == []


async def test_me_without_token_is_null(client: GraphQLClient) -> None:
    assert (await client.query(ME)).ok() == {"me": None}


async def test_concurrent_registrations_of_one_email_give_one_account(
    client: GraphQLClient,
) -> None:
    import asyncio

    email = unique_email("race")
    payload = {"input": {"email": email, "password": "race-passphrase", "nickname": "racer"}}
    results = await asyncio.gather(*(client.query(REGISTER_STUDENT, payload) for _ in range(6)))
    payloads = [r.ok()["registerStudent"] for r in results]
    winners = [p for p in payloads if p["accessToken"]]
    assert len(winners) == 1
    assert all(p["userErrors"][0]["code"] == "CONFLICT" for p in payloads if not p["accessToken"])
