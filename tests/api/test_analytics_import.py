"""Importing career-guidance data through GraphQL, on both databases: every kind of
file, every bad input refused as a whole with the row named, and re-imports that change
nothing."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from domain.accounts import Role
from persistence.tables import analytics as t
from tests.support import arrange
from tests.support.analytics import import_file, questionnaire_csv, unique_code
from tests.support.graphql import GraphQLClient

SEASON = "2026/27"


async def _count(state, table: sa.Table, **where: object) -> int:  # type: ignore[no-untyped-def]
    async with state.services.sessions() as s:
        stmt = sa.select(sa.func.count()).select_from(table)
        for column, value in where.items():
            stmt = stmt.where(table.c[column] == value)
        return int(await s.scalar(stmt) or 0)


@pytest.fixture
async def admin(make_staff):  # type: ignore[no-untyped-def]
    return (await make_staff(Role.ADMIN)).access_token


@pytest.fixture
async def people(state) -> list[int]:  # type: ignore[no-untyped-def]
    return await arrange.participants(state.services.sessions, [{} for _ in range(3)])


async def test_questionnaire_and_responses_import_once_and_reimport_changes_nothing(
    client: GraphQLClient, admin: str, people: list[int], state
) -> None:
    code = unique_code("Q")
    defined = await import_file(client, admin, "QUESTIONNAIRE", questionnaire_csv(code, 2, 2, {1}))
    assert defined.ok()["importAnalyticsData"]["result"]["created"] == 1
    p1, p2, _ = people
    csv_text = (
        "participant,season,i1,i2,i3,i4,time_i1,time_i2,time_i3,time_i4\n"
        f"{p1},{SEASON},1,2,3,4,5.5,6,7,8\n"
        f"{p2},{SEASON},5,,3,1,,,,\n"
    )
    first = await import_file(client, admin, "RESPONSES", csv_text, target=code)
    result = first.ok()["importAnalyticsData"]
    assert result["userErrors"] == []
    assert result["result"] == {
        "kind": "RESPONSES",
        "applied": True,
        "totalRows": 2,
        "invalidRows": 0,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "problems": [],
    }
    again = (await import_file(client, admin, "RESPONSES", csv_text, target=code)).ok()
    assert again["importAnalyticsData"]["result"]["unchanged"] == 2
    assert again["importAnalyticsData"]["result"]["created"] == 0
    # a corrected row updates its response; JSON names the same columns
    corrected = json.dumps(
        [{"participant": p2, "season": SEASON, "answers": [5, 4, 3, 1], "times": None}]
    )
    fixed = await import_file(client, admin, "RESPONSES", corrected, target=code, filename="r.json")
    assert fixed.ok()["importAnalyticsData"]["result"]["updated"] == 1
    async with state.services.sessions() as s:
        answers = await s.scalar(
            sa.select(t.questionnaire_responses.c.answers).where(
                t.questionnaire_responses.c.participant_id == p2
            )
        )
    assert answers == [5, 4, 3, 1]
    definitions = (
        await client.query("{ questionnaires { code items { code reverseKeyed } } }")
    ).ok()
    mine = [q for q in definitions["questionnaires"] if q["code"] == code]
    assert [i["reverseKeyed"] for i in mine[0]["items"]] == [False, True, False, False]


@pytest.mark.parametrize(
    "content,row,fragment",
    [
        ("participant,season,i1,i2,i3,i4\n{p},2026/27,1,2,x,4\n", 1, "'x' is not a number"),
        (
            "participant,season,i1,i2,i3,i4\n{p},2026/27,1,2,3,4\n{p2},2026/27,1,9,3,4\n",
            2,
            "9 is outside 1–5",
        ),
        (
            "participant,season,i1,i2,i3,i4\n{p},2026/27,1,2,3,4\n{p2},2026/27,1,2,3\n",
            2,
            "expected 6 values, found 5",
        ),
        ("participant,season,i1,i2,i3,i4\n{p},2026/27,1,2.5,3,4\n", 1, "not a whole number"),
        (
            "participant,season,i1,i2,i3,i4\n999999999,2026/27,1,2,3,4\n",
            1,
            "no participant with id 999999999",
        ),
        ("participant,season,i1,i2,i3,i4\n{p},1999/00,1,2,3,4\n", 1, "unknown season"),
        (
            "participant,season,i1,i2,i3,i4\n{p},2026/27,1,2,3,4\n{p},2026/27,1,2,3,4\n",
            2,
            "repeats the respondent",
        ),
    ],
)
async def test_bad_rows_refuse_the_whole_file_and_name_the_row(
    client: GraphQLClient,
    admin: str,
    people: list[int],
    state,
    content: str,
    row: int,
    fragment: str,
) -> None:
    code = unique_code("Q")
    await import_file(client, admin, "QUESTIONNAIRE", questionnaire_csv(code, 2, 2))
    text = content.format(p=people[0], p2=people[1])
    response = (await import_file(client, admin, "RESPONSES", text, target=code)).ok()
    payload = response["importAnalyticsData"]
    assert payload["result"]["applied"] is False
    assert any(
        p["row"] == row and fragment in p["reason"] for p in payload["result"]["problems"]
    ), payload
    assert payload["userErrors"][0]["code"] == "BAD_USER_INPUT"
    assert (
        f"Row {row}" in payload["userErrors"][0]["message"]
        or "row" in payload["userErrors"][0]["message"]
    )
    async with state.services.sessions() as s:
        qid = await s.scalar(
            sa.select(t.questionnaires.c.id).where(t.questionnaires.c.code == code)
        )
    assert await _count(state, t.questionnaire_responses, questionnaire_id=qid) == 0


@pytest.mark.parametrize(
    "content,message",
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("participant,season,i1,i2,i3,i4\n", "no data rows"),
        ("participant,season,i1,i2,i3\n1,2026/27,1,2,3\n", "Missing column(s): i4"),
        ("participant,season,i1,i2,i3,i4,extra\n1,2026/27,1,2,3,4,5\n", "Unknown column(s): extra"),
    ],
)
async def test_empty_or_malformed_files_are_refused(
    client: GraphQLClient, admin: str, content: str, message: str
) -> None:
    code = unique_code("Q")
    await import_file(client, admin, "QUESTIONNAIRE", questionnaire_csv(code, 2, 2))
    payload = (await import_file(client, admin, "RESPONSES", content, target=code)).ok()
    errors = payload["importAnalyticsData"]["userErrors"]
    assert payload["importAnalyticsData"]["result"] is None
    assert errors and message in errors[0]["message"] and errors[0]["code"] == "BAD_USER_INPUT"


async def test_choices_profiles_trials_and_tests_import_idempotently(
    client: GraphQLClient, admin: str, people: list[int], state
) -> None:
    p1, p2, p3 = people
    files = [
        (
            "CHOICES",
            f"participant,season,professions\n{p1},{SEASON},SOFTWARE_DEVELOPER;WEB_DEVELOPER\n{p2},{SEASON},DESIGN_ENGINEER\n",
        ),
        (
            "PROFILES",
            f"participant,season,region,average_mark,club_activity\n{p1},{SEASON},77,4.75,true\n{p2},{SEASON},,3.2,no\n{p3},{SEASON},66,,\n",
        ),
        (
            "TRIALS",
            f"participant,profession,kind,date,region\n{p1},SOFTWARE_DEVELOPER,TRIAL,2026-10-05,77\n{p3},DESIGN_ENGINEER,FESTIVAL,2027-03-01,66\n",
        ),
    ]
    for kind, text in files:
        first = (await import_file(client, admin, kind, text)).ok()["importAnalyticsData"]
        assert first["userErrors"] == [] and first["result"]["applied"], first
        again = (await import_file(client, admin, kind, text)).ok()["importAnalyticsData"]["result"]
        assert again["created"] == 0 and again["updated"] == 0 and again["unchanged"] >= 2
    assert await _count(state, t.profession_choices, participant_id=p1) == 2
    changed = f"participant,season,professions\n{p1},{SEASON},NURSE_UNKNOWN\n"
    refused = (await import_file(client, admin, "CHOICES", changed)).ok()["importAnalyticsData"]
    assert "unknown profession 'NURSE_UNKNOWN'" in refused["result"]["problems"][0]["reason"]
    replaced = f"participant,season,professions\n{p1},{SEASON},DESIGN_ENGINEER\n"
    updated = (await import_file(client, admin, "CHOICES", replaced)).ok()["importAnalyticsData"]
    assert updated["result"]["updated"] == 1
    assert await _count(state, t.profession_choices, participant_id=p1) == 1
    bad_mark = f"participant,season,region,average_mark,club_activity\n{p1},{SEASON},77,6,true\n"
    refused = (await import_file(client, admin, "PROFILES", bad_mark)).ok()["importAnalyticsData"]
    assert "6 is outside 2–5" in refused["result"]["problems"][0]["reason"]

    code = unique_code("T")
    test_csv = "test,title,item,correct_option,option_count\n" + "".join(
        f"{code},Тест,t{j},{j % 4 + 1},4\n" for j in range(1, 5)
    )
    assert (await import_file(client, admin, "TEST", test_csv)).ok()["importAnalyticsData"][
        "result"
    ]["created"] == 1
    attempts = json.dumps(
        [
            {
                "participant": p1,
                "season": SEASON,
                "answers": [2, 3, None, 1],
                "times": [10, 12.5, None, 9],
            }
        ]
    )
    done = (
        await import_file(client, admin, "ATTEMPTS", attempts, target=code, filename="a.json")
    ).ok()
    assert done["importAnalyticsData"]["result"]["created"] == 1
    wrong = json.dumps([{"participant": p2, "season": SEASON, "answers": [5, 1, 1, 1]}])
    refused = (
        await import_file(client, admin, "ATTEMPTS", wrong, target=code, filename="a.json")
    ).ok()
    assert "5 is outside 1–4" in refused["importAnalyticsData"]["result"]["problems"][0]["reason"]


async def test_only_staff_import(client: GraphQLClient, make_staff, admin: str) -> None:  # type: ignore[no-untyped-def]
    text = questionnaire_csv(unique_code("Q"), 2, 2)
    anonymous = await import_file(client, None, "QUESTIONNAIRE", text)
    assert anonymous.codes() == ["UNAUTHENTICATED"]
    organizer = await make_staff(Role.ORGANIZER, organization="Org " + unique_code("o"))
    denied = await import_file(client, organizer.access_token, "QUESTIONNAIRE", text)
    assert denied.codes() == ["FORBIDDEN"]
    moderator = await make_staff(Role.MODERATOR)
    allowed = await import_file(client, moderator.access_token, "QUESTIONNAIRE", text)
    assert allowed.ok()["importAnalyticsData"]["result"]["applied"]
