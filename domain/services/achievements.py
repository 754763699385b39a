"""Use cases of achievements: claim with evidence, submit, and the moderator's decision.

A decision is one conditional UPDATE on the claim's `version`: of two moderators
deciding at once exactly one matches, and the other gets CONFLICT. The decision,
its history entry and the `achievement.decided` outbox message commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.achievements import (
    DECISIONS,
    Achievement,
    AchievementStatus,
    AchievementTransition,
    check_editable,
    check_transition,
    validate_comment,
)
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.events import EventKind, EventLevel, EventStatus, validate_title
from domain.outbox import OutboxMessage
from domain.policy import (
    Viewer,
    can_act_as_participant,
    can_decide_achievements,
    require_signed_in,
)
from domain.ports import Clock, UnitOfWork
from domain.reference import season_for
from domain.results import ResultStatus

ACHIEVEMENT_DECIDED = "achievement.decided"


@dataclass(frozen=True)
class AchievementClaim:
    title: str
    kind: EventKind
    level: EventLevel
    result_status: ResultStatus
    achieved_on: date
    direction_codes: tuple[str, ...]
    description: str | None = None
    event_id: int | None = None


async def _validated(uow: UnitOfWork, claim: AchievementClaim, today: date) -> AchievementClaim:
    if claim.achieved_on > today:
        raise InvalidInput("An achievement cannot be in the future.", field="achievedOn")
    codes = tuple(dict.fromkeys(claim.direction_codes))
    if not 1 <= len(codes) <= 5:
        raise InvalidInput("Name 1 to 5 directions.", field="directions")
    unknown = set(codes) - await uow.events.known_codes("directions", codes)
    if unknown:
        raise InvalidInput(f"Unknown direction `{sorted(unknown)[0]}`.", field="directions")
    if not await uow.events.known_codes("seasons", [season_for(claim.achieved_on)]):
        raise InvalidInput("That date is outside every season.", field="achievedOn")
    if claim.event_id is not None:
        event = await uow.events.get(claim.event_id)
        if event is None or event.status == EventStatus.DRAFT:
            raise InvalidInput("No such event.", field="eventId")
    description = (claim.description or "").strip() or None
    if description is not None and len(description) > 5000:
        raise InvalidInput("The description has at most 5,000 characters.", field="description")
    return AchievementClaim(
        validate_title(claim.title),
        claim.kind,
        claim.level,
        claim.result_status,
        claim.achieved_on,
        codes,
        description,
        claim.event_id,
    )


def _participant(viewer: Viewer) -> int:
    require_signed_in(viewer)
    if viewer.participant_id is None or not can_act_as_participant(viewer, viewer.participant_id):
        raise Forbidden("Only a student claims achievements, and only its own.")
    return viewer.participant_id


async def own_achievement(uow: UnitOfWork, viewer: Viewer, achievement_id: int) -> Achievement:
    participant_id = _participant(viewer)
    achievement = await uow.achievements.get(achievement_id)
    if achievement is None or achievement.participant_id != participant_id:
        raise NotFound("No such achievement.", field="id")
    return achievement


async def create_achievement(
    uow: UnitOfWork, viewer: Viewer, claim: AchievementClaim, clock: Clock
) -> Achievement:
    participant_id = _participant(viewer)
    async with uow:
        now = clock.now()
        claim = await _validated(uow, claim, now.date())
        achievement = Achievement(
            participant_id=participant_id,
            title=claim.title,
            kind=claim.kind,
            level=claim.level,
            result_status=claim.result_status,
            achieved_on=claim.achieved_on,
            season_code=season_for(claim.achieved_on),
            status=AchievementStatus.DRAFT,
            created_at=now,
            updated_at=now,
            description=claim.description,
            event_id=claim.event_id,
        )
        uow.achievements.add(achievement)
        await uow.flush()
        assert achievement.id is not None
        await uow.achievements.replace_directions(achievement.id, claim.direction_codes)
        await uow.commit()
        return achievement


async def update_achievement(
    uow: UnitOfWork, viewer: Viewer, achievement_id: int, claim: AchievementClaim, clock: Clock
) -> Achievement:
    async with uow:
        achievement = await own_achievement(uow, viewer, achievement_id)
        check_editable(achievement)
        now = clock.now()
        claim = await _validated(uow, claim, now.date())
        achievement.title, achievement.description = claim.title, claim.description
        achievement.kind, achievement.level = claim.kind, claim.level
        achievement.result_status, achievement.achieved_on = claim.result_status, claim.achieved_on
        achievement.season_code = season_for(claim.achieved_on)
        achievement.event_id = claim.event_id
        achievement.updated_at = now
        achievement.version += 1
        await uow.achievements.replace_directions(achievement_id, claim.direction_codes)
        await uow.commit()
        return achievement


async def submit_achievement(
    uow: UnitOfWork, viewer: Viewer, achievement_id: int, clock: Clock
) -> Achievement:
    """DRAFT or NEEDS_CHANGES → SUBMITTED, with at least one piece of evidence."""
    async with uow:
        achievement = await own_achievement(uow, viewer, achievement_id)
        current = AchievementStatus(achievement.status)
        check_transition(current, AchievementStatus.SUBMITTED)
        if await uow.achievements.evidence_count(achievement_id) == 0:
            raise InvalidInput("Attach a file or a link as evidence first.", field="id")
        now = clock.now()
        return await _move(uow, viewer, achievement, current, AchievementStatus.SUBMITTED, now,
                           values={"submitted_at": now})  # fmt: skip


async def decide_achievement(
    uow: UnitOfWork,
    viewer: Viewer,
    achievement_id: int,
    decision: AchievementStatus,
    comment: str | None,
    expected_version: int,
    clock: Clock,
) -> Achievement:
    """APPROVED, REJECTED or NEEDS_CHANGES for a SUBMITTED claim at the version the
    moderator saw. The UPDATE is the transaction's first statement, so SQLite
    takes its write lock before reading and PostgreSQL re-checks after a wait."""
    require_signed_in(viewer)
    if not can_decide_achievements(viewer):
        raise Forbidden("Only moderators decide achievements.")
    if decision not in DECISIONS:
        raise InvalidInput("A decision is APPROVED, REJECTED or NEEDS_CHANGES.", field="decision")
    text = validate_comment(comment, decision)
    async with uow:
        now = clock.now()
        values: dict[str, object] = {
            "status": decision,
            "decided_by_account_id": viewer.account_id,
            "decided_at": now,
            "decision_comment": text,
            "updated_at": now,
        }
        if not await uow.achievements.move(
            achievement_id,
            expected_version=expected_version,
            expected_status=AchievementStatus.SUBMITTED,
            values=values,
        ):
            current = await uow.achievements.get(achievement_id)
            if current is None:
                raise NotFound("No such achievement.", field="id")
            if current.version != expected_version:
                raise Conflict(
                    f"The claim changed meanwhile (now {current.status}, version "
                    f"{current.version}); reload it before deciding.",
                    field="version",
                )
            check_transition(AchievementStatus(current.status), decision)
            raise Conflict("The claim changed meanwhile; reload it.", field="version")
        achievement = await uow.achievements.get(achievement_id)
        assert achievement is not None
        if decision is AchievementStatus.APPROVED and achievement.event_id is not None:
            achievement.result_id = await uow.achievements.result_id_for(
                achievement.participant_id, achievement.event_id
            )
        _record(uow, achievement, AchievementStatus.SUBMITTED, decision, viewer, now, text)
        await uow.commit()
        return achievement


async def _move(
    uow: UnitOfWork,
    viewer: Viewer,
    achievement: Achievement,
    current: AchievementStatus,
    to: AchievementStatus,
    now: datetime,
    values: dict[str, object],
) -> Achievement:
    assert achievement.id is not None
    moved = await uow.achievements.move(
        achievement.id,
        expected_version=achievement.version,
        expected_status=current,
        values={"status": to, "updated_at": now, **values},
    )
    if not moved:
        raise Conflict("The claim changed meanwhile; reload it.", field="id")
    fresh = await uow.achievements.get(achievement.id)
    assert fresh is not None
    _record(uow, fresh, current, to, viewer, fresh.updated_at, None)
    await uow.commit()
    return fresh


def _record(
    uow: UnitOfWork,
    achievement: Achievement,
    current: AchievementStatus,
    to: AchievementStatus,
    viewer: Viewer,
    at: datetime,
    comment: str | None,
) -> None:
    assert achievement.id is not None and viewer.account_id is not None
    uow.achievements.add_transition(
        AchievementTransition(achievement.id, current, to, viewer.account_id, at, comment)
    )
    if to in DECISIONS:
        uow.outbox.add(
            OutboxMessage(
                topic=ACHIEVEMENT_DECIDED,
                created_at=at,
                payload={
                    "achievement_id": achievement.id,
                    "participant_id": achievement.participant_id,
                    "status": to.value,
                },
            )
        )
