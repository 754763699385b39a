"""Rating events and the `ratingUpdates` subscription over graphql-transport-ws:
a moderator's approval reaches a subscribed university, identities follow the
university's consent scope (a revocation stops them at once), a reconnect with
the last cursor gets exactly the missed events, and expired cursors are refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.accounts import Role
from domain.events import EventLevel
from persistence.rating_consumer import purge_rating_events
from tests.support import arrange
from tests.support.graphql import GraphQLClient, assert_code
from tests.support.privacy import REVOKE, gid, mutate
from tests.support.ratings import (
    BOARD,
    Student,
    approved_achievement,
    consenting_student,
    eventually,
    import_results,
    organization_of,
    staff_token,
)
from tests.support.ws import Subscription

DIRECTION = "ROBOTICS_PROGRAMMING"
UPDATES = """subscription($s: String!, $d: String!, $top: Int!, $after: String) {
  ratingUpdates(season: $s, direction: $d, top: $top, after: $after) { batchId cursor complete
    events { cursor batchId kind oldRank newRank newPoints newTier participant { lastName } } } }"""
EVENTS = """query($s: String!, $d: String!, $after: String) {
  ratingEvents(season: $s, direction: $d, after: $after, first: 100) {
    totalCount edges { cursor node { cursor kind participant { lastName } } } } }"""


@dataclass
class World:
    season: str
    moderator: str
    university: str
    admin: str
    x: Student
    y: Student
    z: Student

    @property
    def day(self) -> str:
        return str(date(int(self.season[:4]), 11, 1))


async def make_world(state: Any, live_server: Any, client: GraphQLClient) -> World:
    season = await arrange.fresh_season(state.services.sessions)
    moderator, _ = await staff_token(state, Role.MODERATOR)
    admin, _ = await staff_token(state, Role.ADMIN)
    university, _ = await staff_token(state, Role.UNIVERSITY, f"Уни {season}")
    organizer, account = await staff_token(state, Role.ORGANIZER, f"Орг {season}")
    event = await arrange.event(
        state.services.sessions,
        await organization_of(state, account),
        title=f"Хакатон {season}",
        season=season,
        level=EventLevel.REGIONAL,
        starts_on=date(int(season[:4]), 10, 1),
    )
    x = await consenting_student(client, moderator, purposes=("UNIVERSITY_SHARING",))
    y = await consenting_student(client, moderator)
    z = await consenting_student(client, moderator)
    w = await consenting_student(client, moderator)
    rows = [(x.gid, "PARTICIPANT", 1), (y.gid, "PARTICIPANT", 2), (w.gid, "PARTICIPANT", 3)]
    await import_results(live_server.url, organizer, gid("Event", event), rows)
    ranked = await eventually(
        lambda: client.query(BOARD, {"s": season, "d": DIRECTION}),
        lambda r: (r.data or {}).get("leaderboard", {}).get("rankedCount") == 3,
    )
    assert ranked.ok()["leaderboard"]["rankedCount"] == 3, ranked.body
    return World(season, moderator, university, admin, x, y, z)


async def _batch(sub: Subscription) -> list[dict[str, Any]]:
    """One rating batch: its events, then its marker (`{kind: BATCH_COMPLETE, cursor}`)."""
    update = (await sub.data())["ratingUpdates"]
    assert update["complete"] and {e["batchId"] for e in update["events"]} <= {update["batchId"]}
    return [*update["events"], {"kind": "BATCH_COMPLETE", "cursor": update["cursor"],
                                "batchId": update["batchId"]}]  # fmt: skip


async def test_approval_reaches_the_university_and_a_reconnect_misses_nothing(
    state: Any, live_server: Any, client: GraphQLClient
) -> None:
    world = await make_world(state, live_server, client)
    args = {"s": world.season, "d": DIRECTION, "top": 10, "after": None}
    sub = await Subscription.start(live_server.ws_url, world.university, UPDATES, args)
    assert await sub.quiet(0.5)  # from now on: no history without `after`
    await approved_achievement(
        client, world.x.token, world.moderator, achieved_on=world.day, level="FEDERAL"
    )
    first = await _batch(sub)
    # FEDERAL WINNER, typical size 1000: 80 × 1 × 1 × 1 = 80.00, plus the result
    change = first[0]
    assert change["kind"] == "CHANGE" and change["participant"] == {"lastName": world.x.last_name}
    assert (change["oldRank"], change["newRank"]) == (1, 1)
    assert len({m["batchId"] for m in first}) == 1
    await sub.close()

    # while disconnected: z enters the board, y moves (one consumer round or two)
    await approved_achievement(client, world.z.token, world.moderator, achieved_on=world.day)
    await approved_achievement(
        client, world.y.token, world.moderator, achieved_on=world.day, level="REGIONAL"
    )
    board = await eventually(
        lambda: client.query(BOARD, {"s": world.season, "d": DIRECTION}, token=world.admin),
        lambda r: (
            r.ok()["leaderboard"]["rankedCount"] == 4
            and any(
                e["node"]["participant"]["lastName"] == world.y.last_name
                and e["node"]["points"] != "9.15"  # REGIONAL, 2nd of 3: 50 × 0.65 × 0.2814
                for e in r.ok()["leaderboard"]["edges"]
            )
        ),
    )
    assert board.ok()["leaderboard"]["rankedCount"] == 4
    missed_query = {"s": world.season, "d": DIRECTION, "after": first[-1]["cursor"]}
    missed = (await client.query(EVENTS, missed_query, token=world.admin)).ok()["ratingEvents"]
    expected = [e["cursor"] for e in missed["edges"]]
    assert expected and missed["edges"][-1]["node"]["kind"] == "BATCH_COMPLETE"
    resumed = await Subscription.start(
        live_server.ws_url, world.university, UPDATES, {**args, "after": first[-1]["cursor"]}
    )
    got: list[dict[str, Any]] = []
    while len(got) < len(expected):
        got.extend(await _batch(resumed))
    assert [m["cursor"] for m in got] == expected
    assert await resumed.quiet(1.0)  # exactly the missed ones: nothing repeated

    # a revocation: the next message about x carries no identity
    consents = (
        await client.query(
            "query($p: ID!) { participant(id: $p) { consents { id purpose } } }",
            {"p": world.x.gid},
            token=world.x.token,
        )
    ).ok()["participant"]["consents"]
    sharing = next(c["id"] for c in consents if c["purpose"] == "UNIVERSITY_SHARING")
    assert not (await mutate(client, REVOKE, world.x.token, consentId=sharing))["userErrors"]
    await approved_achievement(
        client, world.x.token, world.moderator, achieved_on=world.day, level="INTERNATIONAL"
    )
    after_revocation = await _batch(resumed)
    about_x = [m for m in after_revocation if m["kind"] == "CHANGE" and m["oldRank"] == 1]
    assert about_x and all(m["participant"] is None for m in about_x)
    await resumed.close()


async def test_who_may_follow_and_bad_arguments(
    state: Any, live_server: Any, client: GraphQLClient
) -> None:
    season = await arrange.fresh_season(state.services.sessions)
    student = await consenting_student(client, None)
    organizer, _ = await staff_token(state, Role.ORGANIZER, f"Орг {season}")
    university, _ = await staff_token(state, Role.UNIVERSITY, f"Уни {season}")
    args = {"s": season, "d": DIRECTION, "top": 10, "after": None}
    for token, code in (
        (None, "UNAUTHENTICATED"),
        (student.token, "FORBIDDEN"),
        (organizer, "FORBIDDEN"),
    ):
        sub = await Subscription.start(live_server.ws_url, token, UPDATES, args)
        message = await sub.message()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == code
        await sub.close()
    for bad in ({**args, "top": 0}, {**args, "d": "NOPE"}, {**args, "after": "garbage"}):
        sub = await Subscription.start(live_server.ws_url, university, UPDATES, bad)
        message = await sub.message()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
        await sub.close()
    assert_code(await client.query(EVENTS, args, token=student.token), "FORBIDDEN")


async def test_cursors_past_the_retention_are_refused(
    state: Any, live_server: Any, client: GraphQLClient
) -> None:
    world = await make_world(state, live_server, client)
    old = (await client.query(EVENTS, {"s": world.season, "d": DIRECTION}, token=world.admin)).ok()
    cursor = old["ratingEvents"]["edges"][0]["cursor"]
    stores = state.services.ratings.stores
    async with stores() as store:  # the retention, applied now (the server does it hourly)
        await purge_rating_events(
            store.session, datetime.now(UTC) + timedelta(seconds=1), store.postgres
        )
        await store.commit()
    expired = await client.query(
        EVENTS, {"s": world.season, "d": DIRECTION, "after": cursor}, token=world.admin
    )
    assert_code(expired, "CURSOR_EXPIRED")
    sub = await Subscription.start(
        live_server.ws_url,
        world.university,
        UPDATES,
        {"s": world.season, "d": DIRECTION, "top": 10, "after": cursor},
    )
    message = await sub.message()
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "CURSOR_EXPIRED"
    await sub.close()
    board = (await client.query(BOARD, {"s": world.season, "d": DIRECTION})).ok()["leaderboard"]
    fresh = await client.query(
        EVENTS,
        {"s": world.season, "d": DIRECTION, "after": board["streamCursor"]},
        token=world.admin,
    )
    assert fresh.ok()["ratingEvents"]["totalCount"] == 0  # reloaded: resumes from here


async def test_colleagues_share_one_execution_and_each_read_is_logged(
    state: Any, live_server: Any, client: GraphQLClient
) -> None:
    """Two accounts of one university get the same message (executed once per viewer
    class: `graphql_schema/shared_results.py`), and the access log records the
    identity each of them was served, under each account."""
    import sqlalchemy as sa

    from persistence.access_journal import settle_now
    from persistence.tables.audit import access_log

    world = await make_world(state, live_server, client)
    colleague, colleague_id = await staff_token(state, Role.UNIVERSITY, f"Уни {world.season}")
    args = {"s": world.season, "d": DIRECTION, "top": 10, "after": None}
    first = await Subscription.start(live_server.ws_url, world.university, UPDATES, args)
    second = await Subscription.start(live_server.ws_url, colleague, UPDATES, args)
    assert await first.quiet(0.5) and await second.quiet(0.1)
    await approved_achievement(
        client, world.x.token, world.moderator, achieved_on=world.day, level="FEDERAL"
    )
    got = [(await sub.data())["ratingUpdates"] for sub in (first, second)]
    assert got[0] == got[1]
    assert got[0]["events"][0]["participant"] == {"lastName": world.x.last_name}
    await first.close()
    await second.close()

    async def logged_viewers() -> set[int]:
        await settle_now(state.services.sessions)
        async with state.services.sessions() as session:
            return set(
                (
                    await session.execute(
                        sa.select(access_log.c.viewer_account_id).where(
                            access_log.c.participant_id == world.x.person.id,
                            access_log.c.operation == "subscription ratingUpdates",
                        )
                    )
                ).scalars()
            )

    # Each subscriber's journal row is written once its message went out, so it may
    # land just after the client read the message: look again until both are there.
    viewers = await eventually(logged_viewers, lambda found: len(found) >= 2)
    university_id = next(iter(viewers - {colleague_id}), None)
    assert colleague_id in viewers and university_id is not None
