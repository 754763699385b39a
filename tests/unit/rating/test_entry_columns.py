"""The column comparison of a full recompute equals the object one it replaced:
`rank_all` for ranks and tiers, `row_changed` for rows, `diff` for rating events."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rating_engine.boards import row_changed
from domain.rating_engine.entry_columns import EntryColumns, compare, rank_columns
from domain.rating_engine.ports import EntryWrite, StoredEntry
from domain.rating_engine.rules import parse_rules
from domain.rating_engine.standings import Standing, TierRules, diff, rank_all
from domain.ratings import Tier
from migrations.reference_data import rating_rules_v1

TIERS = TierRules.of(parse_rules(rating_rules_v1()))
scores = st.sampled_from([0, 100, 3999, 4000, 4500, 9000, 12000])
entries = st.dictionaries(
    st.integers(1, 60),
    st.tuples(scores, st.booleans(), st.integers(0, 3).map(lambda d: f"{d:016x}" if d else None)),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(entries, entries)
def test_compare_equals_the_object_comparison(
    before: dict[int, tuple[int, bool, str | None]], after: dict[int, tuple[int, bool, str | None]]
) -> None:
    old_standings = rank_all({p: s for p, (s, r, _) in before.items() if r}, TIERS)
    old = {
        p: StoredEntry(p, s, r, old_standings[p].rank if r else None,
                       old_standings[p].tier if r else Tier.NONE, d)
        for p, (s, r, d) in before.items()
    }  # fmt: skip
    pids = sorted(after)
    score = np.array([after[p][0] for p in pids], dtype=np.int64)
    ranked = np.array([after[p][1] for p in pids], dtype=np.bool_)
    digests = np.array([int(after[p][2] or "1", 16) for p in pids], dtype=np.uint64)
    found = compare(EntryColumns.of(old), np.array(pids, dtype=np.int64), score, ranked, digests,
                    TIERS)  # fmt: skip
    standings = rank_all({p: s for p, (s, r, _) in after.items() if r}, TIERS)
    rank, tier = rank_columns(score, ranked, TIERS)
    for i, p in enumerate(pids):
        expected = standings.get(p)
        assert (int(rank[i]), Tier.NONE if expected is None else expected.tier) == (
            (expected.rank, expected.tier) if expected else (0, Tier.NONE)
        )
        assert (tier[i] != 0) == (expected is not None and expected.tier is not Tier.NONE)
    rows = [
        EntryWrite(p, after[p][0], after[p][1], standings.get(p), after[p][2] or f"{1:016x}")
        for p in pids
    ]
    assert found.entries == [row for row in rows if row_changed(old.get(row.participant_id), row)]
    assert found.rewritten == {
        row.participant_id for row in rows
        if row.participant_id not in old or old[row.participant_id].digest != row.digest
    }  # fmt: skip
    assert found.deletes == sorted(p for p in old if p not in after)
    old_ranked = {p: Standing(e.score, e.rank or 0, e.tier) for p, e in old.items() if e.ranked}
    assert found.events == diff(old_ranked, standings)
    assert found.ranked_count == len(standings)
