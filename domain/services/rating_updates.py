"""Incremental recomputation: an applied import, a moderation decision, a consent
change, an identity verification or an edit of an event that prices its results
(level, season, directions and relevance, series, status) or a change of which
results data-quality flags leave out (`domain.quality_exclusions`) updates only the
boards they touch.

Messages arrive through the outbox (`persistence.rating_consumer` reads them).
For a board, only what changed is repriced: the results of an event whose field
changed (every participant in it, since N and shared places may have moved) and
the whole footprint of a participant whose achievement was decided or whose
eligibility changed, or who has a result or achievement in an edited event (its
results may have left a board, a season or the countable statuses, so the boards
the participant is on now or was on before are repriced for it). Everyone else's
priced items are the stored contributions. The board's ranks and tiers move through
`Board.apply`, which finds exactly the standings a change moves. The outcome equals
a full recomputation (property test).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.events import EVENT_CHANGED
from domain.quality_exclusions import EXCLUSIONS_CHANGED
from domain.rating_engine.boards import (
    ItemsByParticipant,
    entry_write,
    new_batch_id,
    price_achievements,
    price_results,
    row_changed,
    standing_write,
)
from domain.rating_engine.inputs import AchievementInput, Pricer, ResultInput
from domain.rating_engine.ports import BoardState, BoardWrite, RatingStore, WriteOutcome
from domain.rating_engine.pricing import EventField, cents
from domain.rating_engine.selection import Selection, select
from domain.rating_engine.standings import Board, TierRules
from domain.services.rating_recompute import recompute_season

RESULTS_APPLIED = "results.applied"
ACHIEVEMENT_DECIDED = "achievement.decided"
CONSENT_CHANGED = "consent.changed"
PARTICIPANT_VERIFIED = "participant.verified"
TOPICS = (
    RESULTS_APPLIED,
    ACHIEVEMENT_DECIDED,
    CONSENT_CHANGED,
    PARTICIPANT_VERIFIED,
    EVENT_CHANGED,
    EXCLUSIONS_CHANGED,
)
PRICING_EVENT_FIELDS = frozenset({"level", "season_code", "directions", "parent_id", "status"})
"""An event's fields that price its results (`domain.rating_engine.inputs.EventInfo`):
an edit of any other (its title, dates, capacity…) leaves the standings as they are."""
STANDING_PURPOSES = frozenset({"PROCESSING"})
"""Consent purposes that decide whether a participant has an entry at all; the others
(publication, sharing) change only who sees identities, which readers check live."""


@dataclass
class Triggers:
    events: set[int] = field(default_factory=set)
    """Events whose results changed (their whole field is repriced)."""
    achievements: set[int] = field(default_factory=set)
    participants: set[int] = field(default_factory=set)
    """Participants whose eligibility may have changed (repriced in full)."""
    edited: set[int] = field(default_factory=set)
    """Events whose pricing fields changed: their participants are repriced in full."""
    ignored: int = 0
    """Messages with a payload this consumer could not use (logged by the caller)."""

    def __bool__(self) -> bool:
        return bool(self.events or self.achievements or self.participants or self.edited)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def triggers_from(messages: Iterable[tuple[str, Mapping[str, Any]]]) -> Triggers:
    found = Triggers()
    for topic, payload in messages:
        if topic == RESULTS_APPLIED and (event_id := _int(payload.get("event_id"))):
            found.events.add(event_id)
        elif topic == ACHIEVEMENT_DECIDED and (achievement := _int(payload.get("achievement_id"))):
            found.achievements.add(achievement)
        elif topic == CONSENT_CHANGED and (participant := _int(payload.get("participant_id"))):
            purpose = payload.get("purpose")
            if purpose is None or purpose in STANDING_PURPOSES:
                found.participants.add(participant)
        elif topic == PARTICIPANT_VERIFIED and (participant := _int(payload.get("participant_id"))):
            found.participants.add(participant)
        elif topic == EXCLUSIONS_CHANGED and isinstance(payload.get("participant_ids"), list):
            found.participants.update(p for p in payload["participant_ids"] if _int(p))
        elif topic == EVENT_CHANGED and (event_id := _int(payload.get("event_id"))):
            changed = payload.get("fields")
            if not isinstance(changed, list) or PRICING_EVENT_FIELDS.intersection(changed):
                found.edited.add(event_id)
        elif topic in TOPICS:
            found.ignored += 1
    return found


class BoardCache:
    """What the process running the consumer keeps between rounds: boards (valid
    while the stored board version is the one they were built or last written at)
    and event fields (dropped when the event's results change). Valid only while
    this process was the last to move the consumer's position (`position`)."""

    def __init__(self) -> None:
        self._boards: dict[tuple[str, str], tuple[int, Board]] = {}
        self.fields: dict[int, EventField] = {}
        self.position: int | None = None

    def get(self, key: tuple[str, str], version: int) -> Board | None:
        found = self._boards.get(key)
        return found[1] if found is not None and found[0] == version else None

    def put(self, key: tuple[str, str], version: int, board: Board) -> None:
        self._boards[key] = (version, board)

    def drop(self, key: tuple[str, str] | None = None) -> None:
        if key is None:
            self._boards.clear()
            self.fields.clear()
            self.position = None
        else:
            self._boards.pop(key, None)


async def _fields(
    store: RatingStore, cache: BoardCache, event_ids: set[int]
) -> dict[int, EventField]:
    missing = event_ids - cache.fields.keys()
    if missing:
        cache.fields.update(await store.fields(event_ids=missing))
    return {e: cache.fields[e] for e in event_ids if e in cache.fields}


@dataclass
class _Work:
    events: set[int] = field(default_factory=set)
    """Events whose results changed: their whole field is repriced."""
    participants: set[int] = field(default_factory=set)
    """Participants repriced in full (their eligibility may have changed)."""
    decided: dict[int, int] = field(default_factory=dict)
    """Achievement → its participant: only that item is repriced."""


async def apply_triggers(
    store: RatingStore, triggers: Triggers, now: datetime, cache: BoardCache
) -> list[WriteOutcome]:
    """Update every open board the triggers touch, in the store's transaction."""
    if not triggers:
        return []
    for event_id in triggers.events | triggers.edited:  # their fields changed
        cache.fields.pop(event_id, None)
    seasons = set(await store.open_seasons())
    plan: dict[tuple[str, str], _Work] = {}
    for event in (await store.events(ids=triggers.events)).values():
        if event.season_code in seasons:
            for direction in event.relevance:
                plan.setdefault((event.season_code, direction), _Work()).events.add(event.id)
    known = set(await store.direction_codes())
    decided = await store.achievement_boards(triggers.achievements)
    for achievement_id, (participant_id, boards) in decided.items():  # its own boards
        for key in boards:
            if key[0] in seasons and key[1] in known:
                plan.setdefault(key, _Work()).decided[achievement_id] = participant_id
    # Repriced in full on every board they can be on (for an edited event's
    # participants: the boards their results are on now and their entries were on)
    repriced = set(triggers.participants)
    if triggers.edited:
        repriced |= await store.event_participants(triggers.edited)
    for pid, keys in (await store.participant_boards(repriced, seasons)).items():
        for key in keys:
            if key[1] in known:
                plan.setdefault(key, _Work()).participants.add(pid)
    latest = await store.rules()
    outcomes = []
    for key in sorted(plan):  # one lock order for every writer
        board = await store.lock_board(key[0], key[1], latest.version)
        if board.frozen:
            continue
        try:
            if board.is_new:
                outcomes.extend(await recompute_season(store, key[0], [key[1]], now))
                cache.drop(key)
            else:
                outcomes.append(await _update_board(store, board, plan[key], now, cache))
        except BaseException:
            cache.drop(key)
            raise
    return outcomes


async def _reprice_partly(
    store: RatingStore,
    cache: BoardCache,
    pricer: Pricer,
    key: tuple[str, str],
    work: _Work,
    partial: set[int],
    field_results: list[ResultInput],
    linked: list[AchievementInput],
    items: ItemsByParticipant,
) -> None:
    """Stored items, except those whose inputs changed, which are priced again: the
    results (and linked achievements) of changed events, and decided achievements."""
    season, direction = key
    exclusions = await store.exclusions(season)
    stored = await store.stored_items(season, direction, partial)
    for pid in partial:
        items.items[pid] = [
            i
            for i in stored.get(pid, [])
            if i.event_id not in work.events and i.achievement_id not in work.decided
        ]
    if work.events:
        events = await store.events(ids=work.events)
        fields = await _fields(store, cache, work.events)
        mine = [r for r in field_results if r.participant_id in partial]
        price_results(pricer, direction, events, fields, mine, items, exclusions=exclusions)
        theirs = [a for a in linked if a.participant_id in partial]
        price_achievements(
            pricer, direction, season, events, fields, theirs, items, exclusions=exclusions
        )
    owners = {pid for pid in work.decided.values() if pid in partial}
    if owners:
        decided = [
            a
            for a in await store.achievements(season=season, participant_ids=owners)
            if a.id in work.decided and a.event_id not in work.events  # (those: just above)
        ]
        needed = {a.event_id for a in decided if a.event_id is not None}
        events = await store.events(ids=needed)
        fields = await _fields(store, cache, needed)
        price_achievements(
            pricer, direction, season, events, fields, decided, items, exclusions=exclusions
        )


async def _update_board(
    store: RatingStore, board: BoardState, work: _Work, now: datetime, cache: BoardCache
) -> WriteOutcome:
    season, direction = board.season_code, board.direction_code
    rules = await store.rules(board.rules_version)
    pricer = Pricer(rules)
    exclusions = await store.exclusions(season)
    field_results = await store.results(season=season, event_ids=work.events) if work.events else []
    linked = await store.achievements(season=season, event_ids=work.events) if work.events else []
    candidates = (
        {r.participant_id for r in field_results}
        | {a.participant_id for a in linked}
        | work.participants
        | set(work.decided.values())
    )
    stored_entries = await store.entries(season, direction, candidates)
    eligible = await store.eligibility(candidates, now)
    full = {
        p
        for p in candidates
        if p in eligible and (p in work.participants or p not in stored_entries)
    }
    partial = {p for p in candidates if p in eligible and p not in full}
    items = ItemsByParticipant()
    if partial:
        await _reprice_partly(
            store, cache, pricer, (season, direction), work, partial, field_results, linked, items
        )
    if full:
        results = await store.results(season=season, participant_ids=full)
        achievements = await store.achievements(season=season, participant_ids=full)
        needed = {r.event_id for r in results} | {a.event_id for a in achievements if a.event_id}
        events = await store.events(ids=needed)
        fields = await _fields(store, cache, needed)
        price_results(pricer, direction, events, fields, results, items, exclusions=exclusions)
        price_achievements(
            pricer, direction, season, events, fields, achievements, items, exclusions=exclusions
        )
    selections = {pid: select(found, rules.best_n) for pid, found in items.items.items() if found}
    key = (season, direction)
    tiers = TierRules.of(rules)
    cached = cache.get(key, board.version)
    scoreboard = cached or Board(await store.ranked_scores(season, direction), tiers)
    scores = {
        pid: cents(selections[pid].score) if pid in selections and eligible[pid].verified else None
        for pid in candidates
    }
    changes = scoreboard.apply(scores)
    rewritten: dict[int, Selection] = {}
    write = BoardWrite(
        board=board,
        rules_version=rules.version,
        batch_id=new_batch_id(),
        now=now,
        events=changes,
        contributions=rewritten,
    )
    for pid in sorted(candidates):
        selection = selections.get(pid)
        before = stored_entries.get(pid)
        if selection is None:
            if before is not None:
                write.deletes.append(pid)
            continue
        standing = scoreboard.standing(pid)
        row = entry_write(pid, selection, standing is not None, standing, rules.version)
        if row_changed(before, row):
            write.entries.append(row)
        if before is None or before.digest != row.digest:
            rewritten[pid] = selection
    moved = {c.participant_id for c in changes} - candidates
    for pid, entry in sorted((await store.entries(season, direction, moved)).items()):
        write.entries.append(standing_write(entry, scoreboard.standing(pid)))
    inserted = sum(1 for pid in selections if pid not in stored_entries)
    write.ranked_count = len(scoreboard)
    write.entry_count = board.entry_count + inserted - len(write.deletes)
    outcome = await store.write(write)
    cache.put(key, outcome.version, scoreboard)
    return outcome
