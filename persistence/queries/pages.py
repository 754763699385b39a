"""Keyset pagination shared by the read paths: opaque cursors, a page of rows, a count.

Keyset (not OFFSET) keeps deep pages as cheap as the first one at the design
scale of millions of rows.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from domain.errors import InvalidInput

T = TypeVar("T")

MAX_PAGE = 100


@dataclass(frozen=True)
class PageRequest:
    first: int
    after: tuple[Any, ...] | None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    cursors: Sequence[str]
    has_next_page: bool
    total_count: int
    has_previous_page: bool = False


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(f"k1:{raw}".encode()).decode("ascii")


def decode_cursor(cursor: str, arity: int) -> tuple[Any, ...]:
    """Refuse anything we did not issue, with a clear code instead of a 500."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("utf-8")
        if not text.startswith("k1:"):
            raise ValueError(text)
        key = json.loads(text[3:])
        if not isinstance(key, list) or len(key) != arity:
            raise ValueError(text)
    except (ValueError, UnicodeError) as error:
        raise InvalidInput("The cursor is not valid for this list.", field="after") from error
    return tuple(key)


def page_request(
    first: int | None, after: str | None, arity: int, default: int = 20
) -> PageRequest:
    size = default if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise InvalidInput(f"`first` must be between 0 and {MAX_PAGE}.", field="first")
    return PageRequest(size, decode_cursor(after, arity) if after else None)
