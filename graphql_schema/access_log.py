"""The access log, written once per request (not once per field or row).

Resolvers record what a logged viewer (see `domain.policy.is_logged`) was served
into the request's `AccessRecorder`; the `AccessLogFlush` extension writes it all
as one journal row when the operation ends, committed before the response is sent
(`persistence.access_journal`: the row is settled into `access_log` later, and
before anything reads the log). If that write fails, the data is withheld: the
response becomes an error, because an unaccountable read of a minor's data is
worse than a failed one. Subscriptions that serve personal data call
`flush_access_log` per message.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from domain.errors import ErrorCode
from persistence.access_journal import AccessReads, journal_reads

log = logging.getLogger("talent.access_log")


class AccessRecorder:
    """Participant id → the fields read in this request."""

    __slots__ = ("_reads",)

    def __init__(self) -> None:
        self._reads: dict[int, set[str]] = {}

    def record(self, participant_id: int, field: str) -> None:
        fields = self._reads.get(participant_id)
        if fields is None:
            self._reads[participant_id] = {field}
        else:
            fields.add(field)

    def take(self) -> dict[int, set[str]]:
        reads, self._reads = self._reads, {}
        return reads

    def __bool__(self) -> bool:
        return bool(self._reads)


async def flush_access_log(context: Any, operation: str) -> int:
    """Write what the context recorded, durably, before returning; returns the number
    of participants whose reads were recorded. Raises when the write failed."""
    reads = context.access.take()
    viewer = context.viewer
    if not reads or viewer.account_id is None:
        return 0
    entry = AccessReads(
        viewer_account_id=viewer.account_id,
        operation=operation,
        request_id=context.request_id or None,
        at=context.services.clock.now(),
        reads=reads,
    )
    await journal_reads(context.services.sessions, entry)
    return len(reads)


def describe_operation(execution_context: Any) -> str:
    """`query Name (field1, field2)`: the kind, the client's name and root fields."""
    kind, roots = "operation", []
    document = execution_context.graphql_document
    for definition in getattr(document, "definitions", ()):
        if isinstance(definition, OperationDefinitionNode) and (
            execution_context.operation_name is None
            or (definition.name and definition.name.value == execution_context.operation_name)
        ):
            kind = definition.operation.value
            roots = [
                getattr(getattr(s, "name", None), "value", "?")
                for s in definition.selection_set.selections
            ]
            break
    name = execution_context.operation_name or "-"
    return f"{kind} {name} ({', '.join(roots)})"


class AccessLogFlush(SchemaExtension):
    """Listed last among the extensions, so the error codes extension sees its error."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        if getattr(context, "access", None) is None or not context.access:
            return
        try:
            await flush_access_log(context, describe_operation(self.execution_context))
        except Exception:
            log.exception("access log write failed: the response is withheld")
            result = self.execution_context.result
            if result is not None:
                result.data = None
                result.errors = [
                    GraphQLError(
                        "The read could not be recorded in the access log; try again.",
                        extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR.value},
                    )
                ]
