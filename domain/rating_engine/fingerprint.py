"""The 64-bit fingerprints behind an entry's digest, computed the same way one item at
a time (the incremental path) and a million at a time (the full recompute, numpy).

An entry's digest says whether its stored explanation needs a rewrite: equal digests
mean every shown field of every item is the same. Python's `hash` of a tuple cannot be
reproduced in numpy, so the fingerprint is an explicit fold over non-negative integers
with wrap-around 64-bit arithmetic — `(h ^ x) · K mod 2⁶⁴`, then `h ^ (h >> 31)` —
that both forms compute bit for bit. It detects change; it is not a security hash.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

MASK = (1 << 64) - 1
MULTIPLIER = 0x9E3779B97F4A7C15
ITEM_SEED = 0x243F6A8885A308D3
ENTRY_SEED = 0x13198A2E03707344

U64 = npt.NDArray[np.uint64]


def fold(h: int, x: int) -> int:
    """One step of the fold on Python integers (x ≥ 0, below 2⁶⁴)."""
    h = ((h ^ x) * MULTIPLIER) & MASK
    return h ^ (h >> 31)


def fold_all(seed: int, values: tuple[int, ...]) -> int:
    h = seed
    for x in values:
        h = ((h ^ x) * MULTIPLIER) & MASK
        h ^= h >> 31
    return h


def fold_columns(h: U64, x: npt.NDArray[np.integer]) -> U64:
    """The same step on arrays (uint64 multiplication wraps, as `& MASK` does)."""
    with np.errstate(over="ignore"):
        h = (h ^ x.astype(np.uint64, copy=False)) * np.uint64(MULTIPLIER)
    return h ^ (h >> np.uint64(31))


def entry_value(key: int, reason_code: int) -> int:
    """What one item adds to its entry's digest: its key and why it is (not) counted."""
    return ((key << 2) + reason_code) & MASK


def digest_text(value: int) -> str:
    return f"{value:016x}"
