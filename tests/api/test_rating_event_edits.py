"""An organizer's edit of an event that prices its results — its level, its
directions, its season, its cancellation — moves the standings at once (through the
outbox, like an import), and a full recompute afterwards finds nothing left to
change: the incremental path equals the full one after event edits too."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.events import EventLevel
from tests.api.test_event_management import STATUS, UPDATE
from tests.api.test_rating_admin import RECOMPUTE
from tests.support import arrange
from tests.support.graphql import GraphQLClient
from tests.support.ratings import (
    BOARD,
    event_with_results,
    eventually,
)

ROBOTICS, PYTHON = "ROBOTICS_PROGRAMMING", "PYTHON_PROGRAMMING"


async def test_event_edits_reprice_and_equal_a_full_recompute(
    state: Any, live_server: Any, client: GraphQLClient
) -> None:
    world = await event_with_results(
        state,
        live_server.url,
        client,
        title="Олимпиада",
        level=EventLevel.REGIONAL,
        students=3,
        directions={ROBOTICS: "1.0", PYTHON: "0.5"},
    )
    season, admin, organizer, event_gid = (
        world.season, world.admin, world.organizer, world.event_gid
    )  # fmt: skip
    next_season = await arrange.fresh_season(state.services.sessions)

    async def board(season_code: str, direction: str) -> list[tuple[int, str]]:
        answer = await client.query(BOARD, {"s": season_code, "d": direction}, token=admin)
        edges = answer.ok()["leaderboard"]["edges"]
        return [(e["node"]["rank"], e["node"]["points"]) for e in edges]

    async def settled(season_code: str, direction: str, expected: int) -> list[tuple[int, str]]:
        """The board once the consumer applied the change (`expected` ranked rows,
        other points than before), checked against a full recompute: nothing to change."""
        found = await eventually(
            lambda: board(season_code, direction),
            lambda rows: len(rows) == expected and rows != before.get((season_code, direction)),
        )
        recomputed = await client.query(
            RECOMPUTE, {"input": {"season": season_code, "directions": [direction]}}, token=admin
        )
        payload = recomputed.ok()["recomputeRatings"]
        assert payload["userErrors"] == [], payload
        assert [b["changes"] for b in payload["boards"]] == [0], (season_code, direction, found)
        return found

    async def edit(**changes: Any) -> None:
        answer = await client.query(
            UPDATE, {"input": {"id": event_gid, **changes}}, token=organizer
        )
        assert answer.ok()["updateEvent"]["userErrors"] == [], answer.body

    before: dict[tuple[str, str], list[tuple[int, str]]] = {}
    first = await eventually(lambda: board(season, ROBOTICS), lambda rows: len(rows) == 3)
    assert [r for r, _ in first] == [1, 2, 3]
    before[(season, ROBOTICS)] = first

    await edit(level="FEDERAL")
    federal = await settled(season, ROBOTICS, 3)
    assert federal[0][1] == "22.51"  # 80 × the field factor of 3 (0.2814)
    before[(season, ROBOTICS)] = federal

    await edit(directions=[{"direction": PYTHON, "relevance": "1.0"}])  # robotics dropped
    await settled(season, ROBOTICS, 0)
    before[(season, ROBOTICS)] = []
    python = await settled(season, PYTHON, 3)
    assert python[0][1] == "22.51"  # relevance 1.0 there now
    before[(season, PYTHON)] = python

    day = str(date(int(next_season[:4]), 10, 1))
    await edit(seasonCode=next_season, startsOn=day, endsOn=day)  # to another season
    await settled(season, PYTHON, 0)
    before[(season, PYTHON)] = []
    moved = await settled(next_season, PYTHON, 3)
    before[(next_season, PYTHON)] = moved

    cancelled = await client.query(
        STATUS % "cancelEvent", {"input": {"id": event_gid}}, token=organizer
    )
    assert cancelled.ok()["cancelEvent"]["userErrors"] == [], cancelled.body
    await settled(next_season, PYTHON, 0)  # a cancelled event's results do not count
