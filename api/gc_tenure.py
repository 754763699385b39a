"""Tenure the server's startup objects so the garbage collector leaves them alone.

Why. After startup a `talent serve` process holds over 200,000 long-lived
container objects (the GraphQL schema, SQLAlchemy's mappings and compiled caches,
the rating consumer's boards). Every full (generation 2) collection walks all of
them — 57–68 ms for the ~223,000 objects of a freshly created app, ~0 ms after
`gc.freeze()` (measured 2026-12-07: `create_app()`, then `gc.collect()` timed five
times) — and with CPython's default thresholds (700, 10, 10) a rating fan-out that
allocates a message per subscriber can trigger one in the middle of a batch, while
500 subscribers wait. The latency benchmark's A/B with and without this setting was
inconclusive (docs/benchmarks.md), so it stays off by default.

`gc.freeze()` moves everything alive after startup into the permanent generation,
which collections never scan; higher thresholds make the young generations'
collections rarer, so the garbage of one fan-out is usually gone by reference
counting before any collection runs. Cycles are still collected, just later.
Off by default (`TALENT_GC_TENURE`): it trades some memory for latency.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger("talent.app")

THRESHOLDS = (50_000, 50, 100)
"""Generation 0 allocations, then generation 0 and 1 collections between the next
generation's; CPython's defaults are (700, 10, 10)."""


def tenure_startup_objects(enabled: bool) -> None:
    """Collect once, freeze what is left, raise the thresholds (when `enabled`)."""
    if not enabled:
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    log.info(
        "startup objects tenured",
        extra={"fields": {"frozen": gc.get_freeze_count(), "thresholds": THRESHOLDS}},
    )
