"""The SQL form of "a consent is in force" equals the Python one, on both databases,
on every age boundary (29 February included), party, expiry and university scope."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from domain.consent_rules import purposes_in_force
from domain.consents import Consent, ConsentPurpose
from persistence.queries.consent_sql import in_force_condition
from persistence.tables import accounts as ta
from persistence.tables import consents as tc
from persistence.tables import people as tp
from tests.support import arrange

NOW = datetime(2031, 6, 1, 12, tzinfo=UTC)
BIRTHS = [date(2012, 3, 15), date(2012, 2, 29), date(2008, 1, 1)]


def _moments(birth: date) -> list[datetime]:
    """Just before and at midnight (UTC) of the 14th and the 18th birthday."""
    found = []
    for years in (14, 18):
        try:
            day = birth.replace(year=birth.year + years)
        except ValueError:  # 29 February in a common year: the birthday is 1 March
            day = date(birth.year + years, 3, 1)
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        found += [midnight - timedelta(minutes=1), midnight]
    return found


async def test_sql_and_python_agree_on_every_boundary(state: Any) -> None:
    sessions = state.services.sessions
    university = await arrange.organization(sessions, "UNIVERSITY")
    other = await arrange.organization(sessions, "UNIVERSITY")
    async with sessions() as s, s.begin():
        account = (
            await s.execute(
                sa.insert(ta.accounts).returning(ta.accounts.c.id),
                [{"role": "STUDENT", "created_at": NOW, "is_active": True}],
            )
        ).scalar_one()
        document = await s.scalar(
            sa.select(tc.consent_documents.c.id).where(
                tc.consent_documents.c.purpose == "UNIVERSITY_SHARING"
            )
        )
    cases = []
    for birth in BIRTHS:
        for granted, parties, expiry, scoped in itertools.product(
            _moments(birth),
            [(True, True), (True, False), (False, True)],
            [None, NOW - timedelta(seconds=1), NOW + timedelta(days=1)],
            [False, True],
        ):
            cases.append((birth, granted, parties, expiry, scoped))
    tag = uuid.uuid4().hex[:8]
    async with sessions() as s, s.begin():
        ids = list(
            (
                await s.execute(
                    sa.insert(tp.participants).returning(
                        tp.participants.c.id, sort_by_parameter_order=True
                    ),
                    [
                        {
                            "nickname": f"sql_{tag}_{i}",
                            "status": "REGISTERED",
                            "birth_date": case[0],
                            "created_at": NOW,
                            "updated_at": NOW,
                        }
                        for i, case in enumerate(cases)
                    ],
                )
            ).scalars()
        )
        rows = [
            {
                "participant_id": pid,
                "purpose": "UNIVERSITY_SHARING",
                "document_id": document,
                "status": "ACTIVE",
                "given_by": "PARTICIPANT",
                "method": "FORM_SIGNATURE",
                "scope_all_universities": not scoped,
                "scope_organization_ids": [university] if scoped else [],
                "requested_by_account_id": account,
                "participant_account_id": account if parties[0] else None,
                "guardian_account_id": account if parties[1] else None,
                "granted_at": granted,
                "expires_at": expiry,
                "created_at": granted,
            }
            for pid, (_, granted, parties, expiry, scoped) in zip(ids, cases, strict=True)
        ]
        await s.execute(sa.insert(tc.consents), rows)
    births = dict(zip(ids, (c[0] for c in cases), strict=True))
    async with sessions() as s:
        records = list(
            await s.scalars(sa.select(Consent).where(tc.consents.c.participant_id.in_(ids)))
        )
        for organization in (None, university, other):
            condition = in_force_condition(
                ConsentPurpose.UNIVERSITY_SHARING, NOW, organization_id=organization
            )
            in_sql = set(
                await s.scalars(
                    sa.select(tp.participants.c.id).where(tp.participants.c.id.in_(ids), condition)
                )
            )
            in_python = {
                c.participant_id
                for c in records
                if purposes_in_force(
                    [c], births[c.participant_id], NOW, organization_id=organization
                )
            }
            assert in_sql == in_python, organization
            assert in_python and len(in_python) < len(ids)
