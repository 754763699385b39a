"""A schema extension that reports each operation's name, duration and error codes."""

from __future__ import annotations

import time
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from graphql_schema.context import Context


class OperationMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        ec = self.execution_context
        context = ec.context
        if not isinstance(context, Context):
            return
        name = ec.operation_name or "anonymous"
        try:
            kind = ec.operation_type.value
        except Exception:
            kind = "invalid"
        errors = getattr(ec.result, "errors", None) or []
        codes = [str((e.extensions or {}).get("code", "INTERNAL_SERVER_ERROR")) for e in errors]
        if isinstance(context.request, object) and hasattr(context.request, "scope"):
            context.request.scope.setdefault("state", {})["operation"] = name
        context.services.observer.record(name[:100], kind, time.perf_counter() - started, codes)
