"""Helpers for the analytics API tests: the import mutation and CSV builders."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.graphql import GraphQLClient, GraphQLResponse

IMPORT = """
mutation($input: ImportAnalyticsDataInput!) {
  importAnalyticsData(input: $input) {
    result { kind applied totalRows invalidRows created updated unchanged problems { row reason } }
    userErrors { field message code }
  }
}"""


async def import_file(
    client: GraphQLClient,
    token: str | None,
    kind: str,
    content: str,
    *,
    target: str | None = None,
    filename: str = "data.csv",
) -> GraphQLResponse:
    payload: dict[str, Any] = {"kind": kind, "content": content, "filename": filename}
    if target is not None:
        payload["target"] = target
    return await client.query(IMPORT, {"input": payload}, token=token)


def unique_code(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def questionnaire_csv(
    code: str, scales: int, items_per_scale: int, reverse: set[int] = frozenset()
) -> str:  # type: ignore[assignment]
    lines = ["questionnaire,title,scale_min,scale_max,item,scale,reverse"]
    for j in range(scales * items_per_scale):
        lines.append(
            f"{code},Анкета {code},1,5,i{j + 1},S{j // items_per_scale},{'true' if j in reverse else 'false'}"
        )
    return "\n".join(lines) + "\n"
