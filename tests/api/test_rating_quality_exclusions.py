"""Flagged responses do not count in the rating (`shared/spec/rating.md`): a knowledge
test linked to a catalog event (the TEST import's `event` column) whose attempt is
flagged as rapid guessing takes that participant's result in the event out of the
standings until a moderator clears the flag — both through the outbox, and each time a
full recompute agrees with what the incremental update did."""

from __future__ import annotations

import json
from typing import Any

from domain.events import EventLevel
from tests.api.test_quality_flags_workflow import COMPUTE, DECIDE, FLAGS
from tests.api.test_rating_admin import RECOMPUTE
from tests.support.analytics import import_file, unique_code
from tests.support.graphql import GraphQLClient
from tests.support.ratings import BOARD, event_with_results, eventually

DIRECTION = "ROBOTICS_PROGRAMMING"
ITEMS = 4


async def test_a_flagged_attempt_takes_the_result_out_until_cleared(
    state: Any, live_server: Any, client: GraphQLClient
) -> None:
    world = await event_with_results(
        state, live_server.url, client, title="Тест", level=EventLevel.REGIONAL, students=3
    )
    admin, moderator = world.admin, world.moderator
    fast, *steady = world.people

    async def ranked() -> list[str | None]:
        answer = await client.query(BOARD, {"s": world.season, "d": DIRECTION}, token=admin)
        edges = answer.ok()["leaderboard"]["edges"]
        return [e["node"]["participant"]["id"] for e in edges]

    async def settled(expected: list[str]) -> None:
        """The board as expected once the consumer caught up, and a full recompute then
        finds nothing to change."""
        assert await eventually(ranked, lambda found: found == expected) == expected
        args = {"input": {"season": world.season, "directions": [DIRECTION]}}
        done = (await client.query(RECOMPUTE, args, token=admin)).ok()["recomputeRatings"]
        assert done["userErrors"] == [] and [b["changes"] for b in done["boards"]] == [0], done

    everyone = [p.gid for p in world.people]
    await settled(everyone)

    code = unique_code("T")
    definition = "test,title,item,correct_option,option_count,event\n" + "".join(
        f"{code},Тест,t{j},1,4,{world.event_gid}\n" for j in range(ITEMS)
    )
    made = (await import_file(client, admin, "TEST", definition)).ok()["importAnalyticsData"]
    assert made["userErrors"] == [] and made["result"]["created"] == 1, made
    unknown = definition.replace(world.event_gid, "999999999").replace(code, unique_code("T"))
    refused = (await import_file(client, admin, "TEST", unknown)).ok()["importAnalyticsData"]
    assert "no event 999999999" in refused["result"]["problems"][0]["reason"], refused

    attempts = [
        {
            "participant": person.gid,
            "season": world.season,
            "answers": [1] * ITEMS,
            "times": [0.5 if person is fast else 30.0] * ITEMS,  # seconds an item
        }
        for person in world.people
    ]
    loaded = await import_file(
        client, admin, "ATTEMPTS", json.dumps(attempts), target=code, filename="a.json"
    )
    assert loaded.ok()["importAnalyticsData"]["result"]["created"] == 3, loaded.body
    run = (await client.query(COMPUTE, {"input": {"test": code}}, token=admin)).ok()
    assert run["computeQualityFlags"]["run"]["created"] == 1, run
    await settled([p.gid for p in steady])  # the rapid guesser's result no longer counts

    flags = (await client.query(FLAGS, {"code": code, "status": "FLAGGED"}, token=moderator)).ok()[
        "qualityFlags"
    ]["edges"]
    (flag,) = [f["node"] for f in flags]
    decided = await client.query(
        DECIDE,
        {"input": {"flagId": flag["id"], "decision": "CLEARED", "comment": "slow network log"}},
        token=moderator,
    )
    assert decided.ok()["decideQualityFlag"]["userErrors"] == [], decided.body
    await settled(everyone)  # cleared: it counts again
