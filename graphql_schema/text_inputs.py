"""Text a database cannot store is refused at the door, with a code, before anything runs.

A NUL character (`\\u0000`) cannot be stored in a PostgreSQL text value, and an
unpaired surrogate (a `\\ud800` escape in a JSON request body) cannot even be
encoded as UTF-8. Either one in an argument used to reach the database driver, which
raised an unexpected error (`INTERNAL_SERVER_ERROR`) on PostgreSQL while SQLite
stored the NUL as it was. Now the whole operation is refused as `BAD_USER_INPUT`,
naming the argument, and nothing is executed, on both databases alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from domain.errors import ErrorCode
from domain.storable_text import unstorable, unstorable_at
from graphql_schema.errors import CodedError


class _Literals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if unstorable(node.value):
            self.found = True


def unstorable_literal(query: str | None, document: Any) -> bool:
    """Whether a string written into the query itself holds such text. The lexer
    refuses a raw NUL, so only a `\\u` escape can bring one: the document is walked
    only when the query text has one."""
    if not query or "\\u" not in query or document is None:
        return False
    literals = _Literals()
    visit(document, literals)
    return literals.found


class StorableText(SchemaExtension):
    """Refuses an operation whose variables or string literals hold unstorable text."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        where = unstorable_at(context.variables or {})
        if where is not None:
            where = f"Variable `{where}`"
        elif unstorable_literal(context.query, context.graphql_document):
            where = "A string in the query"
        if where is not None:
            message = (
                f"{where} holds a NUL character or an unpaired surrogate, which cannot be "
                "stored as text; nothing was run."
            )
            error = CodedError(message, ErrorCode.BAD_USER_INPUT)
            if context.operation_type is OperationType.SUBSCRIPTION:
                # strawberry's subscribe path does not look at `context.result`; an
                # error raised here is answered as the subscription's one error result
                raise error
            context.result = ExecutionResult(data=None, errors=[error])
        yield
