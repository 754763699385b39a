"""The full recomputation of a season's boards (`talent ratings recompute`, and the
admins' `recomputeRatings` mutation).

The season's results are read once, as columns (`result_columns`), and priced,
selected and fingerprinted with numpy for each requested direction (`item_columns`,
`selection_columns`; the incremental path prices one participant at a time with the
same rules and gets the same numbers, which a property test holds). Each board is then
ranked and compared with what is stored, and only what differs is written: entries
whose row changed, contributions whose digest changed, and one rating event per
participant whose points, rank or tier changed, under one batch id with a
batch-complete marker. A board switches to the latest published rules here (and only
here), so one board never mixes versions.

Boards are priced one after another in a worker thread while the event loop writes
the previous one (the database's share of a board's write overlaps Python's share of
the next board's pricing); the writes themselves stay in lock order, one at a time,
in the store's one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from datetime import datetime

import numpy as np
import numpy.typing as npt

from domain.errors import Conflict, InvalidInput
from domain.rating_engine.boards import new_batch_id
from domain.rating_engine.entry_columns import EntryColumns, compare
from domain.rating_engine.inputs import Pricer
from domain.rating_engine.item_columns import (
    ItemColumns,
    concatenate,
    price_achievements_columns,
    price_results_columns,
)
from domain.rating_engine.ports import BoardState, BoardWrite, RatingStore, WriteOutcome
from domain.rating_engine.pricing import EventShown
from domain.rating_engine.result_columns import fields_of_columns
from domain.rating_engine.selection_columns import SelectionColumns, select_columns
from domain.rating_engine.standings import TierRules

Progress = Callable[[str, int, int | None], None]
"""(stage, rows done since the last call, total if known): drives a progress bar."""


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
    columns = await store.season_result_columns(season, wanted)
    progress("results read", len(columns), len(columns))
    found = fields_of_columns(columns)
    counted = np.isin(columns.participant, np.fromiter(eligible, dtype=np.int64))
    if exclusions.result_ids:
        counted &= ~np.isin(columns.id, np.fromiter(exclusions.result_ids, dtype=np.int64))
    achievements = await store.achievements(season=season)
    pricer = Pricer(rules)
    verified = np.fromiter((p for p, e in eligible.items() if e.verified), dtype=np.int64)
    # Every board's stored entries first: the session is then free for one board's
    # write while the next board is priced.
    stored = [await store.board_entry_columns(b.season_code, b.direction_code) for b in boards]
    tiers = TierRules.of(rules)

    def board_write(board: BoardState, old: EntryColumns) -> BoardWrite:
        direction = board.direction_code
        shown_index: dict[int, int] = {}
        shown_table: list[EventShown] = []
        parts: list[ItemColumns] = [
            price_results_columns(
                pricer, direction, events, found, columns, counted, shown_index, shown_table
            ),
            price_achievements_columns(
                pricer, direction, season, events, found, achievements, eligible, exclusions,
                shown_index, shown_table,
            ),
        ]  # fmt: skip
        chosen = select_columns(concatenate(parts, shown_table), rules.best_n, rules.version)
        del parts
        return _compare(board, rules.version, tiers, chosen, old, verified, now)

    outcomes: list[WriteOutcome] = []
    writing: asyncio.Task[WriteOutcome] | None = None
    try:
        for board, old in zip(boards, stored, strict=True):
            # Priced in a thread (numpy releases the GIL for most of it) while the event
            # loop feeds the previous board's COPY: the database writes one board while
            # Python prices the next. Writes stay one at a time, in lock order, in the
            # store's one transaction.
            write = await asyncio.to_thread(board_write, board, old)
            progress("results priced", len(columns), len(columns) * len(boards))
            if writing is not None:
                outcomes.append(await writing)
                progress("boards", 1, len(boards))
            writing = asyncio.create_task(store.write(write))
            del write
        if writing is not None:
            outcomes.append(await writing)
            writing = None
            progress("boards", 1, len(boards))
    finally:
        if writing is not None:  # pricing failed: the write ends before the rollback
            with contextlib.suppress(Exception):
                await writing
    return outcomes


def _compare(
    board: BoardState,
    rules_version: int,
    tiers: TierRules,
    chosen: SelectionColumns,
    old: EntryColumns,
    verified: npt.NDArray[np.int64],
    now: datetime,
) -> BoardWrite:
    found = compare(
        old,
        chosen.participants,
        chosen.scores,
        np.isin(chosen.participants, verified),
        chosen.digests,
        tiers,
    )
    return BoardWrite(
        board=board,
        rules_version=rules_version,
        batch_id=new_batch_id(),
        now=now,
        entries=found.entries,
        contributions=chosen.restricted(found.rewritten),
        deletes=found.deletes,
        events=found.events,
        ranked_count=found.ranked_count,
        entry_count=len(chosen.participants),
    )
