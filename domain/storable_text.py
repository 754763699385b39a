"""Text a database can store: no NUL character, no unpaired surrogate.

PostgreSQL refuses a NUL in any text or `jsonb` value, and an unpaired surrogate (a
JSON `\\ud800` escape decodes to one) cannot be encoded as UTF-8 at all. Both the
GraphQL door (`graphql_schema.text_inputs`) and the result import's rows
(`domain.imports`) ask this one question before anything reaches a database.
"""

from __future__ import annotations

from typing import Any

REPLACEMENT = "\ufffd"


def _bad(char: str) -> bool:
    return char == "\x00" or "\ud800" <= char <= "\udfff"


def unstorable(text: str) -> bool:
    """Whether `text` holds a NUL character or an unpaired surrogate."""
    return "\x00" in text or any("\ud800" <= char <= "\udfff" for char in text)


def storable(text: str) -> str:
    """`text` with each such character replaced by U+FFFD."""
    if not unstorable(text):
        return text
    return "".join(REPLACEMENT if _bad(char) else char for char in text)


def unstorable_at(value: Any, path: str = "") -> str | None:
    """Where in a JSON-like value (strings, keys, lists, objects) the first such
    character sits — `team`, `input.title`, `rows[2]` — or None. Other values (numbers,
    uploaded files) are not text and are left to their own rules."""
    if isinstance(value, str):
        return path if unstorable(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if unstorable(str(key)):
                return name
            if (found := unstorable_at(item, name)) is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if (found := unstorable_at(item, f"{path}[{index}]")) is not None:
                return found
    return None
