"""Turning selections and standings into what a board write stores (pure).

Shared by the full and the incremental recomputation, so both produce exactly
the same rows for the same data (a property test holds them to it).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from domain.rating_engine.inputs import (
    AchievementInput,
    EventInfo,
    Exclusions,
    Pricer,
    ResultInput,
)
from domain.rating_engine.items import PricedItem
from domain.rating_engine.ports import EntryWrite, StoredEntry
from domain.rating_engine.pricing import EventField, cents
from domain.rating_engine.selection import Selection
from domain.rating_engine.standings import Standing
from domain.ratings import Tier


def new_batch_id() -> str:
    return uuid.uuid4().hex


@dataclass
class ItemsByParticipant:
    """Priced items per participant for one board, built up item by item."""

    items: dict[int, list[PricedItem]] = field(default_factory=dict)

    def add(self, item: PricedItem | None) -> None:
        if item is not None:
            self.items.setdefault(item.participant_id, []).append(item)


def price_results(
    pricer: Pricer,
    direction: str,
    events: Mapping[int, EventInfo],
    fields: Mapping[int, EventField],
    results: Iterable[ResultInput],
    into: ItemsByParticipant,
    *,
    exclusions: Exclusions,
) -> None:
    for result in results:
        if result.id in exclusions.result_ids:
            continue
        event = events.get(result.event_id)
        event_field = fields.get(result.event_id)
        if event is None or event_field is None:
            continue
        into.add(pricer.result(direction, event, event_field, result))


def price_achievements(
    pricer: Pricer,
    direction: str,
    season: str,
    events: Mapping[int, EventInfo],
    fields: Mapping[int, EventField],
    achievements: Iterable[AchievementInput],
    into: ItemsByParticipant,
    *,
    eligible: Mapping[int, object] | None = None,
    exclusions: Exclusions,
) -> None:
    for achievement in achievements:
        if eligible is not None and achievement.participant_id not in eligible:
            continue
        if achievement.id in exclusions.achievement_ids:
            continue
        event = events.get(achievement.event_id) if achievement.event_id is not None else None
        if achievement.event_id is not None and event is None:
            continue  # linked to an event of another season (or not visible): not here
        event_field = fields.get(achievement.event_id) if achievement.event_id else None
        into.add(pricer.achievement(direction, season, achievement, event, event_field))


def entry_write(
    participant_id: int,
    selection: Selection,
    ranked: bool,
    standing: Standing | None,
    rules_version: int,
) -> EntryWrite:
    return EntryWrite(
        participant_id,
        cents(selection.score),
        ranked,
        standing,
        selection.digest(rules_version),
    )


def row_changed(old: StoredEntry | None, new: EntryWrite) -> bool:
    if old is None:
        return True
    standing = new.standing
    return (
        old.score != new.score
        or old.ranked != new.ranked
        or old.digest != new.digest
        or old.rank != (standing.rank if standing else None)
        or old.tier != (standing.tier if standing else Tier.NONE)
    )


def standing_write(old: StoredEntry, standing: Standing | None) -> EntryWrite:
    """Only rank or tier moved (someone else's change): the row keeps its digest."""
    return EntryWrite(old.participant_id, old.score, old.ranked, standing, old.digest or "")
