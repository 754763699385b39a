"""Helpers for the rating tests: verified students with consents, result imports
and achievement approvals through the API, and waiting for the consumer."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import httpx

from domain.accounts import Role
from tests.support import arrange
from tests.support.graphql import GraphQLClient
from tests.support.privacy import (
    PROFILE,
    UPDATE_PROFILE,
    Person,
    birth_date_for_age,
    gid,
    grant,
    mutate,
    student,
)
from tests.support.uploads import upload

T = TypeVar("T")

VERIFY = """mutation($input: VerifyParticipantByDocumentInput!) {
  verifyParticipantByDocument(input: $input) { participant { id status }
  userErrors { code message } } }"""
IMPORT = """mutation($input: ImportResultsInput!) { importResults(input: $input) {
  batch { id status appliedRows invalidRows unmatchedRows } userErrors { code message } } }"""
CREATE = """mutation($input: AchievementClaimInput!) { createAchievement(input: $input) {
  achievement { id version } userErrors { field code message } } }"""
EVIDENCE = """mutation($input: AddAchievementEvidenceInput!) { addAchievementEvidence(input: $input)
  { userErrors { code message } } }"""
SUBMIT = """mutation($input: AchievementIdInput!) { submitAchievement(input: $input) {
  achievement { id version status } userErrors { code message } } }"""
DECIDE = """mutation($input: DecideAchievementInput!) { decideAchievement(input: $input) {
  achievement { id status } userErrors { code message } } }"""
BOARD = """query($s: String!, $d: String!, $first: Int, $after: String, $f: LeaderboardFilter) {
  leaderboard(season: $s, direction: $d, first: $first, after: $after, filter: $f) {
    totalCount rankedCount streamCursor rulesVersion frozen
    pageInfo { hasNextPage endCursor }
    edges { node { rank points participant { id nickname lastName } } } } }"""


@dataclass
class Student:
    person: Person
    last_name: str

    @property
    def gid(self) -> str:
        return self.person.gid

    @property
    def token(self) -> str:
        return self.person.token


async def consenting_student(
    client: GraphQLClient,
    moderator: str | None,
    *,
    purposes: tuple[str, ...] = (),
    region: str = "66",
    grade: int = 10,
) -> Student:
    """An adult student with PROCESSING and a profile, the given extra consents, and
    (with a moderator's token) a verified identity."""
    person = await student(client)
    done = await grant(
        client, person.token, person.gid, "PROCESSING", birthDate=str(birth_date_for_age(19))
    )
    assert not done["userErrors"], done
    last_name = "Фамилия" + "".join("абвгдежзиклмнопрст"[b % 18] for b in uuid.uuid4().bytes[:6])
    profile = {**PROFILE, "lastName": last_name, "regionCode": region, "grade": grade}
    updated = await mutate(
        client, UPDATE_PROFILE, person.token, participantId=person.gid, **profile
    )
    assert not updated["userErrors"], updated
    for purpose in purposes:
        done = await grant(client, person.token, person.gid, purpose)
        assert not done["userErrors"], done
    if moderator is not None:
        await verify(client, moderator, person.gid)
    return Student(person, last_name)


async def verify(client: GraphQLClient, moderator: str, participant: str) -> None:
    done = await mutate(
        client, VERIFY, moderator, participantId=participant, documentKind="PASSPORT"
    )
    assert not done["userErrors"], done


async def import_results(
    base_url: str, organizer: str, event_gid: str, rows: list[tuple[str, str, int | None]]
) -> dict[str, Any]:
    """(participant global id, status, place) rows as an organizer's CSV upload."""
    lines = ["participant_id,status,place"]
    lines += [f"{pid},{status},{'' if place is None else place}" for pid, status, place in rows]
    content = ("\n".join(lines) + "\n").encode()
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        response = await upload(
            http,
            IMPORT,
            {"input": {"eventId": event_gid, "file": None}},
            {"input.file": (f"results-{uuid.uuid4().hex[:6]}.csv", content, "text/csv")},
            token=organizer,
        )
    payload = response.data["importResults"]
    assert not payload["userErrors"], payload
    assert payload["batch"]["appliedRows"] == len(rows), payload
    return dict(payload)


async def approved_achievement(
    client: GraphQLClient,
    owner: str,
    moderator: str,
    *,
    level: str = "FEDERAL",
    status: str = "WINNER",
    direction: str = "ROBOTICS_PROGRAMMING",
    achieved_on: str,
) -> str:
    """A claim made, evidenced and submitted by its owner, then approved."""
    claim = {
        "title": f"Диплом {uuid.uuid4().hex[:6]}",
        "kind": "OLYMPIAD",
        "level": level,
        "resultStatus": status,
        "achievedOn": achieved_on,
        "directions": [direction],
    }
    made = await mutate(client, CREATE, owner, **claim)
    assert not made["userErrors"], made
    achievement = made["achievement"]
    link = {"achievementId": achievement["id"], "url": "https://olymp.example/d/1"}
    assert not (await mutate(client, EVIDENCE, owner, **link))["userErrors"]
    submitted = await mutate(client, SUBMIT, owner, id=achievement["id"])
    assert not submitted["userErrors"], submitted
    decided = await mutate(
        client,
        DECIDE,
        moderator,
        id=achievement["id"],
        decision="APPROVED",
        version=submitted["achievement"]["version"],
    )
    assert not decided["userErrors"], decided
    return str(achievement["id"])


async def eventually(
    probe: Callable[[], Awaitable[T]], done: Callable[[T], bool], within: float = 20.0
) -> T:
    """Poll until `done(probe())` (the consumer applies outbox messages in the background)."""
    deadline = time.monotonic() + within
    while True:
        value = await probe()
        if done(value) or time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.1)


async def staff_token(state: Any, role: Any, organization: str | None = None) -> tuple[str, int]:
    """A staff account through the same use case the CLI runs, signed in: (token, account)."""
    from domain.services import accounts as use_cases

    email = f"{role.value.lower()}-{uuid.uuid4().hex[:10]}@test.example"
    creds = state.services.credentials
    await use_cases.create_staff_account(
        state.services.uow_factory(),
        role=role,
        email=email,
        password="correct horse battery",
        organization=organization,
        creds=creds,
    )
    pair = await use_cases.login(
        state.services.uow_factory(), email, "correct horse battery", creds
    )
    assert pair.account.id is not None
    return pair.access_token, pair.account.id


async def organization_of(state: Any, account_id: int) -> int:
    import sqlalchemy as sa

    from persistence.tables.accounts import accounts

    async with state.services.sessions() as s:
        return int(
            await s.scalar(sa.select(accounts.c.organization_id).where(accounts.c.id == account_id))
        )


@dataclass
class EventWorld:
    """A fresh season with one organizer's event and verified students' results in it."""

    season: str
    moderator: str
    admin: str
    organizer: str
    event_gid: str
    people: list[Student]


async def event_with_results(
    state: Any,
    base_url: str,
    client: GraphQLClient,
    *,
    title: str,
    level: Any,
    students: int,
    directions: dict[str, str] | None = None,
) -> EventWorld:
    """Staff tokens, an event (level, directions) and `students` results, places 1…n."""
    season = await arrange.fresh_season(state.services.sessions)
    moderator, _ = await staff_token(state, Role.MODERATOR)
    admin, _ = await staff_token(state, Role.ADMIN)
    organizer, account = await staff_token(state, Role.ORGANIZER, f"Орг {season}")
    event = await arrange.event(
        state.services.sessions,
        await organization_of(state, account),
        title=f"{title} {season}",
        season=season,
        level=level,
        starts_on=date(int(season[:4]), 10, 1),
        directions=directions,
    )
    people = [await consenting_student(client, moderator) for _ in range(students)]
    rows = [(p.gid, "PARTICIPANT", place) for place, p in enumerate(people, start=1)]
    await import_results(base_url, organizer, gid("Event", event), rows)
    return EventWorld(season, moderator, admin, organizer, gid("Event", event), people)
