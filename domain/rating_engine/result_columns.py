"""A season's results as columns, for the full recompute.

Five million results as Python tuples cost more to build and walk than everything
else the recompute does with them, so the full recompute reads them as integer
columns (PostgreSQL sends them as binary COPY) and prices, selects and fingerprints
them with numpy. Codes: a status is its index in `STATUS_CODES` (WINNER = 1 …), a
completion its index in `COMPLETION_CODES` (0 = none), a missing place is 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from domain.rating_engine.inputs import ResultInput
from domain.rating_engine.items import COMPLETION_CODES, STATUS_CODES
from domain.rating_engine.pricing import EventField, field_from_counts

I64 = npt.NDArray[np.int64]
STATUS_NAMES: tuple[str | None, ...] = tuple(sorted(STATUS_CODES, key=lambda s: STATUS_CODES[s]))
COMPLETION_NAMES: tuple[str | None, ...] = tuple(
    sorted(COMPLETION_CODES, key=lambda c: COMPLETION_CODES[c])
)


@dataclass
class ResultColumns:
    id: I64
    event: I64
    participant: I64
    status: I64
    place: I64
    completion: I64
    scores: Mapping[int, Decimal] = field(default_factory=dict)
    """Result id → score, for every scored result of an event where some result has
    a score but no place (only there do scores decide places)."""

    def __len__(self) -> int:
        return len(self.id)

    @classmethod
    def empty(cls) -> ResultColumns:
        nothing = np.zeros(0, dtype=np.int64)
        return cls(nothing, nothing, nothing, nothing, nothing, nothing)

    @classmethod
    def from_inputs(cls, rows: Sequence[ResultInput]) -> ResultColumns:
        """Columns of records in memory (SQLite, tests)."""
        score_only = {r.event_id for r in rows if r.place is None and r.score is not None}
        return cls(
            np.array([r.id for r in rows], dtype=np.int64),
            np.array([r.event_id for r in rows], dtype=np.int64),
            np.array([r.participant_id for r in rows], dtype=np.int64),
            np.array([STATUS_CODES[r.status] for r in rows], dtype=np.int64),
            np.array([r.place or 0 for r in rows], dtype=np.int64),
            np.array([COMPLETION_CODES[r.completion] for r in rows], dtype=np.int64),
            {r.id: r.score for r in rows if r.score is not None and r.event_id in score_only},
        )


@dataclass
class Fields:
    """Every event's field (`EventField`), and per result the number of results
    sharing its place (0 where it has none)."""

    by_event: dict[int, EventField]
    ties: I64


def fields_of_columns(columns: ResultColumns) -> Fields:
    """The same fields as `inputs.fields_of_results` makes of the same records."""
    if len(columns) == 0:
        return Fields({}, np.zeros(0, dtype=np.int64))
    events, counts = np.unique(columns.event, return_counts=True)
    placed = columns.place > 0
    keys = (columns.event << 32) | columns.place
    groups, inverse, held = np.unique(keys[placed], return_inverse=True, return_counts=True)
    ties = np.zeros(len(columns), dtype=np.int64)
    ties[placed] = held[inverse]
    highest: dict[int, int] = {}
    shared: dict[int, dict[int, int]] = {}
    if len(groups):
        group_events = groups >> 32
        group_places = groups & 0xFFFFFFFF
        last = np.r_[group_events[1:] != group_events[:-1], True]
        highest = dict(zip(group_events[last].tolist(), group_places[last].tolist(), strict=True))
        several = held > 1
        for event_id, place, count in zip(
            group_events[several].tolist(),
            group_places[several].tolist(),
            held[several].tolist(),
            strict=True,
        ):
            shared.setdefault(event_id, {})[place] = count
    scores: dict[int, dict[Decimal, int]] = {}
    if columns.scores:
        scored = np.isin(columns.id, np.fromiter(columns.scores, dtype=np.int64))
        for result_id, event_id in zip(
            columns.id[scored].tolist(), columns.event[scored].tolist(), strict=True
        ):
            found = scores.setdefault(event_id, {})
            score = columns.scores[result_id]
            found[score] = found.get(score, 0) + 1
    return Fields(
        {
            event_id: field_from_counts(
                count, highest.get(event_id), shared.get(event_id, {}), scores.get(event_id, {})
            )
            for event_id, count in zip(events.tolist(), counts.tolist(), strict=True)
        },
        ties,
    )
