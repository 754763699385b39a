"""Use cases: run the flag rule over an instrument, and moderators' decisions on flags.

`compute_quality_flags` reads every stored response of a questionnaire (or attempt at a
test), optionally of one season, computes the indices vectorised over all of them and
applies the multiple-hurdle rule. The stored flags then follow the rule: a new flag is
FLAGGED; a FLAGGED one whose response passes now is removed (nobody decided on it); a
flag a moderator CONFIRMED or CLEARED keeps that decision and gets the fresh index
values. Flags never touch the answers. A run over a test linked to an event, and a
moderator clearing a test attempt's flag, announce the participants whose rating
inputs that changes (`domain.quality_exclusions`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from domain.analytics.quality_flags import QualitySettings
from domain.analytics_records import FlagSubject, QualityFlag, QualityFlagStatus
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.policy import Viewer, may_compute_quality_flags, may_decide_quality_flags
from domain.ports import Clock, UnitOfWork
from domain.quality_exclusions import announce_exclusions
from domain.quality_run import attempt_flags, questionnaire_flags

MAX_COMMENT = 2000


@dataclass(frozen=True)
class FlagRun:
    """What one run did."""

    subject: FlagSubject
    code: str
    respondents: int
    flagged: int
    created: int
    updated: int
    removed: int
    hurdles: tuple[str, ...]
    notes: tuple[str, ...]


async def compute_quality_flags(
    uow: UnitOfWork,
    viewer: Viewer,
    clock: Clock,
    *,
    questionnaire: str | None = None,
    test: str | None = None,
    season: str | None = None,
    settings: QualitySettings | None = None,
) -> FlagRun:
    if not may_compute_quality_flags(viewer):
        raise Forbidden("Only admins run the quality flags.")
    if (questionnaire is None) == (test is None):
        raise InvalidInput("Name either a questionnaire or a test.", field="questionnaire")
    settings = settings or QualitySettings()
    async with uow:
        repo = uow.analytics
        if season is not None and season not in await repo.known_seasons():
            raise InvalidInput(f"Unknown season {season!r}.", field="season")
        linked = False
        if questionnaire is not None:
            subject, code = FlagSubject.QUESTIONNAIRE_RESPONSE, questionnaire
            found_q = await repo.questionnaire(questionnaire)
            if found_q is None:
                raise NotFound(f"No questionnaire {questionnaire!r}.", field="questionnaire")
            definition, q_items = found_q
            assert definition.id is not None
            instrument_id = definition.id
            data = await repo.answer_matrix(subject, instrument_id, len(q_items), season)
            result = questionnaire_flags(
                data.answers, q_items, definition.scale_min, definition.scale_max, settings
            )
        else:
            subject, code = FlagSubject.TEST_ATTEMPT, str(test)
            found_t = await repo.knowledge_test(code)
            if found_t is None:
                raise NotFound(f"No test {code!r}.", field="test")
            knowledge_test, t_items = found_t
            assert knowledge_test.id is not None
            linked = knowledge_test.event_id is not None
            instrument_id = knowledge_test.id
            data = await repo.answer_matrix(subject, instrument_id, len(t_items), season)
            result = attempt_flags(data.answers, data.times, t_items, settings)
        existing = await repo.flags_of(subject, instrument_id)
        now = clock.now()
        moved: set[int] = set()  # participants whose flag appeared or went
        flags = result.flags
        created = updated = 0
        to_remove: list[int] = []
        for row in range(len(data)):
            subject_id = int(data.ids[row])
            if season is not None and data.seasons[row] != season:
                continue
            flag = existing.get(subject_id)
            if not flags.flagged[row]:
                if flag is not None and flag.status is QualityFlagStatus.FLAGGED:
                    assert flag.id is not None
                    to_remove.append(flag.id)
                    moved.add(flag.participant_id)
                continue
            failed = list(flags.failed_hurdles(row))
            values = {
                name: None if math.isnan(float(v[row])) else float(v[row])
                for name, v in flags.values.items()
            }
            if flag is None:
                moved.add(int(data.participant_ids[row]))
                repo.add_flag(
                    QualityFlag(
                        subject=subject,
                        participant_id=int(data.participant_ids[row]),
                        season_code=data.seasons[row],
                        failed_hurdles=failed,
                        indices=values,
                        status=QualityFlagStatus.FLAGGED,
                        computed_at=now,
                        response_id=subject_id
                        if subject is FlagSubject.QUESTIONNAIRE_RESPONSE
                        else None,
                        attempt_id=subject_id if subject is FlagSubject.TEST_ATTEMPT else None,
                    )
                )
                created += 1
            else:
                flag.failed_hurdles, flag.indices, flag.computed_at = failed, values, now
                updated += 1
        await repo.delete_flags(to_remove)
        await repo.bump_revision()
        if linked:  # the test's flags decide which of its event's results count
            announce_exclusions(uow, moved, now)
        await uow.commit()
    return FlagRun(
        subject=subject,
        code=code,
        respondents=len(data),
        flagged=int(flags.flagged.sum()),
        created=created,
        updated=updated,
        removed=len(to_remove),
        hurdles=flags.hurdles,
        notes=result.notes,
    )


async def decide_quality_flag(
    uow: UnitOfWork,
    viewer: Viewer,
    clock: Clock,
    flag_id: int,
    decision: QualityFlagStatus,
    comment: str | None,
) -> None:
    """Confirm or clear a FLAGGED flag; of two moderators deciding at once one wins and
    the other gets CONFLICT. A decided flag stays decided."""
    if not may_decide_quality_flags(viewer):
        raise Forbidden("Only moderators confirm or clear quality flags.")
    if decision is QualityFlagStatus.FLAGGED:
        raise InvalidInput("Decide CONFIRMED or CLEARED.", field="decision")
    text = (comment or "").strip() or None
    if text is not None and len(text) > MAX_COMMENT:
        raise InvalidInput(f"A comment has at most {MAX_COMMENT} characters.", field="comment")
    async with uow:
        repo = uow.analytics
        flag = await repo.get_flag(flag_id)
        if flag is None:
            raise NotFound("No such quality flag.", field="flagId")
        if flag.status is not QualityFlagStatus.FLAGGED:
            raise Conflict(f"This flag was already decided ({flag.status}).", field="flagId")
        decided = await repo.decide_flag(flag_id, decision, viewer.account_id, clock.now(), text)
        if not decided:
            raise Conflict("Another moderator decided this flag a moment ago.", field="flagId")
        await repo.bump_revision()
        if decision is QualityFlagStatus.CLEARED and flag.subject is FlagSubject.TEST_ATTEMPT:
            announce_exclusions(
                uow, [flag.participant_id], clock.now()
            )  # its result may count again
        await uow.commit()
