"""A small GraphQL-over-HTTP client for tests (httpx), and assertion helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class GraphQLResponse:
    status: int
    body: dict[str, Any]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]

    def ok(self) -> Any:
        assert self.status == 200 and not self.errors, self.body
        return self.data


class GraphQLClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30)

    async def query(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        operation_name: str | None = None,
    ) -> GraphQLResponse:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        payload: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name:
            payload["operationName"] = operation_name
        response = await self.http.post("/graphql", json=payload, headers=headers)
        return GraphQLResponse(response.status_code, response.json())

    async def aclose(self) -> None:
        await self.http.aclose()


def assert_code(response: GraphQLResponse, code: str) -> None:
    assert code in response.codes(), response.body


def assert_forbidden_at(response: GraphQLResponse, path: list[str | int]) -> None:
    matches = [
        e
        for e in response.errors
        if e.get("path") == path and e.get("extensions", {}).get("code") == "FORBIDDEN"
    ]
    assert matches, response.body
