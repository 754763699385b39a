"""The rating engine: pure pricing, selection and standings (rating.md).

Framework-free and exact (`Decimal`): the same inputs and rules version always
give the same numbers, whether a board is recomputed in full or incrementally.

- `rules`      the versioned rules document, parsed into a frozen dataclass
- `pricing`    one result or achievement → its factors and points
- `selection`  once per event and per series, best-N, the participant's score
- `standings`  ranks with shared places, tiers that never split ties, and the
               incremental `Board` that finds exactly what a change moves
- `explain`    percentile, distance to the next tier
- `inputs`     what persistence hands the engine (events, results, achievements)
"""
