"""The full recomputation of a season's boards (`talent ratings recompute`, and the
admins' `recomputeRatings` mutation).

The season's results are read once, in batches, and priced for every requested
direction; each board is then selected, ranked and compared with what is stored,
and only what differs is written: entries whose row changed, contributions whose
digest changed, and one rating event per participant whose points, rank or tier
changed, under one batch id with a batch-complete marker. A board switches to the
latest published rules here (and only here), so one board never mixes versions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from domain.errors import Conflict, InvalidInput
from domain.rating_engine.boards import (
    ItemsByParticipant,
    entry_write,
    new_batch_id,
    price_achievements,
    price_results_everywhere,
    row_changed,
)
from domain.rating_engine.inputs import Pricer, ResultInput, fields_of_results
from domain.rating_engine.ports import BoardState, BoardWrite, RatingStore, WriteOutcome
from domain.rating_engine.pricing import cents
from domain.rating_engine.selection import Selection, select
from domain.rating_engine.standings import Standing, TierRules, diff, rank_all

Progress = Callable[[str, int, int | None], None]
"""(stage, rows done since the last call, total if known): drives a progress bar."""

RESULT_BATCH = 20_000


def _quiet(stage: str, done: int, total: int | None) -> None:
    return None


async def recompute_season(
    store: RatingStore,
    season: str,
    directions: Sequence[str] | None,
    now: datetime,
    progress: Progress = _quiet,
) -> list[WriteOutcome]:
    """Recompute the boards of one season (all directions, or those named) in the
    store's transaction; the caller commits."""
    if season not in await store.open_seasons():
        raise Conflict(f"Season {season} is closed or unknown: its standings are frozen.")
    known = await store.direction_codes()
    wanted = list(directions) if directions else known
    unknown = [d for d in wanted if d not in known]
    if unknown:
        raise InvalidInput(f"Unknown direction `{unknown[0]}`.", field="direction")
    rules = await store.rules()
    boards: list[BoardState] = []
    for direction in sorted(wanted):  # one lock order for every writer
        board = await store.lock_board(season, direction, rules.version)
        if board.frozen:
            raise Conflict(f"Season {season} is closed: its standings are frozen.")
        boards.append(board)
    exclusions = await store.exclusions(season)
    events = await store.events(season=season)
    eligible = await store.eligibility(None, now)
    wanted = [board.direction_code for board in boards]
    total = await store.count_season_results(season, wanted)
    results: list[ResultInput] = []
    async for batch in store.season_results(season, RESULT_BATCH, wanted):
        results.extend(batch)
        progress("results read", len(batch), total)
    fields = fields_of_results(results)
    priced = {board.direction_code: ItemsByParticipant() for board in boards}
    pricer = Pricer(rules)
    for start in range(0, len(results), RESULT_BATCH):
        batch = results[start : start + RESULT_BATCH]
        price_results_everywhere(
            pricer, events, fields, batch, priced, eligible=eligible, exclusions=exclusions
        )
        progress("results priced", len(batch), len(results))
    del results
    achievements = await store.achievements(season=season)
    for direction, into in priced.items():
        price_achievements(
            pricer,
            direction,
            season,
            events,
            fields,
            achievements,
            into,
            eligible=eligible,
            exclusions=exclusions,
        )
    outcomes = []
    for board in boards:
        items = priced.pop(board.direction_code).items
        selections = {pid: select(found, rules.best_n) for pid, found in items.items()}
        del items
        verified = {pid for pid in selections if eligible[pid].verified}
        write = await _compare(
            store, board, rules.version, TierRules.of(rules), selections, verified, now
        )
        outcomes.append(await store.write(write))
        progress("boards", 1, len(boards))
    return outcomes


async def _compare(
    store: RatingStore,
    board: BoardState,
    rules_version: int,
    tiers: TierRules,
    selections: dict[int, Selection],
    verified: set[int],
    now: datetime,
) -> BoardWrite:
    old = await store.board_entries(board.season_code, board.direction_code)
    standings = rank_all({pid: cents(selections[pid].score) for pid in verified}, tiers)
    old_standings = {
        pid: Standing(entry.score, entry.rank or 0, entry.tier)
        for pid, entry in old.items()
        if entry.ranked
    }
    write = BoardWrite(
        board=board,
        rules_version=rules_version,
        batch_id=new_batch_id(),
        now=now,
        events=diff(old_standings, standings),
        ranked_count=len(standings),
        entry_count=len(selections),
    )
    for pid, selection in selections.items():
        row = entry_write(pid, selection, pid in standings, standings.get(pid), rules_version)
        before = old.get(pid)
        if row_changed(before, row):
            write.entries.append(row)
        if before is None or before.digest != row.digest:
            write.contributions[pid] = selection
    write.deletes = [pid for pid in old if pid not in selections]
    return write
