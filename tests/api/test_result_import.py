"""Result imports over real HTTP multipart uploads, with files as organizers send them."""

from __future__ import annotations

import json
import random
import uuid
from datetime import date
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from strawberry.relay import GlobalID

from domain.accounts import Role
from persistence.tables.audit import outbox
from tests.support import arrange
from tests.support.graphql import GraphQLClient
from tests.support.uploads import upload

IMPORT = """
mutation($input: ImportResultsInput!) { importResults(input: $input) {
  batch { id status totalRows appliedRows unmatchedRows invalidRows failureReason }
  userErrors { field message code } } }
"""
ROWS = """
query($id: ID!, $state: ImportRowState, $first: Int, $after: String) { node(id: $id) {
  ... on ImportBatch { rows(state: $state, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id rowNumber state reasonCode reason raw } } } } } }
"""
RESULTS = """
query($id: ID!) { event(id: $id) { results(first: 100) { totalCount
  edges { node { status score maxScore place participant { id } } } } } }
"""
RESOLVE = """
mutation($input: ResolveImportRowInput!) { resolveImportRow(input: $input) {
  row { state participant { id } } userErrors { code message } } }
"""


def _tag() -> str:
    return "".join(random.choice("бвгдклмнпрст") for _ in range(8))


def gid(type_name: str, pk: int) -> str:
    return str(GlobalID(type_name, str(pk)))


class World:
    def __init__(self, state: Any, organizer: Any, event_id: int, people: dict[str, int], tag: str):
        self.state = state
        self.organizer = organizer
        self.event_id = event_id
        self.people = people
        self.tag = tag

    @property
    def event_gid(self) -> str:
        return gid("Event", self.event_id)


@pytest.fixture
async def world(state, make_staff) -> World:  # type: ignore[no-untyped-def]
    tag = _tag()
    org_name = f"Организатор {uuid.uuid4().hex[:8]}"
    organizer = await make_staff(Role.ORGANIZER, org_name)
    async with state.services.sessions() as s:
        org_id = (
            await s.execute(
                sa.text("SELECT id FROM organizations WHERE name = :n"), {"n": org_name}
            )
        ).scalar_one()
    event_id = await arrange.event(state.services.sessions, org_id, title=f"Олимпиада {tag}")
    people = [
        {"last_name": f"Иванов{tag}", "first_name": "Иван", "birth_date": date(2010, 1, 15)},
        {"last_name": f"Ёлкина{tag}", "first_name": "Мария", "birth_date": date(2011, 3, 3)},
        {
            "last_name": f"Смирнов{tag}",
            "first_name": "Олег",
            "email": f"smirnov.{tag}@test.example",
        },
        {"last_name": f"Кузнецов{tag}", "first_name": "Глеб"},
        {"last_name": f"Попов{tag}", "first_name": "Лев"},
        {"last_name": f"Петров{tag}", "first_name": "Пётр", "birth_date": date(2010, 5, 5)},
        {"last_name": f"Петров{tag}", "first_name": "Петр", "birth_date": date(2010, 5, 5)},
        {"last_name": f"Сидоров{tag}", "first_name": "Сидор", "birth_date": date(2009, 9, 9)},
    ]
    ids = await arrange.participants(state.services.sessions, people)
    names = ["ivanov", "elkina", "smirnov", "kuznetsov", "popov", "twin1", "twin2", "sidorov"]
    return World(state, organizer, event_id, dict(zip(names, ids, strict=True)), tag)


def cp1251_file(w: World) -> bytes:
    t, p = w.tag, w.people
    lines = [
        "Фамилия;Имя;Дата рождения;Email;ID участника;Статус;Баллы;Макс. балл;Место",
        f"  ИВАНОВ{t.upper()}  ;иван;15.01.2010;;;Победитель;87,5;100;1",
        f"Елкина{t};МАРИЯ;2011-03-03;;;призёр;70;100;2",
        f";;;SMIRNOV.{t.upper()}@TEST.EXAMPLE;;участник;10;100;",
        f";;;;{gid('Participant', p['kuznetsov'])};финалист;50;100;",
        f";;;;{p['popov']};PARTICIPANT;;;",
        f"Петров{t};Петр;05.05.2010;;;участник;1;100;",
        f"Неизвестный{t};Сидор;09.09.2009;;;участник;2;100;",
        f"Сидоров{t};Сидор;31.02.2010;;;участник;3;100;",
        f";;;;{p['sidorov']};участник;120;100;",
        f";;;;{p['ivanov']};участник;5;100;",
        f";;;;{p['sidorov']};чемпион;5;100;",
        ";;;;;;;;",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1251")


async def _import(
    http: httpx.AsyncClient, w: World, content: bytes, name: str, token: str | None = None
) -> dict:
    response = await upload(
        http,
        IMPORT,
        {"input": {"eventId": w.event_gid, "file": None}},
        {"input.file": (name, content, "text/csv")},
        token=token or w.organizer.access_token,
    )
    assert response.status == 200, response.body
    return response.data["importResults"]


async def _rows(client: GraphQLClient, w: World, batch_id: str, state: str | None = None) -> list:
    data = (
        await client.query(
            ROWS, {"id": batch_id, "state": state, "first": 100}, token=w.organizer.access_token
        )
    ).ok()
    return [e["node"] for e in data["node"]["rows"]["edges"]]


async def _outbox(w: World, event_id: int) -> list[dict]:
    async with w.state.services.sessions() as s:
        rows = (
            await s.execute(
                sa.select(outbox.c.payload)
                .where(outbox.c.topic == "results.applied")
                .order_by(outbox.c.id)
            )
        ).scalars()
        return [r for r in rows if r["event_id"] == event_id]


async def test_windows_1251_semicolons_every_error_reported_valid_rows_applied(
    world: World, client: GraphQLClient, live_server
) -> None:
    w = world
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:
        result = await _import(http, w, cp1251_file(w), "итоги.csv")
        assert result["userErrors"] == []
        batch = result["batch"]
        assert (batch["status"], batch["totalRows"]) == ("COMPLETED", 11)
        assert (batch["appliedRows"], batch["unmatchedRows"], batch["invalidRows"]) == (5, 2, 4)

        invalid = await _rows(client, w, batch["id"], "INVALID")
        assert {(r["rowNumber"], r["reasonCode"]) for r in invalid} == {
            (9, "BAD_DATE"),
            (10, "SCORE_ABOVE_MAX"),
            (11, "DUPLICATE_ROW"),
            (12, "UNKNOWN_STATUS"),
        }
        assert all(r["reason"] for r in invalid)
        unmatched = await _rows(client, w, batch["id"], "UNMATCHED")
        assert {(r["rowNumber"], r["reasonCode"]) for r in unmatched} == {
            (7, "AMBIGUOUS_PARTICIPANT"),
            (8, "UNKNOWN_PARTICIPANT"),
        }
        page = (
            await client.query(
                ROWS, {"id": batch["id"], "first": 4}, token=w.organizer.access_token
            )
        ).ok()["node"]["rows"]
        assert page["totalCount"] == 11 and page["pageInfo"]["hasNextPage"]
        assert [e["node"]["rowNumber"] for e in page["edges"]] == [2, 3, 4, 5]

        results = (
            await client.query(RESULTS, {"id": w.event_gid}, token=w.organizer.access_token)
        ).ok()["event"]["results"]
        assert results["totalCount"] == 5
        by_participant = {e["node"]["participant"]["id"]: e["node"] for e in results["edges"]}
        ivanov = by_participant[gid("Participant", w.people["ivanov"])]
        assert (ivanov["status"], ivanov["score"], ivanov["place"]) == ("WINNER", "87.500", 1)
        assert by_participant[gid("Participant", w.people["elkina"])]["status"] == "PRIZE_WINNER"
        messages = await _outbox(w, w.event_id)
        assert len(messages) == 1
        expected = {w.people[k] for k in ("ivanov", "elkina", "smirnov", "kuznetsov", "popov")}
        assert set(messages[0]["participant_ids"]) == expected

        # the same file again: the same batch, nothing changes
        again = await _import(http, w, cp1251_file(w), "итоги (копия).csv")
        assert again["batch"]["id"] == batch["id"]
        assert len(await _outbox(w, w.event_id)) == 1

        # a corrected row updates its result and only that participant is announced
        corrected = cp1251_file(w).replace(";87,5;100;1".encode("cp1251"), b";91;100;1")
        fixed = await _import(http, w, corrected, "итоги-исправлено.csv")
        assert fixed["batch"]["id"] != batch["id"] and fixed["batch"]["appliedRows"] == 5
        messages = await _outbox(w, w.event_id)
        assert len(messages) == 2 and messages[1]["participant_ids"] == [w.people["ivanov"]]
        results = (
            await client.query(RESULTS, {"id": w.event_gid}, token=w.organizer.access_token)
        ).ok()["event"]["results"]
        assert results["totalCount"] == 5
        scores = {e["node"]["participant"]["id"]: e["node"]["score"] for e in results["edges"]}
        assert scores[gid("Participant", w.people["ivanov"])] == "91.000"


async def test_moderator_resolves_unmatched_rows(
    world: World, client: GraphQLClient, live_server, make_staff
) -> None:
    w = world
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:
        batch = (await _import(http, w, cp1251_file(w), "итоги.csv"))["batch"]
    moderator = await make_staff(Role.MODERATOR)
    queue = (
        await client.query(
            "query($e: ID) { unmatchedImportRows(eventId: $e) { totalCount edges { node { id "
            "rowNumber reasonCode } } } }",
            {"e": w.event_gid},
            token=moderator.access_token,
        )
    ).ok()["unmatchedImportRows"]
    assert queue["totalCount"] == 2
    twins_row = next(e["node"] for e in queue["edges"] if e["node"]["rowNumber"] == 7)
    twin = gid("Participant", w.people["twin2"])
    denied = (
        await client.query(
            RESOLVE,
            {"input": {"rowId": twins_row["id"], "participantId": twin}},
            token=w.organizer.access_token,
        )
    ).ok()["resolveImportRow"]
    assert denied["userErrors"][0]["code"] == "FORBIDDEN"
    resolved = (
        await client.query(
            RESOLVE,
            {"input": {"rowId": twins_row["id"], "participantId": twin}},
            token=moderator.access_token,
        )
    ).ok()["resolveImportRow"]
    assert resolved["userErrors"] == [] and resolved["row"]["state"] == "APPLIED"
    assert resolved["row"]["participant"]["id"] == twin
    twice = (
        await client.query(
            RESOLVE,
            {"input": {"rowId": twins_row["id"], "participantId": twin}},
            token=moderator.access_token,
        )
    ).ok()["resolveImportRow"]
    assert twice["userErrors"][0]["code"] == "CONFLICT"
    report = (
        await client.query(
            "query($id: ID!) { node(id: $id) { ... on ImportBatch { appliedRows unmatchedRows } } }",
            {"id": batch["id"]},
            token=w.organizer.access_token,
        )
    ).ok()["node"]
    assert report == {"appliedRows": 6, "unmatchedRows": 1}
    results = (
        await client.query(RESULTS, {"id": w.event_gid}, token=w.organizer.access_token)
    ).ok()["event"]["results"]
    assert results["totalCount"] == 6
    assert (await _outbox(w, w.event_id))[-1]["participant_ids"] == [w.people["twin2"]]


async def test_utf8_bom_with_commas_and_english_headers(
    world: World, client: GraphQLClient, live_server
) -> None:
    w, t, p = world, world.tag, world.people
    lines = [
        "last_name,first_name,birth_date,email,participant_id,status,score,max_score,place",
        f'"Иванов{t}","Иван",2010-01-15,,,WINNER,"99,5",100,1',
        f",,,smirnov.{t}@test.example,,PRIZE_WINNER,80,100,2",
        f",,,nobody.{t}@test.example,,PARTICIPANT,1,100,",
        f",,,,{p['popov']},PARTICIPANT,abc,100,",
        f",,,,{p['kuznetsov']},PARTICIPANT,5,100,0",
    ]
    content = "\ufeff" + "\n".join(lines) + "\n"
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:
        result = await _import(http, w, content.encode("utf-8"), "results.csv")
    batch = result["batch"]
    assert (batch["appliedRows"], batch["unmatchedRows"], batch["invalidRows"]) == (2, 1, 2)
    invalid = await _rows(client, w, batch["id"], "INVALID")
    assert {r["reasonCode"] for r in invalid} == {"BAD_NUMBER", "BAD_PLACE"}
    first = (await _rows(client, w, batch["id"]))[0]
    assert first["raw"]["last_name"] == f"Иванов{t}"  # the BOM is not part of the header


async def test_json_array_rows(world: World, client: GraphQLClient, live_server) -> None:
    w, t, p = world, world.tag, world.people
    rows = [
        {"фамилия": f"Ёлкина{t}", "имя": "мария", "дата рождения": "03.03.2011", "статус": "финалист",
         "баллы": 55.5, "максимум": 60},
        {"participant_id": p["popov"], "status": "WINNER", "place": 1},
        {"participant_id": p["popov"], "status": "WINNER", "place": 1},
        {"email": "broken-email", "status": "WINNER"},
        {"status": "WINNER"},
        ["not", "an", "object"],
    ]  # fmt: skip
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:
        result = await _import(http, w, json.dumps(rows, ensure_ascii=False).encode(), "r.json")
    batch = result["batch"]
    assert (batch["appliedRows"], batch["unmatchedRows"], batch["invalidRows"]) == (2, 0, 4)
    invalid = await _rows(client, w, batch["id"], "INVALID")
    assert [r["reasonCode"] for r in invalid] == [
        "DUPLICATE_ROW",
        "BAD_EMAIL",
        "MISSING_IDENTIFIER",
        "NOT_AN_OBJECT",
    ]


async def test_only_the_events_organizer_or_an_admin_imports(
    world: World, client: GraphQLClient, live_server, make_staff
) -> None:
    w = world
    other = await make_staff(Role.ORGANIZER, f"Другой {uuid.uuid4().hex[:8]}")
    moderator = await make_staff(Role.MODERATOR)
    admin = await make_staff(Role.ADMIN)
    student = (
        await client.query(
            'mutation { registerAnonymous(input: {nickname: "importer"}) { accessToken } }'
        )
    ).ok()["registerAnonymous"]["accessToken"]
    content = f"ID участника;Статус\n{w.people['popov']};участник\n".encode("cp1251")
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:
        for token in (other.access_token, moderator.access_token, student):
            denied = await _import(http, w, content, "x.csv", token=token)
            assert denied["batch"] is None and denied["userErrors"][0]["code"] == "FORBIDDEN"
        allowed = await _import(http, w, content, "x.csv", token=admin.access_token)
        assert allowed["batch"]["appliedRows"] == 1
    results = (await client.query(RESULTS, {"id": w.event_gid}, token=other.access_token)).body
    assert results["data"]["event"]["results"] is None
    assert results["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_unreadable_files_are_refused_and_change_nothing(
    world: World, client: GraphQLClient, live_server
) -> None:
    w = world
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:
        empty = await _import(http, w, b"", "empty.csv")
        assert empty["batch"] is None and "empty" in empty["userErrors"][0]["message"]
        no_status = await _import(http, w, "email;баллы\na@b.cd;1\n".encode(), "x.csv")
        assert "status" in no_status["userErrors"][0]["message"]
        no_csrf = await upload(
            http,
            IMPORT,
            {"input": {"eventId": w.event_gid, "file": None}},
            {"input.file": ("x.csv", b"status\nWINNER\n", "text/csv")},
            token=w.organizer.access_token,
            preflight=False,
        )
        assert no_csrf.status == 400 and no_csrf.codes() == ["BAD_USER_INPUT"]
        assert "preflight" in no_csrf.errors[0]["message"].lower()
    batches = (
        await client.query(
            "query($e: ID!) { importBatches(eventId: $e) { totalCount } }",
            {"e": w.event_gid},
            token=w.organizer.access_token,
        )
    ).ok()
    assert batches["importBatches"]["totalCount"] == 0
