"""Property: after any sequence of imports, moderation decisions, consent changes,
verifications and edits of events (level, directions, cancellation), the incrementally maintained boards equal a recomputation from
scratch — scores, ranks, tiers, and every stored contribution."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.rating_engine.inputs import AchievementInput, EventInfo, ResultInput
from domain.rating_engine.ports import Eligibility
from domain.rating_engine.pricing import field_of, price
from domain.rating_engine.rules import parse_rules
from domain.services.rating_recompute import recompute_season
from domain.services.rating_updates import BoardCache, Triggers, apply_triggers
from migrations.reference_data import rating_rules_v1
from tests.unit.rating.fake_store import Boards, FakeRatingStore, World

RULES = parse_rules(rating_rules_v1())
SEASON = "2026/27"
DIRECTIONS = ["ROBOTICS_PROGRAMMING", "PYTHON_PROGRAMMING"]
NOW = datetime(2026, 11, 1, tzinfo=UTC)
LEVELS = ["INTERNATIONAL", "FEDERAL", "REGIONAL", "MUNICIPAL", "SCHOOL"]
STATUSES = ["WINNER", "PRIZE_WINNER", "FINALIST", "PARTICIPANT"]


def world() -> World:
    found = World(RULES, seasons=[SEASON], directions=list(DIRECTIONS))
    for event_id in range(1, 9):
        relevance = {DIRECTIONS[0]: Decimal("1.000")}
        if event_id % 3 == 0:
            relevance[DIRECTIONS[1]] = Decimal("0.500")
        found.events[event_id] = EventInfo(
            id=event_id,
            level=LEVELS[event_id % 5],
            season_code=SEASON,
            status="COMPLETED",
            relevance=relevance,
            parent_id=1 if event_id in (2, 3) else None,  # 1, 2, 3 form a series
        )
    return found


result_op = st.tuples(
    st.just("result"),
    st.integers(1, 8),
    st.integers(1, 12),
    st.one_of(st.none(), st.integers(1, 6)),
    st.sampled_from(STATUSES),
    st.one_of(st.none(), st.integers(0, 3).map(lambda v: Decimal(v * 10))),
)
achievement_op = st.tuples(
    st.just("achievement"),
    st.one_of(st.none(), st.integers(1, 8)),
    st.integers(1, 12),
    st.sampled_from(LEVELS),
    st.sampled_from(STATUSES),
    st.sampled_from(DIRECTIONS),
)
consent_op = st.tuples(st.just("consent"), st.integers(1, 12), st.booleans())
verify_op = st.tuples(st.just("verify"), st.integers(1, 12))
RELEVANCES = [
    {DIRECTIONS[0]: Decimal("1.000")},
    {DIRECTIONS[1]: Decimal("1.000")},
    {DIRECTIONS[0]: Decimal("0.500"), DIRECTIONS[1]: Decimal("0.750")},
]
edit_op = st.tuples(
    st.just("edit"),
    st.integers(1, 8),
    st.sampled_from(LEVELS),
    st.sampled_from(range(len(RELEVANCES))),
    st.sampled_from(["COMPLETED", "PUBLISHED", "CANCELLED"]),
)
operations = st.lists(
    st.one_of(result_op, achievement_op, consent_op, verify_op, edit_op), max_size=25
)


def apply(world_: World, op: tuple, serial: int) -> Triggers:  # type: ignore[type-arg]
    kind = op[0]
    if kind == "result":
        _, event_id, pid, place, status, score = op
        old = world_.results.get((event_id, pid))
        world_.results[(event_id, pid)] = ResultInput(
            old.id if old else serial, event_id, pid, status, place, score
        )
        return Triggers(events={event_id})
    if kind == "achievement":
        _, event_id, pid, level, status, direction = op
        world_.achievements[serial] = AchievementInput(
            serial, pid, level, status, SEASON, (direction,), event_id
        )
        return Triggers(achievements={serial})
    if kind == "edit":
        _, event_id, level, relevance, status = op
        world_.events[event_id] = replace(
            world_.events[event_id], level=level, relevance=RELEVANCES[relevance], status=status
        )
        return Triggers(edited={event_id})
    pid = op[1]
    if kind == "consent":
        if op[2]:
            world_.eligible.setdefault(pid, Eligibility(verified=False))
        else:
            world_.eligible.pop(pid, None)
    elif pid in world_.eligible:
        world_.eligible[pid] = Eligibility(verified=True)
    return Triggers(participants={pid})


async def _run(ops: list) -> None:  # type: ignore[type-arg]
    found = world()
    for pid in range(1, 7):  # half start eligible, some verified
        found.eligible[pid] = Eligibility(verified=pid % 2 == 0)
    incremental = FakeRatingStore(found, Boards())
    cache = BoardCache()
    async with incremental as store:  # the boards exist before the changes start
        await recompute_season(store, SEASON, None, NOW)
        await store.commit()
    for serial, op in enumerate(ops, start=1000):
        triggers = apply(found, op, serial)
        async with incremental as store:
            await apply_triggers(store, triggers, NOW, cache)
            await store.commit()
    scratch = FakeRatingStore(found, Boards())
    async with scratch as store:
        await recompute_season(store, SEASON, None, NOW)
        await store.commit()
    for key in scratch.saved.entries:
        assert incremental.saved.entries[key] == scratch.saved.entries[key], key
        assert incremental.saved.items[key] == scratch.saved.items[key], key
    # the stored ranked count and entry count follow the entries
    for key, board in incremental.saved.state.items():
        entries = incremental.saved.entries[key]
        assert board.ranked_count == sum(e.ranked for e in entries.values())
        assert board.entry_count == len(entries)


@given(operations)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_incremental_equals_recompute_from_scratch(ops: list) -> None:  # type: ignore[type-arg]
    asyncio.run(_run(ops))


@given(st.integers(2, 500), st.integers(1, 500), st.sampled_from(LEVELS))
def test_a_new_last_place_never_lowers_anyone_in_the_event(
    size: int, place: int, level: str
) -> None:
    place = min(place, size)
    before = price(
        RULES, level=level, relevance=Decimal(1), field_size=size, status="PARTICIPANT", place=place
    )
    after = price(
        RULES,
        level=level,
        relevance=Decimal(1),
        field_size=size + 1,
        status="PARTICIPANT",
        place=place,
    )
    assert after.points >= before.points
    assert field_of([(p, None) for p in range(1, size + 2)]).size == size + 1
