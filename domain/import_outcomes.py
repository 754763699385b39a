"""Where each imported row ends: APPLIED, UNMATCHED or INVALID, and why.

`settle` is the one place that decides it for a batch of rows, from what the
database answered (matches, earlier rows of the same file, earlier moderator
choices); it is pure, so the rules are tested without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from domain.imports import Identifier, ParsedRow, RowReason

SAME_ROW = "the same row as row {row}"
SAME_PARTICIPANT = "this participant already has a result in row {row}"
AMBIGUOUS = "more than one participant matches; a moderator will choose"
NOBODY = "no participant matches"
"""The words of the reasons `settle` gives; a database that settles rows itself
(PostgreSQL, `persistence/imports/postgres.py`) fills in the same `{row}`."""


def reason_text(reason: RowReason, message: str) -> str:
    """Stored as `CODE: message`, so both the code and the words survive."""
    return f"{reason.value}: {message}"


def split_reason(text: str | None) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    code, _, message = text.partition(": ")
    return (code, message) if code in RowReason.__members__ else (None, text)


@dataclass(slots=True)
class RowOutcome:
    """Where a row ended: APPLIED to a participant, UNMATCHED, or INVALID, and why."""

    row: ParsedRow
    state: str  # ImportRowState value
    participant_id: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class StagedChunk:
    """A chunk after the lookups that no earlier chunk can change — which participants
    each identifier names, and earlier moderator choices — and before it is settled
    against the earlier rows of its batch and stored. A database that keeps these in
    the chunk's own transaction (PostgreSQL: a temporary table) leaves them empty."""

    rows: Sequence[ParsedRow]
    matches: Matches | None = None
    resolved: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ChunkOutcome:
    """What storing a chunk of rows did: how many rows ended in each state (the batch
    counter names) and the participants whose result was created or changed."""

    counts: dict[str, int]
    changed: list[int] = field(default_factory=list)


def count_states(outcomes: Sequence[RowOutcome]) -> dict[str, int]:
    """The batch counters a chunk adds: `total_rows` and one per state."""
    counts = {"total_rows": len(outcomes), "applied_rows": 0, "unmatched_rows": 0,
              "invalid_rows": 0}  # fmt: skip
    for outcome in outcomes:
        counts[f"{outcome.state.lower()}_rows"] += 1
    return counts


_NONE: list[int] = []


@dataclass(frozen=True)
class Matches:
    """Participants each identifier key matched (none, one, or several)."""

    by_key: dict[str, list[int]]

    def of(self, identifier: Identifier) -> list[int]:
        return self.by_key.get(identifier.text, _NONE)


def settle(
    rows: Sequence[ParsedRow],
    matches: Matches,
    resolved: dict[str, int],
    seen_participants: dict[int, int],
    seen_keys: dict[str, int],
) -> list[RowOutcome]:
    """Give every row of a batch its final state, in file order.

    A row is a duplicate when an earlier row of the same file had the same key, or
    already gave this participant a result; the first one wins. An identifier that
    matches nobody, or several participants, leaves the row UNMATCHED for a
    moderator, unless a moderator already resolved the very same row before.
    """
    outcomes: list[RowOutcome] = []
    participants: dict[int, int] = {}
    keys: dict[str, int] = {}
    for row in rows:
        if row.identifier is None or row.values is None:
            reason = row.reason or RowReason.MISSING_IDENTIFIER
            outcomes.append(
                RowOutcome(row, "INVALID", None, reason_text(reason, row.message or ""))
            )
            continue
        earlier = seen_keys.get(row.row_key) or keys.get(row.row_key)
        if earlier:
            message = SAME_ROW.format(row=earlier)
            outcomes.append(
                RowOutcome(row, "INVALID", None, reason_text(RowReason.DUPLICATE_ROW, message))
            )
            continue
        keys[row.row_key] = row.row_number
        found = matches.of(row.identifier)
        participant = found[0] if len(found) == 1 else resolved.get(row.row_key)
        if participant is None:
            if found:
                reason, message = RowReason.AMBIGUOUS_PARTICIPANT, AMBIGUOUS
            else:
                reason, message = RowReason.UNKNOWN_PARTICIPANT, NOBODY
            outcomes.append(RowOutcome(row, "UNMATCHED", None, reason_text(reason, message)))
            continue
        earlier = seen_participants.get(participant) or participants.get(participant)
        if earlier:
            message = SAME_PARTICIPANT.format(row=earlier)
            outcomes.append(
                RowOutcome(row, "INVALID", None, reason_text(RowReason.DUPLICATE_ROW, message))
            )
            continue
        participants[participant] = row.row_number
        outcomes.append(RowOutcome(row, "APPLIED", participant))
    return outcomes
