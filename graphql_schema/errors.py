"""Errors as the contract shows them: `extensions.code` on every error, and
`userErrors` in mutation payloads for expected failures.

`ErrorCodes` is a schema extension (so it also covers WebSocket results): it
gives each error its code and, outside development mode, masks unexpected ones.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from domain.errors import DomainError, ErrorCode

log = logging.getLogger("talent.graphql")

ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode")


@strawberry.type(description="An expected failure of a mutation: nothing was changed.")
class UserError:
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str
    code: ErrorCode = strawberry.field(description="One of the contract's error codes.")

    @classmethod
    def from_domain(cls, error: DomainError) -> UserError:
        return cls(field=error.field, message=error.message, code=error.code)


class CodedError(GraphQLError):
    """A top-level error that carries its contract code."""

    def __init__(self, message: str, code: ErrorCode, **extra: Any) -> None:
        super().__init__(message, extensions={"code": code.value, **extra})


def forbidden(field: str) -> CodedError:
    return CodedError(f"Not allowed to see `{field}`.", ErrorCode.FORBIDDEN)


# Messages of graphql-core and strawberry's limiters; they carry no code of their own.
_TOO_COMPLEX_MARKERS = (
    "exceeds maximum operation depth",
    "tokens. Parsing aborted",
    "aliases found. Allowed",
)


def classify(error: GraphQLError) -> ErrorCode:
    """The contract code of an error, from its cause or, for graphql-core's own
    parse and validation errors, from its kind."""
    existing = (error.extensions or {}).get("code")
    if existing:
        return ErrorCode(existing)
    original = error.original_error
    if isinstance(original, DomainError):
        return original.code
    if isinstance(original, GraphQLError):
        return classify(original)
    if original is None:
        if any(marker in error.message for marker in _TOO_COMPLEX_MARKERS):
            return ErrorCode.QUERY_TOO_COMPLEX
        return ErrorCode.BAD_USER_INPUT
    return ErrorCode.INTERNAL_SERVER_ERROR


def with_code(error: GraphQLError, *, mask: bool) -> GraphQLError:
    code = classify(error)
    message = error.message
    original = error.original_error
    if isinstance(original, DomainError):
        message = original.message
    if code is ErrorCode.INTERNAL_SERVER_ERROR:
        log.error("unexpected error at %s", error.path, exc_info=original)
        if mask:
            message = "Unexpected error."
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None if mask else original,
        extensions={**(error.extensions or {}), "code": code.value},
    )


def make_error_codes_extension(*, mask: bool) -> type[SchemaExtension]:
    """A class, not an instance: strawberry builds one per operation (no shared state)."""

    class ErrorCodes(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            yield
            result = self.execution_context.result
            errors = getattr(result, "errors", None)
            if result is not None and errors:
                result.errors = [with_code(e, mask=mask) for e in errors]

    return ErrorCodes
