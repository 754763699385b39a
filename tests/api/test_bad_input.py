"""Bad requests get a GraphQL error with a code, never a 500 or a stack trace."""

from __future__ import annotations

import httpx

from tests.support.graphql import GraphQLClient


async def _post(
    live_server, content: bytes, content_type: str = "application/json"
) -> httpx.Response:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        return await http.post("/graphql", content=content, headers={"content-type": content_type})


def _code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


async def test_malformed_json_body(live_server) -> None:  # type: ignore[no-untyped-def]
    response = await _post(live_server, b'{"query": "{ seasons { code } ')
    assert response.status_code == 400 and _code(response) == "BAD_USER_INPUT"


async def test_body_that_is_not_an_object(live_server) -> None:  # type: ignore[no-untyped-def]
    response = await _post(live_server, b"[1, 2, 3]")
    assert response.status_code == 400 and _code(response) == "BAD_USER_INPUT"


async def test_oversized_body(live_server, settings) -> None:  # type: ignore[no-untyped-def]
    big = (
        b'{"query": "{ seasons { code } }", "variables": {"x": "'
        + b"a" * settings.max_body_bytes
        + b'"}}'
    )
    response = await _post(live_server, big)
    assert response.status_code == 413 and _code(response) == "BAD_USER_INPUT"


async def test_unknown_field(client: GraphQLClient) -> None:
    response = await client.query("{ seasons { code nope } }")
    assert response.codes() == ["BAD_USER_INPUT"]
    assert "Traceback" not in str(response.body)


async def test_wrong_variable_type(client: GraphQLClient) -> None:
    response = await client.query(
        "query($n: Int) { events(first: $n) { totalCount } }", {"n": "ten"}
    )
    assert response.codes() == ["BAD_USER_INPUT"]


async def test_unknown_input_field(client: GraphQLClient) -> None:
    response = await client.query(
        'mutation { registerAnonymous(input: {nickname: "abc", admin: true}) { accessToken } }'
    )
    assert response.codes() == ["BAD_USER_INPUT"]


async def test_syntax_error(client: GraphQLClient) -> None:
    assert (await client.query("{ seasons { code ")).codes() == ["BAD_USER_INPUT"]


async def test_depth_limit(client: GraphQLClient, settings) -> None:  # type: ignore[no-untyped-def]
    deep = "{ me { participant { region { code } } } }"
    assert (await client.query(deep)).errors == []
    inner = "id"
    for _ in range(settings.max_query_depth + 1):
        inner = f"parent {{ {inner} }}"
    query = "{ events { edges { node { %s } } } }" % inner
    assert (await client.query(query)).codes() == ["QUERY_TOO_COMPLEX"]


async def test_token_limit(client: GraphQLClient, settings) -> None:  # type: ignore[no-untyped-def]
    fields = " ".join("code" for _ in range(settings.max_query_tokens))
    assert (await client.query("{ seasons { %s } }" % fields)).codes() == ["QUERY_TOO_COMPLEX"]


async def test_alias_limit(client: GraphQLClient, settings) -> None:  # type: ignore[no-untyped-def]
    aliases = " ".join(f"a{i}: seasons {{ code }}" for i in range(settings.max_aliases + 1))
    assert (await client.query("{ %s }" % aliases)).codes() == ["QUERY_TOO_COMPLEX"]
