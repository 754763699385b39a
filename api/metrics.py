"""Prometheus metrics, one registry per app (no global state across app instances)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """HTTP requests, GraphQL operations by name, and errors by contract code."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "talent_http_requests_total",
            "HTTP requests by route and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_latency = Histogram(
            "talent_http_request_duration_seconds",
            "HTTP request latency by route",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.operations = Counter(
            "talent_graphql_operations_total",
            "GraphQL operations by operation name and type",
            ["operation", "type"],
            registry=self.registry,
        )
        self.operation_latency = Histogram(
            "talent_graphql_operation_duration_seconds",
            "GraphQL operation latency by operation name",
            ["operation", "type"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "talent_graphql_errors_total",
            "GraphQL errors by contract code",
            ["code"],
            registry=self.registry,
        )

    def record(self, operation: str, kind: str, seconds: float, error_codes: list[str]) -> None:
        self.operations.labels(operation, kind).inc()
        self.operation_latency.labels(operation, kind).observe(seconds)
        for code in error_codes:
            self.errors.labels(code).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
