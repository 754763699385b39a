"""The quality-flag workflow end to end: an admin runs the rule over stored responses,
moderators review flags with their indices and confirm or clear them, only staff see a
participant's flags, and uncleared flags keep respondents out of the regional index."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from strawberry.relay import GlobalID

from domain.accounts import Role
from domain.analytics.careless_synthetic import STRAIGHT_LINE, generate_questionnaire
from persistence.tables.people import participants
from tests.conftest import unique_email
from tests.support import arrange
from tests.support.analytics import import_file, unique_code
from tests.support.graphql import GraphQLClient, assert_forbidden_at

SEASON = "2025/26"
COMPUTE = """mutation($input: ComputeQualityFlagsInput!) { computeQualityFlags(input: $input) {
  run { respondents flagged created updated removed hurdles notes } userErrors { code message } } }"""
FLAGS = """query($code: String, $status: QualityFlagStatus) {
  qualityFlags(instrument: $code, status: $status, first: 100) { totalCount
    edges { node { id status failedHurdles instrumentCode season answers
      indices { name value } } } } }"""
DECIDE = """mutation($input: DecideQualityFlagInput!) { decideQualityFlag(input: $input) {
  flag { id status comment decidedAt } userErrors { code message } } }"""
INDEX = """query($season: String!) { regionalIndex(season: $season) { respondents excludedRespondents
  target(kind: PROFESSION, code: "SOFTWARE_DEVELOPER") { region { code } n k } } }"""


def _questionnaire_csv(code: str, reverse: list[bool]) -> str:
    rows = ["questionnaire,title,scale_min,scale_max,item,scale,reverse"]
    rows += [
        f"{code},Интересы,1,5,i{j + 1},S{j // 5},{str(flag).lower()}"
        for j, flag in enumerate(reverse)
    ]
    return "\n".join(rows) + "\n"


@pytest.fixture
def make_world(client: GraphQLClient, state, make_staff):  # type: ignore[no-untyped-def]
    return lambda season: _world(client, state, make_staff, season)


async def _participant_of(state, account_gid: str) -> int:  # type: ignore[no-untyped-def]
    account_id = int(GlobalID.from_id(account_gid).node_id)
    async with state.services.sessions() as s:
        return int(
            await s.scalar(
                sa.select(participants.c.id).where(participants.c.account_id == account_id)
            )
        )


async def _world(client: GraphQLClient, state, make_staff, season: str) -> dict:  # type: ignore[no-untyped-def]
    admin = (await make_staff(Role.ADMIN)).access_token
    moderator = (await make_staff(Role.MODERATOR)).access_token
    student = (
        await client.query(
            "mutation($input: RegisterStudentInput!) { registerStudent(input: $input) "
            "{ accessToken account { id } } }",
            {
                "input": {
                    "email": unique_email("resp"),
                    "password": "student-pass",
                    "nickname": "resp_one",
                }
            },
        )
    ).ok()["registerStudent"]
    student_pid = await _participant_of(state, student["account"]["id"])
    data = generate_questionnaire(300, seed=7)
    others = await arrange.participants(state.services.sessions, [{} for _ in range(299)])
    straight = next(i for i, label in enumerate(data.labels) if label == STRAIGHT_LINE)
    pids = [*others[:straight], student_pid, *others[straight:]]
    code = unique_code("Q")
    defined = await import_file(
        client, admin, "QUESTIONNAIRE", _questionnaire_csv(code, list(data.reverse_keyed))
    )
    assert defined.ok()["importAnalyticsData"]["result"]["applied"]
    header = "participant,season," + ",".join(f"i{j + 1}" for j in range(50))
    lines = [header] + [
        f"{pid},{season}," + ",".join(str(int(v)) for v in row)
        for pid, row in zip(pids, data.answers, strict=True)
    ]
    loaded = await import_file(client, admin, "RESPONSES", "\n".join(lines) + "\n", target=code)
    assert loaded.ok()["importAnalyticsData"]["result"]["created"] == 300
    choices = "participant,season,professions\n" + "".join(
        f"{p},{season},SOFTWARE_DEVELOPER\n" for p in pids
    )
    profiles = "participant,season,region,average_mark,club_activity\n" + "".join(
        f"{p},{season},77,4.5,false\n" for p in pids
    )
    for kind, text in (("CHOICES", choices), ("PROFILES", profiles)):
        assert (await import_file(client, admin, kind, text)).ok()["importAnalyticsData"]["result"][
            "applied"
        ]
    return {
        "admin": admin,
        "moderator": moderator,
        "student": student["accessToken"],
        "student_gid": str(GlobalID("Participant", str(student_pid))),
        "code": code,
        "labels": list(data.labels),
        "pids": pids,
    }


async def test_flags_are_computed_reviewed_and_decided(client: GraphQLClient, make_world) -> None:  # type: ignore[no-untyped-def]
    world = await make_world(SEASON)
    code = world["code"]
    denied = await client.query(
        COMPUTE, {"input": {"questionnaire": code}}, token=world["moderator"]
    )
    assert denied.codes() == ["FORBIDDEN"]
    run = (
        await client.query(
            COMPUTE, {"input": {"questionnaire": code, "season": SEASON}}, token=world["admin"]
        )
    ).ok()
    run = run["computeQualityFlags"]["run"]
    careless = sum(label != "attentive" for label in world["labels"])
    assert run["respondents"] == 300
    assert careless * 0.9 <= run["flagged"] <= careless + 5
    assert run["created"] == run["flagged"] and "longstring" in run["hurdles"]

    listed = (await client.query(FLAGS, {"code": code}, token=world["moderator"])).ok()[
        "qualityFlags"
    ]
    assert listed["totalCount"] == run["flagged"]
    nodes = [e["node"] for e in listed["edges"]]
    assert all(
        n["failedHurdles"] and n["status"] == "FLAGGED" and n["season"] == SEASON for n in nodes
    )
    mine = [n for n in nodes if "longstring" in n["failedHurdles"]]
    assert mine and len(set(mine[0]["answers"])) == 1  # a straight-liner's own answers
    assert {i["name"] for i in mine[0]["indices"]} >= {"longstr", "irv", "mahad_dsq", "evenodd"}
    assert (await client.query(FLAGS, {"code": code}, token=world["student"])).codes() == [
        "FORBIDDEN"
    ]
    assert (await client.query(FLAGS, {"code": code})).codes() == ["FORBIDDEN"]

    # uncleared flags keep respondents out of the index; clearing brings one back
    index = (await client.query(INDEX, {"season": SEASON}, token=world["admin"])).ok()[
        "regionalIndex"
    ]
    assert index["excludedRespondents"] == run["flagged"]
    moscow = next(c for c in index["target"] if c["region"]["code"] == "77")
    assert moscow["n"] == moscow["k"] == 300 - run["flagged"]

    cleared = (
        await client.query(
            DECIDE,
            {"input": {"flagId": mine[0]["id"], "decision": "CLEARED", "comment": "проверено"}},
            token=world["moderator"],
        )
    ).ok()["decideQualityFlag"]
    assert cleared["flag"]["status"] == "CLEARED" and cleared["flag"]["comment"] == "проверено"
    again = (
        await client.query(
            DECIDE,
            {"input": {"flagId": mine[0]["id"], "decision": "CONFIRMED"}},
            token=world["moderator"],
        )
    ).ok()["decideQualityFlag"]
    assert again["userErrors"][0]["code"] == "CONFLICT"
    by_admin = await client.query(
        DECIDE, {"input": {"flagId": nodes[1]["id"], "decision": "CONFIRMED"}}, token=world["admin"]
    )
    assert by_admin.codes() == ["FORBIDDEN"]
    confirmed_id = next(n["id"] for n in nodes if n["id"] != mine[0]["id"])
    confirmed = (
        await client.query(
            DECIDE,
            {"input": {"flagId": confirmed_id, "decision": "CONFIRMED"}},
            token=world["moderator"],
        )
    ).ok()["decideQualityFlag"]
    assert confirmed["flag"]["status"] == "CONFIRMED"
    missing = (
        await client.query(
            DECIDE,
            {"input": {"flagId": "not-an-id", "decision": "CLEARED"}},
            token=world["moderator"],
        )
    ).ok()["decideQualityFlag"]
    assert missing["userErrors"][0]["code"] == "BAD_USER_INPUT"

    index = (await client.query(INDEX, {"season": SEASON})).ok()["regionalIndex"]
    assert index["excludedRespondents"] == run["flagged"] - 1
    moscow = next(c for c in index["target"] if c["region"]["code"] == "77")
    assert moscow["n"] == 300 - run["flagged"] + 1

    # a rerun keeps the moderators' decisions and changes no flag
    rerun = (
        await client.query(
            COMPUTE, {"input": {"questionnaire": code, "season": SEASON}}, token=world["admin"]
        )
    ).ok()
    assert rerun["computeQualityFlags"]["run"]["created"] == 0
    assert rerun["computeQualityFlags"]["run"]["removed"] == 0
    statuses = (
        await client.query(FLAGS, {"code": code, "status": None}, token=world["admin"])
    ).ok()
    counted = [e["node"]["status"] for e in statuses["qualityFlags"]["edges"]]
    assert counted.count("CLEARED") == 1 and counted.count("CONFIRMED") == 1


async def test_only_staff_see_a_participants_flags(client: GraphQLClient, make_world) -> None:  # type: ignore[no-untyped-def]
    world = await make_world("2027/28")
    code = world["code"]
    (
        await client.query(
            COMPUTE, {"input": {"questionnaire": code, "season": "2027/28"}}, token=world["admin"]
        )
    ).ok()
    query = "query($id: ID!) { participant(id: $id) { id dataQualityFlags { id status failedHurdles } } }"
    own = await client.query(query, {"id": world["student_gid"]}, token=world["student"])
    assert_forbidden_at(own, ["participant", "dataQualityFlags"])
    staff = (await client.query(query, {"id": world["student_gid"]}, token=world["moderator"])).ok()
    flags = staff["participant"]["dataQualityFlags"]
    assert flags[0]["status"] == "FLAGGED" and "longstring" in flags[0]["failedHurdles"]
    node = "query($id: ID!) { node(id: $id) { ... on QualityFlag { status } } }"
    assert (await client.query(node, {"id": flags[0]["id"]}, token=world["student"])).ok()[
        "node"
    ] is None
    assert (await client.query(node, {"id": flags[0]["id"]}, token=world["moderator"])).ok()[
        "node"
    ]["status"] == "FLAGGED"
