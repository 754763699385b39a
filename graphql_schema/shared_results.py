"""One execution of a subscription message per viewer class, not per subscriber.

A rating batch reaches hundreds of subscribers of one process, and graphql-core runs
the subscription's selection set once per subscriber and message (~0.8 ms each in a
py-spy profile of `bench_rating_latency`'s receiving server: most of the fan-out's
time). The message object itself is already shared by the subscribers of one viewer
class and window (`ratings/stream.py`), and what its fields resolve to depends only on
that class, so the result of executing the same document with the same variables on
the same message is the same: it is kept on the message (`shared_results`) and handed
to the next such subscriber as is.

Each subscriber still has its reads logged: the reads the first execution recorded
are recorded again in every later subscriber's own context, whose access-log flush
follows the message as before. Results with errors are never shared.

A shared result's `data` is a `SharedData`: the transport encodes its JSON once and
sends the same text to every subscriber of the class (`api/ws_frames.py`), instead
of one `json.dumps` of the whole message per subscriber.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from graphql import ExecutionResult, OperationType, print_ast
from graphql.execution import Executor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class SharedData(dict[str, Any]):
    """The `data` of a result shared by the subscribers of one viewer class, with its
    `{"data": …}` payload encoded once (by the transport's own encoder)."""

    __slots__ = ("_payload",)

    def payload_json(self, encode: Callable[[object], str | bytes]) -> str:
        found: str | None = getattr(self, "_payload", None)
        if found is None:
            encoded = encode({"data": self})
            found = encoded.decode() if isinstance(encoded, bytes) else encoded
            self._payload = found
        return found


class SharedResultsExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor (its resolve info carries the operation extensions), with
    subscription messages executed once per document, variables and message."""

    _shared_key: tuple[str, str] | None = None

    def build_per_event_executor(self, payload: Any) -> Executor:
        """The document's key is printed once per subscription (printing an AST costs
        about as much as executing a small message); every event's copy carries it."""
        if self._shared_key is None and self.operation.operation is OperationType.SUBSCRIPTION:
            self._shared_key = _key(self)
        return super().build_per_event_executor(payload)

    def execute_operation(self, serially: bool | None = None) -> Any:
        shared = getattr(self.root_value, "shared_results", None)
        access = getattr(self.context_value, "access", None)
        if (
            not isinstance(shared, dict)
            or access is None
            or self.operation.operation is not OperationType.SUBSCRIPTION
        ):
            return super().execute_operation(serially)
        key = self._shared_key or _key(self)
        found = shared.get(key)
        if found is not None:
            result, reads = found
            for participant_id, fields in reads.items():
                for name in fields:
                    access.record(participant_id, name)
            return result
        earlier = access.take()
        outcome = super().execute_operation(serially)

        def keep(result: Any) -> Any:
            reads = access.take()
            for participant_id, fields in (*earlier.items(), *reads.items()):
                for name in fields:
                    access.record(participant_id, name)
            if isinstance(result, ExecutionResult) and not result.errors:
                if isinstance(result.data, dict):
                    result.data = SharedData(result.data)
                shared[key] = (result, {p: frozenset(f) for p, f in reads.items()})
            return result

        if self.is_awaitable(outcome):

            async def finish() -> Any:
                return keep(await outcome)

            return finish()
        return keep(outcome)


def _key(executor: Executor) -> tuple[str, str]:
    document = print_ast(executor.operation) + "".join(
        print_ast(f) for _, f in sorted(executor.fragment_definitions.items())
    )
    variables = json.dumps(
        executor.variable_values.coerced,
        sort_keys=True,
        default=str,
    )
    return document, variables
