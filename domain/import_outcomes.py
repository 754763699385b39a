"""Where each imported row ends: APPLIED, UNMATCHED or INVALID, and why.

`settle` is the one place that decides it for a batch of rows, from what the
database answered (matches, earlier rows of the same file, earlier moderator
choices); it is pure, so the rules are tested without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.imports import Identifier, ParsedRow, RowReason


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
            message = f"the same row as row {earlier}"
            outcomes.append(
                RowOutcome(row, "INVALID", None, reason_text(RowReason.DUPLICATE_ROW, message))
            )
            continue
        keys[row.row_key] = row.row_number
        found = matches.of(row.identifier)
        participant = found[0] if len(found) == 1 else resolved.get(row.row_key)
        if participant is None:
            if found:
                reason, message = (
                    RowReason.AMBIGUOUS_PARTICIPANT,
                    ("more than one participant matches; a moderator will choose"),
                )
            else:
                reason, message = RowReason.UNKNOWN_PARTICIPANT, "no participant matches"
            outcomes.append(RowOutcome(row, "UNMATCHED", None, reason_text(reason, message)))
            continue
        earlier = seen_participants.get(participant) or participants.get(participant)
        if earlier:
            message = f"this participant already has a result in row {earlier}"
            outcomes.append(
                RowOutcome(row, "INVALID", None, reason_text(RowReason.DUPLICATE_ROW, message))
            )
            continue
        participants[participant] = row.row_number
        outcomes.append(RowOutcome(row, "APPLIED", participant))
    return outcomes
