"""Achievements over real HTTP: claims with evidence, the workflow, moderators'
decisions (concurrent ones too), the queue, and the link to imported results."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from strawberry.relay import GlobalID

from domain.accounts import Role
from persistence.tables.achievements import achievement_transitions
from persistence.tables.audit import outbox
from tests.support import arrange
from tests.support.graphql import GraphQLClient
from tests.support.uploads import upload

FIELDS = (
    "id status version linkedToResult decisionComment evidence { kind contentType filename url }"
)
CREATE = (
    "mutation($input: AchievementClaimInput!) { createAchievement(input: $input) { achievement "
    "{ %s } userErrors { field code message } } }" % FIELDS
)
EVIDENCE = (
    "mutation($input: AddAchievementEvidenceInput!) { addAchievementEvidence(input: $input) { "
    "evidence { kind contentType filename url sizeBytes downloadPath } userErrors { field code message } } }"
)
SUBMIT = (
    "mutation($input: AchievementIdInput!) { submitAchievement(input: $input) { achievement "
    "{ %s } userErrors { field code message } } }" % FIELDS
)
DECIDE = (
    "mutation($input: DecideAchievementInput!) { decideAchievement(input: $input) { achievement "
    "{ %s } userErrors { field code message } } }" % FIELDS
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.4\n%test\n"


def claim(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": f"Диплом {uuid.uuid4().hex[:6]}",
        "kind": "OLYMPIAD",
        "level": "REGIONAL",
        "resultStatus": "PRIZE_WINNER",
        "achievedOn": "2026-10-10",
        "directions": ["ROBOTICS_PROGRAMMING"],
    }
    values.update(overrides)
    return values


async def student(client: GraphQLClient) -> tuple[str, str]:
    data = (
        await client.query(
            "mutation($n: String!) { registerAnonymous(input: {nickname: $n}) { accessToken "
            "account { participant { id } } } }",
            {"n": f"s_{uuid.uuid4().hex[:8]}"},
        )
    ).ok()["registerAnonymous"]
    return data["accessToken"], data["account"]["participant"]["id"]


async def submitted(client: GraphQLClient, token: str, **overrides: Any) -> dict[str, Any]:
    made = (await client.query(CREATE, {"input": claim(**overrides)}, token=token)).ok()
    achievement = made["createAchievement"]["achievement"]
    link = {"achievementId": achievement["id"], "url": "https://olymp.example/d/1"}
    assert (await client.query(EVIDENCE, {"input": link}, token=token)).ok()[
        "addAchievementEvidence"
    ]["userErrors"] == []
    done = (await client.query(SUBMIT, {"input": {"id": achievement["id"]}}, token=token)).ok()
    assert done["submitAchievement"]["userErrors"] == [], done
    return dict(done["submitAchievement"]["achievement"])


async def decide(
    client: GraphQLClient, token: str, achievement: dict, decision: str, comment: str | None = None
) -> dict[str, Any]:
    payload = {"id": achievement["id"], "decision": decision, "version": achievement["version"],
               "comment": comment}  # fmt: skip
    return dict(
        (await client.query(DECIDE, {"input": payload}, token=token)).ok()["decideAchievement"]
    )


async def test_claim_with_evidence_files_checked_by_content(
    client: GraphQLClient, live_server, settings
) -> None:  # type: ignore[no-untyped-def]
    token, _ = await student(client)
    made = (await client.query(CREATE, {"input": claim()}, token=token)).ok()["createAchievement"]
    achievement = made["achievement"]
    assert achievement["status"] == "DRAFT"
    target = {"achievementId": achievement["id"], "file": None}
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:

        async def send(name: str, content: bytes, preflight: bool = True) -> Any:
            return await upload(http, EVIDENCE, {"input": target},
                                {"input.file": (name, content, "application/pdf")},
                                token=token, preflight=preflight)  # fmt: skip

        png = (await send("диплом.pdf", PNG)).data["addAchievementEvidence"]
        assert png["userErrors"] == []
        assert (png["evidence"]["contentType"], png["evidence"]["filename"]) == (
            "image/png",
            "диплом.png",
        )
        assert png["evidence"]["downloadPath"].startswith("/files/evidence/")
        pdf = (await send("scan.jpg", PDF)).data["addAchievementEvidence"]
        assert pdf["evidence"]["contentType"] == "application/pdf"
        fake = (await send("virus.pdf", b"MZ\x90\x00" + b"\0" * 100)).data
        assert fake["addAchievementEvidence"]["userErrors"][0]["code"] == "BAD_USER_INPUT"
        assert "PDF, PNG and JPEG" in fake["addAchievementEvidence"]["userErrors"][0]["message"]
        empty = (await send("empty.pdf", b"")).data["addAchievementEvidence"]
        assert "empty" in empty["userErrors"][0]["message"]
        big = PDF + b"\0" * settings.evidence_max_bytes
        oversized = (await send("big.pdf", big)).data["addAchievementEvidence"]
        assert "limit" in oversized["userErrors"][0]["message"]
        no_csrf = await send("x.pdf", PDF, preflight=False)
        assert no_csrf.status == 400 and no_csrf.codes() == ["BAD_USER_INPUT"]
        downloaded = await http.get(
            png["evidence"]["downloadPath"], headers={"Authorization": f"Bearer {token}"}
        )
        assert downloaded.status_code == 200 and downloaded.content == PNG
        assert downloaded.headers["content-type"] == "image/png"
        anonymous = await http.get(png["evidence"]["downloadPath"])
        assert anonymous.status_code == 404
    listed = (
        await client.query(
            "query($id: ID!) { node(id: $id) { ... on Achievement { evidence { kind } } } }",
            {"id": achievement["id"]},
            token=token,
        )
    ).ok()
    assert [e["kind"] for e in listed["node"]["evidence"]] == ["FILE", "FILE"]


async def test_workflow_refuses_illegal_moves_and_records_who_when_why(
    client: GraphQLClient, make_staff, state
) -> None:  # type: ignore[no-untyped-def]
    token, _ = await student(client)
    moderator = await make_staff(Role.MODERATOR)
    organizer = await make_staff(Role.ORGANIZER, f"Орг {uuid.uuid4().hex[:6]}")
    draft = (await client.query(CREATE, {"input": claim()}, token=token)).ok()
    draft = draft["createAchievement"]["achievement"]
    early = await decide(client, moderator.access_token, draft, "APPROVED")
    assert early["userErrors"][0]["code"] == "BAD_USER_INPUT"  # DRAFT → APPROVED
    no_evidence = (await client.query(SUBMIT, {"input": {"id": draft["id"]}}, token=token)).ok()
    assert "evidence" in no_evidence["submitAchievement"]["userErrors"][0]["message"]

    claim_ = await submitted(client, token)
    assert claim_["status"] == "SUBMITTED"
    for who in (organizer.access_token, token):
        refused = await decide(client, who, claim_, "APPROVED")
        assert refused["userErrors"][0]["code"] == "FORBIDDEN"
    silent = await decide(client, moderator.access_token, claim_, "NEEDS_CHANGES")
    assert silent["userErrors"][0]["field"] == "comment"
    back = await decide(client, moderator.access_token, claim_, "NEEDS_CHANGES", "Нужен скан")
    assert back["achievement"]["status"] == "NEEDS_CHANGES"
    assert back["achievement"]["decisionComment"] == "Нужен скан"
    again = await decide(client, moderator.access_token, back["achievement"], "APPROVED")
    assert again["userErrors"][0]["code"] == "BAD_USER_INPUT"  # NEEDS_CHANGES → APPROVED
    resubmitted = (await client.query(SUBMIT, {"input": {"id": claim_["id"]}}, token=token)).ok()
    current = resubmitted["submitAchievement"]["achievement"]
    stale = await decide(client, moderator.access_token, claim_, "APPROVED")
    assert stale["userErrors"][0]["code"] == "CONFLICT"  # an old version
    approved = await decide(client, moderator.access_token, current, "APPROVED")
    assert approved["achievement"]["status"] == "APPROVED"
    for decision in ("REJECTED", "NEEDS_CHANGES", "APPROVED"):
        final = await decide(client, moderator.access_token, approved["achievement"], decision, "x")
        assert final["userErrors"][0]["code"] == "BAD_USER_INPUT"
    resubmit = (await client.query(SUBMIT, {"input": {"id": claim_["id"]}}, token=token)).ok()
    assert resubmit["submitAchievement"]["userErrors"][0]["code"] == "BAD_USER_INPUT"

    history = (
        await client.query(
            "query($id: ID!) { node(id: $id) { ... on Achievement { transitions { fromStatus "
            "toStatus comment at } } } }",
            {"id": claim_["id"]},
            token=token,
        )
    ).ok()["node"]["transitions"]
    assert [(h["fromStatus"], h["toStatus"]) for h in history] == [
        ("DRAFT", "SUBMITTED"),
        ("SUBMITTED", "NEEDS_CHANGES"),
        ("NEEDS_CHANGES", "SUBMITTED"),
        ("SUBMITTED", "APPROVED"),
    ]
    assert history[1]["comment"] == "Нужен скан" and all(h["at"] for h in history)


@pytest.mark.parametrize("rounds", [12])
async def test_two_concurrent_decisions_exactly_one_wins(
    client: GraphQLClient, live_server, make_staff, state, rounds: int
) -> None:  # type: ignore[no-untyped-def]
    token, _ = await student(client)
    first, second = await make_staff(Role.MODERATOR), await make_staff(Role.MODERATOR)
    claims = [await submitted(client, token) for _ in range(rounds)]
    async with (
        httpx.AsyncClient(base_url=live_server.url, timeout=60) as a,
        httpx.AsyncClient(base_url=live_server.url, timeout=60) as b,
    ):

        async def send(http: httpx.AsyncClient, who: Any, c: dict, decision: str) -> dict:
            payload = {"id": c["id"], "decision": decision, "version": c["version"],
                       "comment": "решение"}  # fmt: skip
            response = await http.post(
                "/graphql",
                json={"query": DECIDE, "variables": {"input": payload}},
                headers={"Authorization": f"Bearer {who.access_token}"},
            )
            return dict(response.json()["data"]["decideAchievement"])

        for c in claims:
            one, two = await asyncio.gather(
                send(a, first, c, "APPROVED"), send(b, second, c, "REJECTED")
            )
            outcomes = sorted(bool(r["achievement"]) for r in (one, two))
            assert outcomes == [False, True], (one, two)
            loser = one if not one["achievement"] else two
            assert loser["userErrors"][0]["code"] == "CONFLICT"
    ids = [int(GlobalID.from_id(c["id"]).node_id) for c in claims]
    async with state.services.sessions() as s:
        decisions = (
            await s.execute(
                sa.select(achievement_transitions.c.achievement_id, sa.func.count())
                .where(
                    achievement_transitions.c.achievement_id.in_(ids),
                    achievement_transitions.c.from_status == "SUBMITTED",
                )
                .group_by(achievement_transitions.c.achievement_id)
            )
        ).all()
        messages = (
            await s.execute(
                sa.select(outbox.c.payload).where(outbox.c.topic == "achievement.decided")
            )
        ).scalars()
        decided = [m["achievement_id"] for m in messages if m["achievement_id"] in ids]
    assert sorted(decisions) == [(i, 1) for i in sorted(ids)]
    assert sorted(decided) == sorted(ids)


async def test_queue_filters_and_approved_claim_links_to_the_imported_result(
    client: GraphQLClient, live_server, make_staff, state
) -> None:  # type: ignore[no-untyped-def]
    moderator = await make_staff(Role.MODERATOR)
    org_name = f"Орг {uuid.uuid4().hex[:6]}"
    organizer = await make_staff(Role.ORGANIZER, org_name)
    async with state.services.sessions() as s:
        org_id = (
            await s.execute(
                sa.text("SELECT id FROM organizations WHERE name = :n"), {"n": org_name}
            )
        ).scalar_one()
    event_id = await arrange.event(state.services.sessions, org_id, title=f"Финал {org_name}")
    event_gid = str(GlobalID("Event", str(event_id)))
    token, participant_gid = await student(client)
    participant_id = int(GlobalID.from_id(participant_gid).node_id)
    tag = uuid.uuid4().hex[:6]
    federal = await submitted(client, token, level="FEDERAL", title=f"Федеральный {tag}",
                              directions=["PYTHON_PROGRAMMING"], eventId=event_gid)  # fmt: skip
    await submitted(client, token, level="SCHOOL", title=f"Школьный {tag}")

    queue = """query($f: AchievementQueueFilter) { achievementQueue(filter: $f, first: 100) {
      totalCount edges { node { id title level } } } }"""

    async def titles(f: dict) -> set[str]:
        data = (await client.query(queue, {"f": f}, token=moderator.access_token)).ok()
        return {
            e["node"]["title"]
            for e in data["achievementQueue"]["edges"]
            if tag in e["node"]["title"]
        }

    assert await titles({}) == {f"Федеральный {tag}", f"Школьный {tag}"}
    assert await titles({"level": "FEDERAL"}) == {f"Федеральный {tag}"}
    assert await titles({"direction": "PYTHON_PROGRAMMING"}) == {f"Федеральный {tag}"}
    assert await titles({"minAgeDays": 1}) == set()
    assert await titles({"maxAgeDays": 1}) == {f"Федеральный {tag}", f"Школьный {tag}"}
    assert await titles({"status": "APPROVED"}) == set()
    assert await titles({"region": "77"}) == set()  # the student has no region
    refused = await client.query(queue, {"f": {}}, token=token)
    assert refused.codes() == ["FORBIDDEN"]

    # the result arrives first, then the claim is approved: linked
    content = f"participant_id;status;place\n{participant_id};PRIZE_WINNER;2\n".encode()
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as http:
        imported = await upload(
            http,
            "mutation($input: ImportResultsInput!) { importResults(input: $input) { batch { appliedRows } userErrors { message } } }",
            {"input": {"eventId": event_gid, "file": None}},
            {"input.file": ("r.csv", content, "text/csv")},
            token=organizer.access_token,
        )
    assert imported.data["importResults"]["batch"]["appliedRows"] == 1
    approved = await decide(client, moderator.access_token, federal, "APPROVED")
    assert approved["achievement"]["linkedToResult"] is True
