"""GraphQL multipart requests (the spec clients' upload libraries speak), over httpx."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.support.graphql import GraphQLResponse


async def upload(
    http: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any],
    files: dict[str, tuple[str, bytes, str]],
    *,
    token: str | None = None,
    preflight: bool = True,
) -> GraphQLResponse:
    """`files` maps a variable path (`input.file`) to (filename, content, content type)."""
    headers = {"GraphQL-Preflight": "1"} if preflight else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    mapping = {str(i): [f"variables.{path}"] for i, path in enumerate(files)}
    data = {
        "operations": json.dumps({"query": query, "variables": variables}),
        "map": json.dumps(mapping),
    }
    parts = {str(i): spec for i, spec in enumerate(files.values())}
    response = await http.post("/graphql", data=data, files=parts, headers=headers)
    return GraphQLResponse(response.status_code, response.json())
