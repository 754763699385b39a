"""`selection.select` for a whole board at once: the full recompute's form.

The same rules, as sorts: items ordered best first per participant (more points, a
result before an achievement, the older record); the first item of each series
counts for it (`SAME_EVENT` / `SAME_SERIES` for the others); the best N of those
count; explanation order puts the counted items first. Digests are the same fold
`Selection.digest` computes, so a stored entry written by either path compares
equal when nothing changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from domain.rating_engine.fingerprint import ENTRY_SEED, U64, digest_text, fold, fold_columns
from domain.rating_engine.item_columns import ItemColumns
from domain.rating_engine.selection import REASON_CODES, NotCounted, Selection

I64 = npt.NDArray[np.int64]
_REASONS: dict[int, NotCounted | None] = {code: reason for reason, code in REASON_CODES.items()}
_SAME_EVENT = REASON_CODES[NotCounted.SAME_EVENT]
_SAME_SERIES = REASON_CODES[NotCounted.SAME_SERIES]
_BEYOND = REASON_CODES[NotCounted.BEYOND_BEST_N]


@dataclass
class SelectionColumns(Mapping[int, Selection]):
    """Every participant's selection on one board: items in explanation order,
    grouped by participant (ascending ids). As a mapping it gives `Selection`
    objects one at a time, built on demand (tests, small boards); the full recompute
    reads the columns."""

    participants: I64
    starts: I64
    counts: I64
    scores: I64
    """Cents."""
    digests: U64
    item_columns: ItemColumns
    reasons: I64
    only: frozenset[int] | None = None
    """When set, the mapping holds only these participants (what a write rewrites)."""

    def restricted(self, participants: frozenset[int]) -> SelectionColumns:
        return SelectionColumns(
            self.participants,
            self.starts,
            self.counts,
            self.scores,
            self.digests,
            self.item_columns,
            self.reasons,
            participants,
        )

    def positions(self) -> I64:
        """Indexes of the participants the mapping holds."""
        if self.only is None:
            return np.arange(len(self.participants), dtype=np.int64)
        wanted = np.fromiter(self.only, dtype=np.int64)
        return np.nonzero(np.isin(self.participants, wanted))[0]

    def _position(self, participant_id: int) -> int | None:
        if self.only is not None and participant_id not in self.only:
            return None
        i = int(np.searchsorted(self.participants, participant_id))
        if i < len(self.participants) and int(self.participants[i]) == participant_id:
            return i
        return None

    def __getitem__(self, participant_id: int) -> Selection:
        i = self._position(participant_id)
        if i is None:
            raise KeyError(participant_id)
        start, count = int(self.starts[i]), int(self.counts[i])
        span = range(start, start + count)
        return Selection(
            Decimal(int(self.scores[i])).scaleb(-2),
            tuple(self.item_columns.item(k) for k in span),
            tuple(_REASONS[int(self.reasons[k])] for k in span),
        )

    def __iter__(self) -> Iterator[int]:
        return iter(self.participants[self.positions()].tolist())

    def __len__(self) -> int:
        return len(self.positions())

    def digest_texts(self) -> list[str]:
        return [digest_text(v) for v in self.digests.tolist()]


def select_columns(items: ItemColumns, best_n: int, rules_version: int) -> SelectionColumns:
    n = len(items)
    is_achievement = (items.result_id == 0).astype(np.int64)
    record = np.where(items.result_id > 0, items.result_id, items.achievement_id)
    order = np.lexsort((record, is_achievement, -items.cents, items.participant))
    pid, group = items.participant[order], items.group[order]
    # the first item (best) of each participant's group counts for the group
    by_group = np.lexsort((np.arange(n), group, pid))
    first = np.ones(n, dtype=np.bool_)
    if n:
        first[1:] = (pid[by_group][1:] != pid[by_group][:-1]) | (
            group[by_group][1:] != group[by_group][:-1]
        )
    winner_of = np.empty(n, dtype=np.int64)
    winner_of[by_group] = by_group[first][np.cumsum(first) - 1]
    winner = np.zeros(n, dtype=np.bool_)
    winner[by_group[first]] = True
    event = items.event[order]
    reasons = np.where(event == event[winner_of], _SAME_EVENT, _SAME_SERIES)
    # the best N winners of each participant count
    new_participant = np.ones(n, dtype=np.bool_)
    if n:
        new_participant[1:] = pid[1:] != pid[:-1]
    starts = np.nonzero(new_participant)[0]
    won = np.cumsum(winner)
    before: I64 = np.repeat(won[starts] - winner[starts], np.diff(np.r_[starts, n]))
    counted = winner & (won - before <= best_n)
    reasons = np.where(counted, 0, np.where(winner, _BEYOND, reasons))
    # explanation order: counted first, each part best first
    explained = np.lexsort((np.arange(n), ~counted, pid))
    final = order[explained]
    reasons = reasons[explained]
    taken = items.take(final)
    counts = np.diff(np.r_[starts, n])
    scores = (
        np.add.reduceat(np.where(counted, items.cents[order], 0), starts)
        if n
        else np.zeros(0, dtype=np.int64)
    )
    return SelectionColumns(
        participants=pid[starts],
        starts=starts,
        counts=counts,
        scores=scores,
        digests=_digests(taken, reasons, starts, counts, rules_version),
        item_columns=taken,
        reasons=reasons,
    )


def _digests(items: ItemColumns, reasons: I64, starts: I64, counts: I64, rules_version: int) -> U64:
    """`Selection.digest` per participant: the fold, position by position."""
    values = (items.keys() << np.uint64(2)) + reasons.astype(np.uint64)
    h = np.full(len(starts), fold(ENTRY_SEED, rules_version), dtype=np.uint64)
    active = np.arange(len(starts))
    step = 0
    while len(active):
        active = active[counts[active] > step]
        if not len(active):
            break
        h[active] = fold_columns(h[active], values[starts[active] + step])
        step += 1
    return h
