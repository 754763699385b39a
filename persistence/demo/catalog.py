"""Synthetic events and their results: every kind and level, two seasons, series.

Results are generated event by event so places can be ranked within the event
(ties share a place, teams share their team's score) without holding the whole
population's results in memory.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.events import EventKind, EventLevel, EventStatus, ParticipationMode
from domain.reference import season_bounds
from domain.results import CompletionGrade, ResultSource, ResultStatus
from persistence.demo.names import EVENT_TOPICS

KIND_TITLES = {
    EventKind.OLYMPIAD: "Олимпиада по {topic}",
    EventKind.HACKATHON: "Хакатон по {topic}",
    EventKind.PROJECT_SCHOOL: "Проектная школа по {topic}",
    EventKind.ONLINE_COURSE: "Онлайн-курс по {topic}",
    EventKind.TEST: "Тестирование по {topic}",
    EventKind.COMPETITION: "Соревнования по {topic}",
    EventKind.CONFERENCE: "Конференция по {topic}",
    EventKind.OTHER: "Интенсив по {topic}",
}
LEVEL_NAMES = {
    EventLevel.INTERNATIONAL: "международная",
    EventLevel.FEDERAL: "всероссийская",
    EventLevel.REGIONAL: "региональная",
    EventLevel.MUNICIPAL: "муниципальная",
    EventLevel.SCHOOL: "школьная",
}
FIELD_WEIGHT = {
    EventLevel.INTERNATIONAL: 0.15,
    EventLevel.FEDERAL: 2.5,
    EventLevel.REGIONAL: 1.6,
    EventLevel.MUNICIPAL: 1.0,
    EventLevel.SCHOOL: 0.6,
}
DIRECTIONS = ["ROBOTICS_PROGRAMMING", "COMPLEX_ENGINEERING", "PYTHON_PROGRAMMING"]
NO_PLACES = (EventKind.ONLINE_COURSE, EventKind.TEST)


@dataclass
class EventDraft:
    row: dict[str, Any]
    directions: list[tuple[str, Decimal]]
    field_weight: float
    stages: list[EventDraft] | None = None


def make_events(
    rng: random.Random, seasons: list[str], today: date, organizers: list[int], regions: list[str]
) -> list[EventDraft]:
    """Every kind × level in each season, plus an olympiad series per season."""
    drafts: list[EventDraft] = []
    now = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)
    for season in seasons:
        first_day, _ = season_bounds(season)
        for i, (kind, level) in enumerate((k, lv) for k in EventKind for lv in EventLevel):
            starts = first_day + timedelta(days=rng.randrange(0, 330))
            ends = starts + timedelta(days=rng.choice([0, 1, 2, 6, 13, 27]))
            drafts.append(
                _event(
                    rng,
                    kind,
                    level,
                    season,
                    starts,
                    ends,
                    today,
                    now,
                    organizers[i % len(organizers)],
                    regions,
                )
            )
        series = _event(
            rng,
            EventKind.OLYMPIAD,
            EventLevel.FEDERAL,
            season,
            first_day + timedelta(days=40),
            first_day + timedelta(days=200),
            today,
            now,
            organizers[0],
            regions,
        )
        series.row["title"] = f"Всероссийская олимпиада «Инженеры будущего» {season}"
        series.field_weight = 0.0  # results belong to the stages
        series.stages = []
        for order, (name, offset, weight) in enumerate(
            (("Отборочный этап", 40, 3.0), ("Финал", 200, 0.4)), start=1
        ):
            stage = _event(
                rng,
                EventKind.OLYMPIAD,
                EventLevel.FEDERAL,
                season,
                first_day + timedelta(days=offset),
                first_day + timedelta(days=offset + 1),
                today,
                now,
                organizers[0],
                regions,
            )
            stage.row["title"] = f"{series.row['title']}: {name}"
            stage.row["stage_order"] = order
            stage.directions = series.directions
            stage.field_weight = weight
            series.stages.append(stage)
        drafts.append(series)
    return drafts


def _event(
    rng: random.Random,
    kind: EventKind,
    level: EventLevel,
    season: str,
    starts: date,
    ends: date,
    today: date,
    now: datetime,
    organizer_id: int,
    regions: list[str],
) -> EventDraft:
    online = kind in (EventKind.ONLINE_COURSE, EventKind.TEST) or rng.random() < 0.2
    if ends < today:
        status = EventStatus.CANCELLED if rng.random() < 0.04 else EventStatus.COMPLETED
    else:
        status = EventStatus.DRAFT if rng.random() < 0.15 else EventStatus.PUBLISHED
    topic = rng.choice(EVENT_TOPICS)
    title = KIND_TITLES[kind].format(topic=topic)
    if kind is EventKind.OLYMPIAD:
        title = f"{LEVEL_NAMES[level].capitalize()} олимпиада по {topic}"
    count = rng.choice([1, 1, 2, 3])
    codes = rng.sample(DIRECTIONS, count)
    directions = [
        (code, Decimal("1.000") if i == 0 else Decimal(rng.choice(["0.300", "0.500", "0.700"])))
        for i, code in enumerate(codes)
    ]
    row = {
        "title": f"{title} ({season})",
        "description": f"Демонстрационное мероприятие: {title.lower()}.",
        "kind": kind,
        "level": level,
        "season_code": season,
        "starts_on": starts,
        "ends_on": ends,
        "is_online": online,
        "region_code": None if online else rng.choice(regions),
        "organizer_id": organizer_id,
        "status": status,
        "participation": ParticipationMode.TEAM
        if kind is EventKind.HACKATHON
        else ParticipationMode.INDIVIDUAL,
        "capacity": None if online else rng.choice([30, 50, 100, 300, 1000]),
        "created_at": now - timedelta(days=400),
        "updated_at": now - timedelta(days=1),
    }
    return EventDraft(row=row, directions=directions, field_weight=FIELD_WEIGHT[level])


def make_results(
    rng: random.Random,
    event_id: int,
    draft: EventDraft,
    participant_ids: list[int],
    eligible_offline: list[int],
    size: int,
    now: datetime,
) -> list[dict[str, Any]]:
    """A ranked field of `size` participants: scores, places (ties share), statuses."""
    pool = participant_ids if draft.row["is_online"] else eligible_offline
    size = min(size, len(pool))
    if size == 0:
        return []
    chosen = rng.sample(pool, size)
    kind = draft.row["kind"]
    team_mode = draft.row["participation"] is ParticipationMode.TEAM
    max_score = Decimal(100)
    scores: list[Decimal] = []
    teams: list[str | None] = []
    team_score = Decimal(0)
    for i in range(size):
        if team_mode:
            if i % 4 == 0:
                team_score = Decimal(rng.randint(10, 100))
            scores.append(team_score)
            teams.append(f"Команда {i // 4 + 1}")
        else:
            scores.append(Decimal(rng.randint(0, 1000)) / 10)
            teams.append(None)
    order = sorted(range(size), key=lambda i: -scores[i])
    places: dict[int, int] = {}
    for position, i in enumerate(order, start=1):
        prev = order[position - 2] if position > 1 else None
        places[i] = places[prev] if prev is not None and scores[prev] == scores[i] else position
    rows = []
    for i, participant_id in enumerate(chosen):
        place = places[i]
        share = place / size
        status = (
            ResultStatus.WINNER
            if place == 1 or share <= 0.02
            else ResultStatus.PRIZE_WINNER
            if share <= 0.12
            else ResultStatus.FINALIST
            if share <= 0.3
            else ResultStatus.PARTICIPANT
        )
        row: dict[str, Any] = {
            "event_id": event_id,
            "participant_id": participant_id,
            "status": status,
            "source": ResultSource.IMPORT if rng.random() < 0.95 else ResultSource.MANUAL,
            "score": scores[i],
            "max_score": max_score,
            "place": place,
            "team": teams[i],
            "completion": None,
            "created_at": now,
            "updated_at": now,
        }
        if kind in NO_PLACES:
            row.update(place=None, score=None, max_score=None, status=ResultStatus.PARTICIPANT)
            row["completion"] = (
                CompletionGrade.DISTINCTION if share <= 0.15 else CompletionGrade.COMPLETED
            )
        rows.append(row)
    return rows
