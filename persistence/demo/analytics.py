"""Demo career-guidance data: a questionnaire and a test answered by every demo
participant (careless respondents and rapid guessers mixed in at known rates), profession
choices and season profiles across regions, a few trials, and the flags the rule gives.

Everything comes from the seeded synthetic generators of `domain.analytics`, so the
demo shows what the detection and the map are for: `qualityFlags` lists the careless
respondents, the map differs between regions. Runs inside the seed's one transaction.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics.careless_synthetic import (
    QuestionnaireDesign,
    TestDesign,
    generate_questionnaire,
    generate_test,
)
from domain.analytics.choice_synthetic import generate_choices
from domain.analytics.quality_flags import QualityFlags, QualitySettings
from domain.analytics.regional_index import Profession
from domain.analytics_records import (
    FlagSubject,
    KnowledgeTestItem,
    QualityFlagStatus,
    QuestionnaireItem,
)
from domain.quality_run import attempt_flags, questionnaire_flags
from persistence.tables import analytics as t
from persistence.tables.reference import professions

Insert = Callable[[AsyncSession, sa.Table, Sequence[dict[str, Any]], bool], Awaitable[list[int]]]
QUESTIONNAIRE = "DEMO_INTERESTS"
TEST = "DEMO_LOGIC"
SCALES = ("E", "A", "C", "N", "O", "IT", "ENG", "MED", "ART", "SOC")


def _plain(row: np.ndarray) -> list[float | int | None]:
    return [
        None if math.isnan(v) else int(v) if float(v).is_integer() else round(float(v), 2)
        for v in row.tolist()
    ]


async def seed_analytics(
    session: AsyncSession,
    insert: Insert,
    participant_ids: Sequence[int],
    regions: Sequence[str],
    season: str,
    now: datetime,
    seed: int,
) -> dict[str, int]:
    """Insert the demo analytics data; returns row counts by table."""
    n = len(participant_ids)
    counts: dict[str, int] = {}
    if n < 10:
        return counts
    pids = np.asarray(participant_ids, dtype=np.int64)
    design = QuestionnaireDesign()
    data = generate_questionnaire(n, design=design, seed=seed)
    [qid] = await insert(
        session,
        t.questionnaires,
        [
            {
                "code": QUESTIONNAIRE,
                "title": "Демо: интересы и стиль работы",
                "scale_min": 1,
                "scale_max": design.n_categories,
                "created_at": now,
            }
        ],
        True,
    )
    items = [
        QuestionnaireItem(
            qid,
            j + 1,
            f"q{j + 1:02d}",
            SCALES[j // design.items_per_scale],
            bool(data.reverse_keyed[j]),
        )
        for j in range(design.n_items)
    ]
    await insert(
        session,
        t.questionnaire_items,
        [
            {
                "questionnaire_id": qid,
                "position": i.position,
                "code": i.code,
                "scale": i.scale,
                "reverse_keyed": i.reverse_keyed,
            }
            for i in items
        ],
        False,
    )
    response_ids = await insert(
        session,
        t.questionnaire_responses,
        [
            {
                "questionnaire_id": qid,
                "participant_id": int(pid),
                "season_code": season,
                "answers": _plain(row),
                "times": None,
                "created_at": now,
                "updated_at": now,
            }
            for pid, row in zip(pids, data.answers, strict=True)
        ],
        True,
    )
    counts["questionnaire_responses"] = len(response_ids)
    q_flags = questionnaire_flags(data.answers, items, 1, design.n_categories, QualitySettings())

    test = generate_test(n, design=TestDesign(n_items=20), seed=seed + 1)
    rng = np.random.default_rng(seed + 2)
    k = test.answers.shape[1]
    correct: np.ndarray = np.asarray(rng.integers(1, 5, size=k), dtype=np.int64)
    shift = np.asarray(rng.integers(1, 4, size=test.answers.shape), dtype=np.int64)
    wrong = (correct[None, :] + shift - 1) % 4 + 1
    chosen = np.asarray(np.where(test.answers == 1, correct[None, :], wrong), dtype=np.float64)
    [tid] = await insert(
        session,
        t.knowledge_tests,
        [{"code": TEST, "title": "Демо: логика", "created_at": now}],
        True,
    )
    test_items = [
        KnowledgeTestItem(
            tid, j + 1, f"t{j + 1:02d}", int(correct[j]), 4, float(test.a[j]), float(test.b[j]), 0.0
        )
        for j in range(k)
    ]
    await insert(
        session,
        t.knowledge_test_items,
        [
            {
                "test_id": tid,
                "position": i.position,
                "code": i.code,
                "correct_option": i.correct_option,
                "option_count": 4,
                "discrimination": i.discrimination,
                "difficulty": i.difficulty,
                "guessing": 0.0,
            }
            for i in test_items
        ],
        False,
    )
    attempt_ids = await insert(
        session,
        t.knowledge_test_attempts,
        [
            {
                "test_id": tid,
                "participant_id": int(pid),
                "season_code": season,
                "answers": _plain(a),
                "times": _plain(s),
                "created_at": now,
                "updated_at": now,
            }
            for pid, a, s in zip(pids, chosen, test.times, strict=True)
        ],
        True,
    )
    counts["knowledge_test_attempts"] = len(attempt_ids)
    t_flags = attempt_flags(chosen, test.times, test_items, QualitySettings())

    flags = _flag_rows(
        FlagSubject.QUESTIONNAIRE_RESPONSE, q_flags.flags, response_ids, pids, season, now
    )
    flags += _flag_rows(FlagSubject.TEST_ATTEMPT, t_flags.flags, attempt_ids, pids, season, now)
    await insert(session, t.quality_flags, flags, False)
    counts["quality_flags"] = len(flags)
    counts.update(await _choices(session, insert, pids, regions, season, now, seed))
    return counts


def _flag_rows(
    subject: FlagSubject,
    flags: QualityFlags,
    subject_ids: Sequence[int],
    pids: np.ndarray,
    season: str,
    now: datetime,
) -> list[dict[str, Any]]:
    rows = []
    for row in np.flatnonzero(flags.flagged).tolist():
        values = {
            name: None if math.isnan(float(v[row])) else float(v[row])
            for name, v in flags.values.items()
        }
        rows.append(
            {
                "subject": subject,
                "participant_id": int(pids[row]),
                "season_code": season,
                "response_id": subject_ids[row]
                if subject is FlagSubject.QUESTIONNAIRE_RESPONSE
                else None,
                "attempt_id": subject_ids[row] if subject is FlagSubject.TEST_ATTEMPT else None,
                "failed_hurdles": list(flags.failed_hurdles(row)),
                "indices": values,
                "status": QualityFlagStatus.FLAGGED,
                "computed_at": now,
            }
        )
    return rows


async def _choices(
    session: AsyncSession,
    insert: Insert,
    pids: np.ndarray,
    regions: Sequence[str],
    season: str,
    now: datetime,
    seed: int,
) -> dict[str, int]:
    catalogue = [
        Profession(code, sphere, bool(digital))
        for code, sphere, digital in (
            await session.execute(
                sa.select(
                    professions.c.code, professions.c.sphere, professions.c.is_digital
                ).order_by(professions.c.code)
            )
        ).all()
    ]
    synthetic = generate_choices(regions, catalogue, len(pids), seed + 3)
    table = synthetic.table
    profiles = [
        {
            "participant_id": int(pid),
            "season_code": season,
            "region_code": table.region_codes[int(table.region[i])],
            "average_mark": None
            if math.isnan(table.average_mark[i])
            else round(float(table.average_mark[i]), 2),
            "club_activity": bool(table.additional_education[i]),
            "updated_at": now,
        }
        for i, pid in enumerate(pids.tolist())
    ]
    await insert(session, t.respondent_seasons, profiles, False)
    choices = [
        {
            "participant_id": int(pids[r]),
            "season_code": season,
            "profession_code": table.profession_codes[p],
            "created_at": now,
        }
        for r, p in zip(
            table.choice_respondent.tolist(), table.choice_profession.tolist(), strict=True
        )
    ]
    await insert(session, t.profession_choices, choices, False)
    rng = np.random.default_rng(seed + 4)
    start = date(int(season[:4]), 10, 1)
    trials = []
    seen: set[int] = set()
    for r, p in zip(
        table.choice_respondent.tolist(), table.choice_profession.tolist(), strict=True
    ):
        if r in seen or not table.additional_education[r] or rng.random() > 0.3:
            continue
        seen.add(r)
        trials.append(
            {
                "participant_id": int(pids[r]),
                "profession_code": table.profession_codes[p],
                "kind": "TRIAL" if rng.random() < 0.7 else "FESTIVAL",
                "held_on": start + timedelta(days=int(rng.integers(0, 150))),
                "season_code": season,
                "region_code": table.region_codes[int(table.region[r])],
                "created_at": now,
            }
        )
    await insert(session, t.professional_trials, trials, False)
    return {
        "respondent_seasons": len(profiles),
        "profession_choices": len(choices),
        "professional_trials": len(trials),
    }
