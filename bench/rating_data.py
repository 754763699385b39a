"""A synthetic season for the rating benchmarks, loaded with COPY into a fresh
PostgreSQL database: participants (most verified, most with PROCESSING in force,
some publishing or sharing with a university), events of every level and size
(a few large olympiads, many small events, series of stages, courses without
places), their results (places with ties, statuses, scores) and approved
achievements. Deterministic for a seed."""

from __future__ import annotations

import io
import json
import os
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import psycopg

PG_SERVER = os.environ.get("TALENT_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
NOW = datetime(2026, 11, 1, tzinfo=UTC)
NULL = "\\N"
"""COPY's text-format NULL."""
DIRECTIONS = ["ROBOTICS_PROGRAMMING", "COMPLEX_ENGINEERING", "PYTHON_PROGRAMMING"]
REGIONS = ["77", "78", "50", "66", "16", "54", "52", "23", "02", "63"]


@dataclass
class Plan:
    participants: int
    results: int
    season: str = "2026/27"
    achievements: int = 0
    universities: int = 1
    sharing: float = 0.3
    publication: float = 0.3
    seed: int = 20261101


@dataclass
class Loaded:
    url: str
    """psycopg URL of the database."""
    participant_ids: range
    events: int
    results: int
    university_ids: list[int] = field(default_factory=list)
    bench_account: int = 0


def create_database(prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://")


def _copy(cur: psycopg.Cursor, statement: str, lines: io.StringIO) -> None:
    with cur.copy(statement) as copy:
        copy.write(lines.getvalue())


def _sizes(rng: random.Random, total: int) -> list[int]:
    """Event sizes: many small events, some regional ones, a few large olympiads."""
    sizes: list[int] = []
    left = total
    while left > 0:
        roll = rng.random()
        size = (
            rng.randint(20, 200)
            if roll < 0.6
            else rng.randint(200, 2000)
            if roll < 0.95
            else rng.randint(5000, 40000)
        )
        size = min(size, left)
        sizes.append(size)
        left -= size
    return sizes


def _level(size: int, rng: random.Random) -> str:
    if size >= 5000:
        return rng.choice(["FEDERAL", "INTERNATIONAL"])
    if size >= 200:
        return rng.choice(["REGIONAL", "FEDERAL"])
    return rng.choice(["SCHOOL", "MUNICIPAL", "REGIONAL"])


def load(url: str, plan: Plan) -> Loaded:
    """Migrate, then load everything; returns what the benchmarks need to know."""
    from tests.support.databases import migrate

    migrate(sqlalchemy_url(url))
    rng = random.Random(plan.seed)
    year = int(plan.season[:4])
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO organizations (kind, name, created_at)"
            " VALUES ('ORGANIZER', 'Bench org', %s) RETURNING id",
            (NOW,),
        )
        organizer = cur.fetchone()[0]  # type: ignore[index]
        universities = []
        for n in range(plan.universities):
            cur.execute(
                "INSERT INTO organizations (kind, name, created_at) VALUES ('UNIVERSITY', %s, %s)"
                " RETURNING id",
                (f"Bench university {n}", NOW),
            )
            universities.append(cur.fetchone()[0])  # type: ignore[index]
        cur.execute(
            "INSERT INTO accounts (role, created_at, email, is_active) VALUES"
            " ('ADMIN', %s, 'bench-admin@bench.test', true) RETURNING id",
            (NOW,),
        )
        account = cur.fetchone()[0]  # type: ignore[index]

        people = io.StringIO()
        for i in range(plan.participants):
            verified = rng.random() < 0.85
            born = date(2008, 1, 1) - timedelta(days=rng.randrange(300))  # adults in 2026
            people.write(
                f"b{i}\t{'VERIFIED' if verified else 'REGISTERED'}\tФамилия{i}\tИмя\t{born}\t"
                f"{rng.choice(REGIONS)}\t{rng.randint(9, 11)}\t{NOW}\t{NOW}\t"
                f"{NOW if verified else NULL}\t{'DOCUMENT' if verified else NULL}\n"
            )
        _copy(
            cur,
            "COPY participants (nickname, status, last_name, first_name, birth_date, region_code,"
            " grade, created_at, updated_at, verified_at, verification_method) FROM STDIN",
            people,
        )
        cur.execute("SELECT min(id), max(id) FROM participants")
        low, high = cur.fetchone()  # type: ignore[misc]
        ids = range(low, high + 1)

        documents = {}
        for purpose in ("PROCESSING", "PUBLICATION", "UNIVERSITY_SHARING"):
            cur.execute(
                "SELECT id FROM consent_documents WHERE purpose = %s ORDER BY version DESC LIMIT 1",
                (purpose,),
            )
            documents[purpose] = cur.fetchone()[0]  # type: ignore[index]
        consents = io.StringIO()
        granted = NOW - timedelta(days=30)
        for pid in ids:
            if rng.random() >= 0.95:
                continue
            wanted = ["PROCESSING"]
            if rng.random() < plan.publication:
                wanted.append("PUBLICATION")
            if rng.random() < plan.sharing:
                wanted.append("UNIVERSITY_SHARING")
            for purpose in wanted:
                consents.write(
                    f"{pid}\t{purpose}\t{documents[purpose]}\tACTIVE\tPARTICIPANT\tFORM_SIGNATURE\t"
                    f"t\t[]\t{account}\t{account}\t{granted}\t{granted}\n"
                )
        _copy(
            cur,
            "COPY consents (participant_id, purpose, document_id, status, given_by, method,"
            " scope_all_universities, scope_organization_ids, requested_by_account_id,"
            " participant_account_id, granted_at, created_at) FROM STDIN",
            consents,
        )

        sizes = [min(size, plan.participants) for size in _sizes(rng, plan.results)]
        events, links = io.StringIO(), io.StringIO()
        kinds: dict[int, str] = {}
        parent: int | None = None
        for n, size in enumerate(sizes, start=1):
            kind = "ONLINE_COURSE" if rng.random() < 0.08 else "OLYMPIAD"
            kinds[n] = kind
            stage = parent is not None and rng.random() < 0.5
            parent_id = parent if stage else None
            level = _level(size, rng)
            start = date(year, 9, 1) + timedelta(days=rng.randrange(300))
            events.write(
                f"{n}\tСобытие {n}\t{kind}\t{level}\t{plan.season}\t{start}\t{start}\tt\t"
                f"{organizer}\tCOMPLETED\tINDIVIDUAL\t{parent_id or NULL}\t"
                f"{'1' if stage else NULL}\t{NOW}\t{NOW}\n"
            )
            parent = n if (not stage and rng.random() < 0.05) else (parent if stage else None)
            primary = rng.choice(DIRECTIONS)
            links.write(f"{n}\t{primary}\t1.000\n")
            if rng.random() < 0.3:
                second = rng.choice([d for d in DIRECTIONS if d != primary])
                links.write(f"{n}\t{second}\t0.500\n")
        _copy(
            cur,
            "COPY events (id, title, kind, level, season_code, starts_on, ends_on, is_online,"
            " organizer_id, status, participation, parent_id, stage_order, created_at,"
            " updated_at) FROM STDIN",
            events,
        )
        cur.execute("SELECT setval(pg_get_serial_sequence('events', 'id'), %s)", (len(sizes),))
        _copy(cur, "COPY event_directions (event_id, direction_code, relevance) FROM STDIN", links)

        statuses = ("WINNER", "PRIZE_WINNER", "FINALIST", "PARTICIPANT")
        population = list(ids)
        with cur.copy(
            "COPY results (event_id, participant_id, status, source, score, max_score, place,"
            " completion, created_at, updated_at) FROM STDIN"
        ) as copy:
            buffer: list[str] = []
            for n, size in enumerate(sizes, start=1):
                chosen = rng.sample(population, size)
                course = kinds[n] == "ONLINE_COURSE"
                place = 1
                for position, pid in enumerate(chosen, start=1):
                    if position > 1 and rng.random() > 0.03:  # 3% share the place above
                        place = position
                    share = place / size
                    status = statuses[
                        0 if share <= 0.02 else 1 if share <= 0.12 else 2 if share <= 0.3 else 3
                    ]
                    if course:
                        grade = "DISTINCTION" if share <= 0.15 else "COMPLETED"
                        buffer.append(
                            f"{n}\t{pid}\tPARTICIPANT\tIMPORT\t\\N\t\\N\t\\N\t{grade}\t{NOW}\t{NOW}\n"
                        )
                    else:
                        score = max(0, 1000 - place)
                        buffer.append(
                            f"{n}\t{pid}\t{status}\tIMPORT\t{score}\t1000\t{place}\t\\N\t{NOW}\t{NOW}\n"
                        )
                if len(buffer) > 50_000:
                    copy.write("".join(buffer))
                    buffer.clear()
            copy.write("".join(buffer))

        achievements, directions = io.StringIO(), io.StringIO()
        for n in range(1, plan.achievements + 1):
            pid = rng.choice(population)
            level = rng.choice(["REGIONAL", "FEDERAL", "MUNICIPAL"])
            linked = rng.randint(1, len(sizes)) if rng.random() < 0.3 else None
            achievements.write(
                f"{n}\t{pid}\tДостижение {n}\tOLYMPIAD\t{level}\t{rng.choice(statuses)}\t"
                f"{date(year, 10, 1)}\t{plan.season}\t{linked or NULL}\tAPPROVED\t1\t{NOW}\t{NOW}\n"
            )
            directions.write(f"{n}\t{rng.choice(DIRECTIONS)}\n")
        _copy(
            cur,
            "COPY achievements (id, participant_id, title, kind, level, result_status, achieved_on,"
            " season_code, event_id, status, version, created_at, updated_at) FROM STDIN",
            achievements,
        )
        if plan.achievements:
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('achievements', 'id'), %s)",
                (plan.achievements,),
            )
        _copy(
            cur,
            "COPY achievement_directions (achievement_id, direction_code) FROM STDIN",
            directions,
        )
        conn.commit()
        cur.execute("ANALYZE")
    return Loaded(url, ids, len(sizes), plan.results, universities, account)


def json_dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
