"""Errors the domain raises, each with the client-facing code of the contract.

The GraphQL layer turns these into `userErrors` (expected failures) or into
top-level errors with `extensions.code`; the domain only says what went wrong.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Codes of `contract.md`; the same strings appear in `extensions.code`."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    CURSOR_EXPIRED = "CURSOR_EXPIRED"
    """rating.md: a rating-event cursor older than the retention; reload the standings."""


class DomainError(Exception):
    """A rule of the domain refused an operation; nothing was changed."""

    code: ErrorCode = ErrorCode.BAD_USER_INPUT

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    """The input breaks a validation rule (format, range, required value)."""

    code = ErrorCode.BAD_USER_INPUT


class NotFound(DomainError):
    """The object does not exist, or the viewer may not know that it exists."""

    code = ErrorCode.NOT_FOUND


class Forbidden(DomainError):
    """The viewer is known but the policy does not allow the action."""

    code = ErrorCode.FORBIDDEN


class Unauthenticated(DomainError):
    """No valid credentials where they are required."""

    code = ErrorCode.UNAUTHENTICATED


class Conflict(DomainError):
    """The action collides with the current state (duplicate, concurrent change)."""

    code = ErrorCode.CONFLICT


class CursorExpired(DomainError):
    """The rating events after this cursor are no longer kept (retention)."""

    code = ErrorCode.CURSOR_EXPIRED
