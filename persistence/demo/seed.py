"""Insert the demo population in one transaction: all of it or nothing.

Idempotent: the demo organizer is the marker; when it exists the run changes
nothing. Rows go in with multi-row INSERT … RETURNING in chunks, so 250,000
participants (and about five results each) load in minutes, not hours.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.accounts import OrganizationKind, Role
from domain.achievements import AchievementStatus, EvidenceKind
from domain.consents import ConsentPurpose
from domain.events import EventKind, EventLevel, EventStatus
from domain.guardians import GuardianLinkStatus, GuardianRelation
from domain.participants import ParticipantStatus
from domain.reference import season_for
from domain.results import ResultStatus
from persistence.demo.analytics import seed_analytics
from persistence.demo.catalog import EventDraft, make_events, make_results
from persistence.demo.people import PersonDraft, make_person, region_weights
from persistence.tables import accounts as ta
from persistence.tables import achievements as tach
from persistence.tables import consents as tc
from persistence.tables import events as te
from persistence.tables import people as tp
from persistence.tables import reference as tr

DEMO_ORGANIZER = "Демо-организатор «Кванториум»"
DEMO_UNIVERSITY = "Демо-университет (МФТИ)"
OTHER_ORGANIZERS = ["АНО «Молодые инженеры»", "Фонд «Талант и успех» (демо)"]
OTHER_UNIVERSITIES = ["Демо-университет ИТМО"]
DEMO_PASSWORD = "demo12345"
DEMO_EMAILS = {
    Role.STUDENT: "student@demo.test",
    Role.GUARDIAN: "guardian@demo.test",
    Role.MODERATOR: "moderator@demo.test",
    Role.UNIVERSITY: "university@demo.test",
    Role.ORGANIZER: "organizer@demo.test",
    Role.ADMIN: "admin@demo.test",
}
CHUNK = 2000
RESULTS_PER_PARTICIPANT = 5


@dataclass(frozen=True)
class SeedPlan:
    participants: int = 2000
    seed: int = 20260901
    today: date | None = None
    demo_accounts: bool = True


@dataclass(frozen=True)
class SeedReport:
    created: bool
    counts: dict[str, int]


Progress = Callable[[str, int], None]
"""Called with a stage name and a number of rows done, for a progress bar."""


async def _insert(
    session: AsyncSession, table: sa.Table, rows: Sequence[dict[str, Any]], returning: bool = True
) -> list[int]:
    ids: list[int] = []
    # A multi-row INSERT needs the same keys in every row: absent ones are NULL.
    keys = {key for row in rows for key in row}
    rows = [{key: row.get(key) for key in keys} for row in rows]
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        if returning:
            result = await session.execute(
                sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), list(chunk)
            )
            ids.extend(result.scalars().all())
        else:
            await session.execute(sa.insert(table), list(chunk))
    return ids


async def seed_demo(
    sessions: async_sessionmaker[AsyncSession],
    plan: SeedPlan,
    password_hash: Callable[[str], str],
    progress: Progress = lambda _stage, _n: None,
) -> SeedReport:
    async with sessions() as session, session.begin():
        exists = await session.scalar(
            sa.select(ta.organizations.c.id).where(ta.organizations.c.name == DEMO_ORGANIZER)
        )
        if exists is not None:
            return SeedReport(created=False, counts={})
        seeder = _Seeder(session, plan, password_hash, progress)
        await seeder.run()
        return SeedReport(created=True, counts=seeder.counts)


class _Seeder:
    def __init__(
        self,
        session: AsyncSession,
        plan: SeedPlan,
        password_hash: Callable[[str], str],
        progress: Progress,
    ) -> None:
        self.session = session
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.today = plan.today or datetime.now(UTC).date()
        self.now = datetime(self.today.year, self.today.month, self.today.day, 12, tzinfo=UTC)
        self.password_hash = password_hash
        self.progress = progress
        self.counts: dict[str, int] = {}
        self.participant_ids: list[int] = []
        self.offline_ids: list[int] = []
        self.docs: dict[ConsentPurpose, int] = {}

    def _count(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    async def run(self) -> None:
        s = self.session
        regions = list(
            (await s.scalars(sa.select(tr.regions.c.code).order_by(tr.regions.c.code))).all()
        )
        if not regions:
            raise RuntimeError("reference data missing: run `talent migrate` first")
        docs = await s.execute(
            sa.select(
                tc.consent_documents.c.purpose, sa.func.max(tc.consent_documents.c.id)
            ).group_by(tc.consent_documents.c.purpose)
        )
        self.docs = {ConsentPurpose(p): i for p, i in docs.all()}
        orgs = await self._organizations()
        staff = await self._staff_accounts(orgs) if self.plan.demo_accounts else {}
        await self._people(regions, staff)
        organizer_ids = [orgs[DEMO_ORGANIZER], *(orgs[n] for n in OTHER_ORGANIZERS)]
        current = season_for(self.today)
        start_year = int(current[:4])
        previous = f"{start_year - 1}/{start_year % 100:02d}"
        drafts = make_events(self.rng, [previous, current], self.today, organizer_ids, regions)
        event_ids = await self._events(drafts)
        await self._results(event_ids)
        await self._achievements(event_ids)
        analytics = await seed_analytics(
            s, _insert, self.participant_ids, regions, current, self.now, self.plan.seed
        )
        for name, rows in analytics.items():
            self._count(name, rows)

    async def _organizations(self) -> dict[str, int]:
        names = [
            (DEMO_ORGANIZER, OrganizationKind.ORGANIZER),
            *((n, OrganizationKind.ORGANIZER) for n in OTHER_ORGANIZERS),
            (DEMO_UNIVERSITY, OrganizationKind.UNIVERSITY),
            *((n, OrganizationKind.UNIVERSITY) for n in OTHER_UNIVERSITIES),
        ]
        rows = [{"name": n, "kind": k, "created_at": self.now} for n, k in names]
        ids = await _insert(self.session, ta.organizations, rows)
        self._count("organizations", len(ids))
        return {n: i for (n, _), i in zip(names, ids, strict=True)}

    async def _staff_accounts(self, orgs: dict[str, int]) -> dict[Role, int]:
        hashed = self.password_hash(DEMO_PASSWORD)
        org_of = {Role.UNIVERSITY: orgs[DEMO_UNIVERSITY], Role.ORGANIZER: orgs[DEMO_ORGANIZER]}
        roles = [Role.MODERATOR, Role.UNIVERSITY, Role.ORGANIZER, Role.ADMIN]
        rows = [
            {
                "role": role,
                "email": DEMO_EMAILS[role],
                "password_hash": hashed,
                "organization_id": org_of.get(role),
                "is_active": True,
                "created_at": self.now,
            }
            for role in roles
        ]
        ids = await _insert(self.session, ta.accounts, rows)
        self._count("accounts", len(ids))
        return dict(zip(roles, ids, strict=True))

    async def _people(self, regions: list[str], staff: dict[Role, int]) -> None:
        weights = region_weights(regions)
        total = self.plan.participants
        for start in range(0, total, CHUNK):
            drafts = [
                make_person(self.rng, i, self.today, regions, weights)
                for i in range(start, min(total, start + CHUNK))
            ]
            if start == 0 and self.plan.demo_accounts:
                await self._demo_family(drafts)
            await self._insert_people(drafts)
            self.progress("participants", len(drafts))

    async def _demo_family(self, drafts: list[PersonDraft]) -> None:
        """student@demo.test is a verified 16-year-old; guardian@demo.test is the
        confirmed guardian of that student and of a 12-year-old sibling."""
        hashed = self.password_hash(DEMO_PASSWORD)
        student_acc, guardian_acc = await _insert(
            self.session,
            ta.accounts,
            [
                {
                    "role": Role.STUDENT,
                    "email": DEMO_EMAILS[Role.STUDENT],
                    "password_hash": hashed,
                    "organization_id": None,
                    "is_active": True,
                    "created_at": self.now,
                },
                {
                    "role": Role.GUARDIAN,
                    "email": DEMO_EMAILS[Role.GUARDIAN],
                    "password_hash": hashed,
                    "organization_id": None,
                    "is_active": True,
                    "created_at": self.now,
                },
            ],
        )
        self._count("accounts", 2)
        for index, age in ((0, 16), (1, 12)):
            rng = random.Random(self.plan.seed + index)
            while True:
                draft = make_person(rng, index, self.today, ["77"], [1.0])
                if draft.is_minor and draft.participant["status"] is ParticipantStatus.VERIFIED:
                    birth = draft.participant["birth_date"]
                    if (
                        self.today.year
                        - birth.year
                        - ((self.today.month, self.today.day) < (birth.month, birth.day))
                        == age
                    ):
                        break
            draft.participant.update(
                last_name="Демидова" if index == 0 else "Демидов",
                first_name="Алиса" if index == 0 else "Матвей",
                middle_name="Сергеевна" if index == 0 else "Сергеевич",
                nickname="alice_demo" if index == 0 else "matvey_demo",
            )
            draft.link_status = GuardianLinkStatus.CONFIRMED
            draft.guardian = {
                "last_name": "Демидова",
                "first_name": "Елена",
                "middle_name": "Викторовна",
                "phone": "+7 900 000-00-01",
                "created_at": self.now,
                "account_id": guardian_acc,
                "email": DEMO_EMAILS[Role.GUARDIAN],
            }
            if index == 0:
                draft.participant["account_id"] = student_acc
                draft.participant["email"] = DEMO_EMAILS[Role.STUDENT]
            drafts[index] = draft

    async def _insert_people(self, drafts: list[PersonDraft]) -> None:
        s = self.session
        # Every participant has a login (synthetic ones have no password, so nobody
        # can sign in as them); registered ones log in with their email.
        needing = [d for d in drafts if "account_id" not in d.participant]
        account_ids = await _insert(
            s,
            ta.accounts,
            [
                {
                    "role": Role.STUDENT,
                    "email": d.participant.get("email"),
                    "password_hash": None,
                    "organization_id": None,
                    "is_active": True,
                    "created_at": d.participant["created_at"],
                }
                for d in needing
            ],
        )
        self._count("accounts", len(account_ids))
        for d, account_id in zip(needing, account_ids, strict=True):
            d.participant["account_id"] = account_id
        ids = await _insert(s, tp.participants, [d.participant for d in drafts])
        self._count("participants", len(ids))
        for pid, d in zip(ids, drafts, strict=True):
            self.participant_ids.append(pid)
            if d.participant["status"] is not ParticipantStatus.ANONYMOUS:
                self.offline_ids.append(pid)
        # Guardians: one account each (no password: they are synthetic), the demo one shared.
        guardian_rows: list[dict[str, Any]] = []
        owners: list[int] = []
        demo_guardian_id: int | None = None
        for pid, d in zip(ids, drafts, strict=True):
            if d.guardian is None:
                continue
            if "account_id" in d.guardian:
                if demo_guardian_id is None:
                    [demo_guardian_id] = await _insert(s, tp.guardians, [d.guardian])
                    self._count("guardians", 1)
                owners.append(pid)
                guardian_rows.append({"demo": demo_guardian_id})
                continue
            owners.append(pid)
            guardian_rows.append(d.guardian)
        plain = [g for g in guardian_rows if "demo" not in g]
        account_ids = await _insert(
            s,
            ta.accounts,
            [
                {
                    "role": Role.GUARDIAN,
                    "email": None,
                    "password_hash": None,
                    "organization_id": None,
                    "is_active": True,
                    "created_at": g["created_at"],
                }
                for g in plain
            ],
        )
        self._count("accounts", len(account_ids))
        new_guardian_ids = iter(
            await _insert(
                s,
                tp.guardians,
                [{**g, "account_id": a} for g, a in zip(plain, account_ids, strict=True)],
            )
        )
        self._count("guardians", len(account_ids))
        by_pid = {pid: d for pid, d in zip(ids, drafts, strict=True)}
        links = []
        guardian_of: dict[int, int] = {}
        for pid, g in zip(owners, guardian_rows, strict=True):
            gid = g["demo"] if "demo" in g else next(new_guardian_ids)
            guardian_of[pid] = gid
            d = by_pid[pid]
            status = d.link_status or GuardianLinkStatus.PENDING
            links.append(
                {
                    "participant_id": pid,
                    "guardian_id": gid,
                    "relation": GuardianRelation.PARENT,
                    "status": status,
                    "requested_by_account_id": 0,
                    "created_at": d.participant["created_at"],
                    "decided_at": None
                    if status is GuardianLinkStatus.PENDING
                    else d.participant["created_at"] + timedelta(days=1),
                    "comment": None
                    if status is GuardianLinkStatus.PENDING
                    else "Демо: документы проверены"
                    if status is GuardianLinkStatus.CONFIRMED
                    else "Демо: документы не подтверждают родство",
                }
            )
        guardian_accounts = (
            dict(
                (
                    await s.execute(
                        sa.select(tp.guardians.c.id, tp.guardians.c.account_id).where(
                            tp.guardians.c.id.in_(set(guardian_of.values()))
                        )
                    )
                ).all()
            )
            if guardian_of
            else {}
        )
        for link in links:
            link["requested_by_account_id"] = guardian_accounts[link["guardian_id"]]
        await _insert(s, tp.guardian_links, links, returning=False)
        self._count("guardian_links", len(links))
        await self._consents(ids, drafts, guardian_of, guardian_accounts)

    async def _consents(
        self,
        ids: list[int],
        drafts: list[PersonDraft],
        guardian_of: dict[int, int],
        guardian_accounts: dict[int, int],
    ) -> None:
        rows: list[dict[str, Any]] = []
        histories: list[list[tuple[Any, datetime]]] = []
        for pid, d in zip(ids, drafts, strict=True):
            guardian_account = guardian_accounts.get(guardian_of.get(pid, -1))
            for c in d.consents:
                history = c.pop("history")
                purpose = c["purpose"]
                requester = guardian_account or d.participant["account_id"]
                rows.append(
                    {
                        **c,
                        "participant_id": pid,
                        "document_id": self.docs[purpose],
                        "requested_by_account_id": requester,
                        "participant_account_id": (
                            None if c["given_by"] == "GUARDIAN" else d.participant["account_id"]
                        ),
                        "guardian_account_id": None
                        if c["given_by"] == "PARTICIPANT"
                        else guardian_account,
                        "revoked_by_account_id": requester if c.get("revoked_at") else None,
                    }
                )
                histories.append(history)
        consent_ids = await _insert(self.session, tc.consents, rows)
        self._count("consents", len(consent_ids))
        history_rows = [
            {
                "participant_id": row["participant_id"],
                "consent_id": cid,
                "purpose": row["purpose"],
                "action": action,
                "actor_account_id": row["requested_by_account_id"],
                "at": at,
            }
            for cid, row, history in zip(consent_ids, rows, histories, strict=True)
            for action, at in history
        ]
        await _insert(self.session, tc.consent_history, history_rows, returning=False)
        self._count("consent_history", len(history_rows))

    async def _events(self, drafts: list[EventDraft]) -> list[tuple[int, EventDraft]]:
        placed: list[tuple[int, EventDraft]] = []
        for draft in drafts:
            [event_id] = await _insert(self.session, te.events, [draft.row])
            placed.append((event_id, draft))
            for stage in draft.stages or []:
                [stage_id] = await _insert(
                    self.session, te.events, [{**stage.row, "parent_id": event_id}]
                )
                placed.append((stage_id, stage))
        links = [
            {"event_id": event_id, "direction_code": code, "relevance": relevance}
            for event_id, draft in placed
            for code, relevance in draft.directions
        ]
        await _insert(self.session, te.event_directions, links, returning=False)
        self._count("events", len(placed))
        return placed

    async def _results(self, placed: Sequence[tuple[int, EventDraft]]) -> None:
        """Fields sized so that participants average about five results."""
        ranked = [
            (event_id, d)
            for event_id, d in placed
            if d.row["status"] is EventStatus.COMPLETED and d.field_weight > 0
        ]
        budget = RESULTS_PER_PARTICIPANT * len(self.participant_ids)
        weight_sum = sum(d.field_weight for _, d in ranked) or 1.0
        for event_id, draft in ranked:
            size = max(
                1, int(budget * draft.field_weight / weight_sum * self.rng.uniform(0.6, 1.4))
            )
            rows = make_results(
                self.rng, event_id, draft, self.participant_ids, self.offline_ids, size, self.now
            )
            await _insert(self.session, te.results, rows, returning=False)
            self._count("results", len(rows))
            self.progress("results", len(rows))
        registrations = []
        for event_id, draft in placed:
            if draft.row["status"] is EventStatus.PUBLISHED:
                for pid in self.rng.sample(self.offline_ids, min(len(self.offline_ids), 25)):
                    registrations.append(
                        {"event_id": event_id, "participant_id": pid, "created_at": self.now}
                    )
        await _insert(self.session, te.registrations, registrations, returning=False)
        self._count("registrations", len(registrations))

    async def _achievements(self, placed: Sequence[tuple[int, EventDraft]]) -> None:
        """About one claim per three participants, in every workflow state."""
        statuses = list(AchievementStatus)
        linkable = [(i, d) for i, d in placed if d.row["status"] is EventStatus.COMPLETED]
        current = season_for(self.today)
        rows: list[dict[str, Any]] = []
        directions: list[list[str]] = []
        for pid in self.offline_ids:
            if self.rng.random() >= 0.35:
                continue
            status = self.rng.choices(statuses, weights=[10, 25, 45, 10, 10])[0]
            event = self.rng.choice(linkable) if linkable and self.rng.random() < 0.3 else None
            kind = event[1].row["kind"] if event else self.rng.choice(list(EventKind))
            level = event[1].row["level"] if event else self.rng.choice(list(EventLevel))
            achieved = self.today - timedelta(days=self.rng.randrange(20, 500))
            created = self.now - timedelta(days=self.rng.randrange(1, 20))
            submitted = status is not AchievementStatus.DRAFT
            decided = status in (
                AchievementStatus.APPROVED,
                AchievementStatus.REJECTED,
                AchievementStatus.NEEDS_CHANGES,
            )
            rows.append(
                {
                    "participant_id": pid,
                    "title": (event[1].row["title"] if event else f"Диплом: {kind.value.lower()}"),
                    "description": "Демонстрационное достижение",
                    "kind": kind,
                    "level": level,
                    "result_status": self.rng.choice(list(ResultStatus)),
                    "achieved_on": achieved,
                    "season_code": event[1].row["season_code"]
                    if event
                    else season_for(achieved)
                    if season_for(achieved) <= current
                    else current,
                    "event_id": event[0] if event else None,
                    "status": status,
                    "submitted_at": created + timedelta(hours=1) if submitted else None,
                    "decided_at": created + timedelta(days=2) if decided else None,
                    "decision_comment": {
                        AchievementStatus.APPROVED: "Подтверждено",
                        AchievementStatus.REJECTED: "Документ не подтверждает результат",
                        AchievementStatus.NEEDS_CHANGES: "Приложите скан диплома",
                    }.get(status),
                    "version": 1,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            directions.append(
                [c for c, _ in event[1].directions]
                if event
                else [
                    self.rng.choice(
                        ["ROBOTICS_PROGRAMMING", "COMPLEX_ENGINEERING", "PYTHON_PROGRAMMING"]
                    )
                ]
            )
        ids = await _insert(self.session, tach.achievements, rows)
        self._count("achievements", len(ids))
        await _insert(
            self.session,
            tach.achievement_directions,
            [
                {"achievement_id": a, "direction_code": c}
                for a, codes in zip(ids, directions, strict=True)
                for c in codes
            ],
            returning=False,
        )
        await _insert(
            self.session,
            tach.evidence,
            [
                {
                    "achievement_id": a,
                    "kind": EvidenceKind.LINK,
                    "url": f"https://example.test/diplomas/{a}",
                    "created_at": self.now,
                }
                for a in ids
            ],
            returning=False,
        )
