"""A board's stored entries and new standings as columns: the full recompute's
comparison, without an object per participant.

`rank_columns` is `standings.rank_all` as sorts (competition ranking; a group of equal
scores takes a tier whole or not at all), and `compare` finds what `row_changed` and
`standings.diff` find, building objects only for the rows that changed — none at all
when a recompute changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from domain.rating_engine.fingerprint import U64, digest_text
from domain.rating_engine.ports import EntryWrite, StoredEntry
from domain.rating_engine.standings import Standing, StandingChange, TierRules
from domain.ratings import Tier

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
TIERS: tuple[Tier, ...] = (Tier.NONE, Tier.WINNER, Tier.PRIZE_WINNER)
"""Tier codes: the index here."""
_CODE = {tier: code for code, tier in enumerate(TIERS)}


@dataclass
class EntryColumns:
    """Stored entries of one board, by ascending participant; 0 = no rank / digest."""

    participant: I64
    score: I64
    ranked: Bools
    rank: I64
    tier: I64
    digest: U64

    @classmethod
    def of(cls, entries: Mapping[int, StoredEntry]) -> EntryColumns:
        rows = sorted(entries.values(), key=lambda e: e.participant_id)
        return cls(
            np.array([e.participant_id for e in rows], dtype=np.int64),
            np.array([e.score for e in rows], dtype=np.int64),
            np.array([e.ranked for e in rows], dtype=np.bool_),
            np.array([e.rank or 0 for e in rows], dtype=np.int64),
            np.array([_CODE[e.tier] for e in rows], dtype=np.int64),
            np.array([int(e.digest, 16) if e.digest else 0 for e in rows], dtype=np.uint64),
        )


def rank_columns(scores: I64, ranked: Bools, tiers: TierRules) -> tuple[I64, I64]:
    """(rank, tier code) of every row; rank 0 and NONE for rows not ranked."""
    rank = np.zeros(len(scores), dtype=np.int64)
    tier = np.zeros(len(scores), dtype=np.int64)
    rows = np.nonzero(ranked)[0]
    count = len(rows)
    if count == 0:
        return rank, tier
    order = rows[np.argsort(-scores[rows], kind="stable")]
    ordered = scores[order]
    new_group = np.r_[True, ordered[1:] != ordered[:-1]]
    starts = np.nonzero(new_group)[0]
    ends = np.r_[starts[1:], count]
    group = np.cumsum(new_group) - 1
    last = ends[group]
    winners, both = tiers.quotas(count)
    code = np.where(
        ordered < tiers.min_cents,
        _CODE[Tier.NONE],
        np.where(
            last <= winners,
            _CODE[Tier.WINNER],
            np.where(last <= both, _CODE[Tier.PRIZE_WINNER], _CODE[Tier.NONE]),
        ),
    )
    rank[order] = starts[group] + 1
    tier[order] = code
    return rank, tier


@dataclass
class Comparison:
    entries: list[EntryWrite]
    rewritten: frozenset[int]
    deletes: list[int]
    events: list[StandingChange]
    ranked_count: int


def compare(
    old: EntryColumns,
    participants: I64,
    scores: I64,
    ranked: Bools,
    digests: U64,
    tiers: TierRules,
) -> Comparison:
    """What a full recompute writes: rows that changed, explanations whose digest
    changed, entries that disappeared, and one event per changed standing."""
    rank, tier = rank_columns(scores, ranked, tiers)
    if len(old.participant):
        at = np.minimum(np.searchsorted(old.participant, participants), len(old.participant) - 1)
        found = old.participant[at] == participants
        same_digest = found & (old.digest[at] == digests)
        changed = ~same_digest | (
            (old.score[at] != scores)
            | (old.ranked[at] != ranked)
            | (old.rank[at] != rank)
            | (old.tier[at] != tier)
        )
    else:
        same_digest = np.zeros(len(participants), dtype=np.bool_)
        changed = ~same_digest
    entries = [
        EntryWrite(
            pid,
            score,
            is_ranked,
            Standing(score, position, TIERS[code]) if is_ranked else None,
            digest_text(digest),
        )
        for pid, score, is_ranked, position, code, digest in zip(
            participants[changed].tolist(),
            scores[changed].tolist(),
            ranked[changed].tolist(),
            rank[changed].tolist(),
            tier[changed].tolist(),
            digests[changed].tolist(),
            strict=True,
        )
    ]
    kept = np.isin(old.participant, participants)
    return Comparison(
        entries=entries,
        rewritten=frozenset(participants[~same_digest].tolist()),
        deletes=old.participant[~kept].tolist(),
        events=_events(old, participants, scores, ranked, rank, tier),
        ranked_count=int(ranked.sum()),
    )


def _events(
    old: EntryColumns, participants: I64, scores: I64, ranked: Bools, rank: I64, tier: I64
) -> list[StandingChange]:
    """`standings.diff` of the old and new ranked standings."""
    was = old.ranked
    before = (old.participant[was], old.score[was], old.rank[was], old.tier[was])
    after = (participants[ranked], scores[ranked], rank[ranked], tier[ranked])
    everyone = np.union1d(before[0], after[0])
    columns = []
    for pids, *values in (before, after):
        at = np.searchsorted(pids, everyone)
        clipped = np.minimum(at, max(len(pids) - 1, 0))
        present = (pids[clipped] == everyone) if len(pids) else np.zeros(len(everyone), np.bool_)
        picked = [v[clipped] if len(pids) else np.zeros(len(everyone), np.int64) for v in values]
        columns.append((present, *picked))
    (had, s0, r0, t0), (has, s1, r1, t1) = columns
    moved = (had != has) | (had & has & ((s0 != s1) | (r0 != r1) | (t0 != t1)))
    changes = []
    for pid, a, sa, ra, ta, b, sb, rb, tb in zip(
        *(c[moved].tolist() for c in (everyone, had, s0, r0, t0, has, s1, r1, t1)), strict=True
    ):
        changes.append(
            StandingChange(
                pid,
                Standing(sa, ra, TIERS[ta]) if a else None,
                Standing(sb, rb, TIERS[tb]) if b else None,
            )
        )
    return changes
