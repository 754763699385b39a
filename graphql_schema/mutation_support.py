"""Small helpers the issue-3 mutations share: sign-in checks and id parsing.

A malformed or foreign global id is answered like an id of a row the viewer may
not act on (`NOT_FOUND` in `userErrors`), so ids reveal nothing.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from domain.errors import ErrorCode, NotFound
from graphql_schema.context import Context
from graphql_schema.errors import CodedError
from graphql_schema.node import parse_global_id


def require_sign_in(info: strawberry.Info[Context, None]) -> None:
    if info.context.viewer.account_id is None:
        raise CodedError("Sign in first.", ErrorCode.UNAUTHENTICATED)


def id_of(value: strawberry.ID, type_name: str, field: str, message: str) -> int:
    parsed = parse_global_id(str(value))
    if parsed is None or parsed[0] != type_name:
        raise NotFound(message, field=field)
    return parsed[1]


def forget(loader: DataLoader[Any, Any], key: Any) -> None:
    """Drop a cached row so the payload shows the state after the change."""
    try:
        loader.clear(key)
    except KeyError:
        pass
