"""The full recompute's explanations as COPY text, assembled by numpy.

Formatting six million contributions one f-string at a time took ~24 s of a
recompute. Here each field of every item becomes a small byte matrix (right-aligned,
with its leading padding per row): numbers through vectorised digit extraction, everything
that repeats (the event side, statuses, factors, points, reasons) through lookup
tables of pre-formatted bytes. The matrices are laid side by side and the valid
bytes taken in row order, which is exactly the concatenation of the fields — the
same text `explanations.encode` writes, character for character (a test compares
them), as `entry_id<TAB>item;item;…<NEWLINE>` lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

from domain.rating_engine.item_columns import BASES
from domain.rating_engine.items import points_decimal, shown_decimal
from domain.rating_engine.result_columns import COMPLETION_NAMES, STATUS_NAMES
from domain.rating_engine.selection import REASON_CODES
from domain.rating_engine.selection_columns import SelectionColumns
from persistence.rating_store.explanations import (
    BASES_SHORT,
    COMPLETIONS,
    LEVELS,
    REASONS,
    STATUSES,
    number,
    short,
)

I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
Piece = tuple[U8, I64]
"""Bytes per row, right-aligned, and how many padding bytes lead each row: a row's
bytes are `matrix[row, skip[row]:]`. Right-aligned, digits are written a column at a
time with no per-row indexing, and a matrix is only as wide as its longest row."""

CHUNK_ITEMS = 250_000
_POWERS = np.array([10**k for k in range(1, 19)], dtype=np.int64)


def digits(values: I64, *, blank_zero: bool, then: bytes = b"") -> Piece:
    """Decimal digits of non-negative integers (nothing for 0 when `blank_zero`),
    followed by `then`."""
    n = len(values)
    count = np.searchsorted(_POWERS, values, side="right") + 1
    if blank_zero:
        count = np.where(values == 0, 0, count)
    width = int(count.max()) if n else 0
    matrix = np.empty((n, width + len(then)), dtype=np.uint8)
    rest = values.copy()
    for column in range(width - 1, -1, -1):
        matrix[:, column] = 48 + rest % 10
        rest //= 10
    for j, byte in enumerate(then):
        matrix[:, width + j] = byte
    return matrix, width - count


def table(texts: Sequence[bytes]) -> Piece:
    """Pre-formatted bytes, to be indexed by a code per row."""
    width = max((len(t) for t in texts), default=0)
    matrix = np.zeros((len(texts), width), dtype=np.uint8)
    for i, text in enumerate(texts):
        matrix[i, width - len(text) :] = np.frombuffer(text, dtype=np.uint8)
    return matrix, np.array([width - len(t) for t in texts], dtype=np.int64)


def take(piece: Piece, index: I64) -> Piece:
    matrix, skip = piece
    return matrix[index], skip[index]


def concatenate(pieces: Sequence[Piece]) -> bytes:
    """Each row's pieces one after another, rows one after another."""
    rows = len(pieces[0][1]) if pieces else 0
    total = sum(m.shape[1] for m, _ in pieces)
    out = np.empty((rows, total), dtype=np.uint8)
    valid = np.empty((rows, total), dtype=np.bool_)
    column = 0
    for matrix, skip in pieces:
        width = matrix.shape[1]
        out[:, column : column + width] = matrix
        np.greater_equal(
            np.arange(width)[None, :], skip[:, None], out=valid[:, column : column + width]
        )
        column += width
    return out[valid].tobytes()


def copy_lines(
    chosen: SelectionColumns, entry_ids: I64, chunk_items: int = CHUNK_ITEMS
) -> Iterator[bytes]:
    """COPY text for `rating_explanations (entry_id, items)` of every selection the
    columns hold; `entry_ids` gives each held participant's entry, in order."""
    items = chosen.item_columns
    positions = chosen.positions()
    counts = chosen.counts[positions]
    starts = chosen.starts[positions]
    shown = items.shown_table
    levels = table([f"{short(LEVELS, s.level)},".encode() for s in shown])
    tails = table([f"{number(s.field_factor)},{number(s.relevance)},".encode() for s in shown])
    statuses, completions, bases = len(STATUS_NAMES), len(COMPLETION_NAMES), len(BASES)
    middles = table(
        [
            f",{s.field_size},{short(STATUSES, st)},{short(COMPLETIONS, co)},"
            f"{short(BASES_SHORT, ba)},{number(s.level_weight)},".encode()
            for s in shown
            for st in STATUS_NAMES
            for co in COMPLETION_NAMES
            for ba in BASES
        ]
    )
    reasons = sorted(REASON_CODES.items(), key=lambda pair: pair[1])
    ends = table([f"{short(REASONS, r)}{end}".encode() for r, _ in reasons for end in (";", "\n")])
    owner_of = np.repeat(np.arange(len(counts)), counts)
    offsets = np.cumsum(counts) - counts
    within = np.arange(int(counts.sum())) - np.repeat(offsets, counts)
    at = np.repeat(starts, counts) + within
    last = within == np.repeat(counts - 1, counts)
    for begin in range(0, len(at), chunk_items):
        part = at[begin : begin + chunk_items]
        owner = owner_of[begin : begin + chunk_items]
        factors, factor_of = np.unique(items.factor[part], return_inverse=True)
        points, points_of = np.unique(items.cents[part], return_inverse=True)
        prefix_matrix, prefix_skip = digits(entry_ids[owner], blank_zero=False, then=b"\t")
        first = within[begin : begin + chunk_items] == 0
        prefix_skip = np.where(first, prefix_skip, prefix_matrix.shape[1])
        s = items.shown[part]
        combo = ((s * statuses + items.status[part]) * completions + items.completion[part]) * (
            bases
        ) + items.basis[part]
        yield concatenate(
            [
                (prefix_matrix, prefix_skip),
                digits(items.event[part], blank_zero=True, then=b","),
                digits(items.result_id[part], blank_zero=True, then=b","),
                digits(items.achievement_id[part], blank_zero=True, then=b","),
                take(levels, s),
                digits(items.place[part], blank_zero=True, then=b","),
                digits(items.ties[part], blank_zero=True),
                take(middles, combo),
                take(
                    table([f"{number(shown_decimal(f))},".encode() for f in factors.tolist()]),
                    factor_of,
                ),
                take(tails, s),
                take(
                    table([f"{number(points_decimal(c))},".encode() for c in points.tolist()]),
                    points_of,
                ),
                take(ends, chosen.reasons[part] * 2 + last[begin : begin + chunk_items]),
            ]
        )
