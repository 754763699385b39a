"""What the engine prices: events, results and approved achievements, as plain
records that persistence reads and tests build by hand.

Which data counts (rating.md, "What counts") is decided here: results and
approved achievements for events of the season whose directions include the
rated one; cancelled and draft events do not count; data flagged by the
data-quality checks and not cleared is excluded through `Exclusions`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from domain.rating_engine.items import PricedItem, make_item
from domain.rating_engine.pricing import (
    Basis,
    EventField,
    EventTerms,
    event_terms,
    field_from_counts,
    quote,
)
from domain.rating_engine.rules import RatingRulesDoc

COUNTABLE_EVENT_STATUSES = frozenset({"PUBLISHED", "COMPLETED"})
_PLACE, _SCORE = Basis.PLACE, Basis.SCORE  # enum member lookups cost, times millions


@dataclass(frozen=True, slots=True)
class EventInfo:
    id: int
    level: str
    season_code: str
    status: str
    relevance: Mapping[str, Decimal]
    """Direction code → relevance 0–1 (the event's directions)."""
    parent_id: int | None = None

    @property
    def series_id(self) -> int:
        return self.parent_id if self.parent_id is not None else self.id

    @property
    def countable(self) -> bool:
        return self.status in COUNTABLE_EVENT_STATUSES


class ResultInput(NamedTuple):
    """A tuple, so a database row becomes one without a per-row constructor call."""

    id: int
    event_id: int
    participant_id: int
    status: str
    place: int | None = None
    score: Decimal | None = None
    completion: str | None = None


@dataclass(frozen=True, slots=True)
class AchievementInput:
    """An APPROVED achievement (only approved ones are ever handed to the engine)."""

    id: int
    participant_id: int
    level: str
    result_status: str
    season_code: str
    directions: tuple[str, ...]
    event_id: int | None = None


@dataclass(frozen=True)
class Exclusions:
    """Results and achievements whose underlying responses are flagged (careless,
    rapid guessing) and not cleared by a moderator: the store's `exclusions(season)`
    gives them (`domain.quality_exclusions` says which), and pricing drops them."""

    result_ids: frozenset[int] = field(default_factory=frozenset)
    achievement_ids: frozenset[int] = field(default_factory=frozenset)


NO_EXCLUSIONS = Exclusions()


class Pricer:
    """Prices results and achievements under one rules version, computing what an
    event shares (its field factor, weight, …) once per level, relevance and N."""

    def __init__(self, rules: RatingRulesDoc) -> None:
        self.rules = rules
        self._terms: dict[tuple[str, Decimal, int], EventTerms] = {}
        self._by_event: dict[tuple[int, str, int], EventTerms] = {}

    def terms(self, level: str, relevance: Decimal, size: int) -> EventTerms:
        key = (level, relevance, size)
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = event_terms(self.rules, level, relevance, size)
        return found

    def event_terms(self, event: EventInfo, direction: str, size: int) -> EventTerms:
        """The terms of one event for one direction (ints and a short string as the key:
        hashing a Decimal per result would cost more than the pricing)."""
        key = (event.id, direction, size)
        found = self._by_event.get(key)
        if found is None:
            found = self._by_event[key] = self.terms(event.level, event.relevance[direction], size)
        return found

    def result(
        self, direction: str, event: EventInfo, event_field: EventField, result: ResultInput
    ) -> PricedItem | None:
        """The result priced for one direction, or None when it does not count there."""
        relevance = event.relevance.get(direction)
        if relevance is None or not event.countable:
            return None
        return self._result(
            event, event_field, result, self.event_terms(event, direction, event_field.size)
        )

    def _result(
        self, event: EventInfo, event_field: EventField, result: ResultInput, terms: EventTerms
    ) -> PricedItem:
        place, ties, basis = result.place, 1, _PLACE
        if place is not None:
            ties = event_field.place_ties.get(place, 1)
        elif result.score is not None and result.score in event_field.score_places:
            place, ties = event_field.score_places[result.score]
            basis = _SCORE
        basis, shown, value = quote(terms, result.status, place, ties, result.completion, basis)
        return make_item(
            result.participant_id,
            result.id,
            None,
            event.id,
            event.parent_id if event.parent_id is not None else event.id,
            place,
            ties if place is not None else None,
            result.status,
            result.completion,
            basis,
            shown,
            value,
            terms.shown,
        )

    def achievement(
        self,
        direction: str,
        season_code: str,
        achievement: AchievementInput,
        event: EventInfo | None,
        event_field: EventField | None,
    ) -> PricedItem | None:
        """An approved achievement priced for one direction, or None.

        Linked to a catalog event, it is priced as that event (its level, its field N,
        its relevance, its season and series), so it competes with the participant's
        imported result there. Unlinked, it uses its own level, the level's typical
        size from the rules and `achievement_relevance` for each approved direction.
        """
        rules = self.rules
        if event is not None:
            relevance = event.relevance.get(direction)
            if relevance is None or not event.countable or event.season_code != season_code:
                return None
            level: str = event.level
            series: int | None = event.series_id
            size = event_field.size if event_field is not None and event_field.size > 0 else None
        else:
            if direction not in achievement.directions or achievement.season_code != season_code:
                return None
            relevance, level, series, size = (
                rules.achievement_relevance,
                achievement.level,
                None,
                None,
            )
        terms = self.terms(
            level, relevance, size if size is not None else rules.typical_sizes[level]
        )
        basis, shown, value = quote(terms, achievement.result_status, None, 1, None)
        return make_item(
            achievement.participant_id,
            None,
            achievement.id,
            event.id if event is not None else None,
            series,
            None,
            None,
            achievement.result_status,
            None,
            basis,
            shown,
            value,
            terms.shown,
        )


def price_result(
    rules: RatingRulesDoc,
    direction: str,
    event: EventInfo,
    event_field: EventField,
    result: ResultInput,
) -> PricedItem | None:
    return Pricer(rules).result(direction, event, event_field, result)


def price_achievement(
    rules: RatingRulesDoc,
    direction: str,
    season_code: str,
    achievement: AchievementInput,
    event: EventInfo | None,
    event_field: EventField | None,
) -> PricedItem | None:
    return Pricer(rules).achievement(direction, season_code, achievement, event, event_field)


def fields_of_results(results: Iterable[ResultInput]) -> dict[int, EventField]:
    """Every event's field from result records in memory: the reference the tests hold
    the database's aggregates (`load_fields`) and the full recompute's columns
    (`result_columns.fields_of_columns`) to."""
    counts: dict[int, int] = {}
    highest: dict[int, int] = {}
    places: dict[int, dict[int, int]] = {}
    score_only: set[int] = set()
    for r in results:
        event_id = r.event_id
        counts[event_id] = counts.get(event_id, 0) + 1
        place = r.place
        if place is not None:
            held = places.setdefault(event_id, {})
            held[place] = held.get(place, 0) + 1
            if place > highest.get(event_id, 0):
                highest[event_id] = place
        elif r.score is not None:
            score_only.add(event_id)
    scores: dict[int, dict[Decimal, int]] = {}
    if score_only:
        for r in results:
            if r.event_id in score_only and r.score is not None:
                found = scores.setdefault(r.event_id, {})
                found[r.score] = found.get(r.score, 0) + 1
    return {
        event_id: field_from_counts(
            count, highest.get(event_id), places.get(event_id, {}), scores.get(event_id, {})
        )
        for event_id, count in counts.items()
    }
