"""Use cases of guardian links: request, decide (moderator), end, and the
confirmation the identity provider asserts.

A link is PENDING until a moderator saw evidence or the provider's token
asserted the relationship; only CONFIRMED links let a guardian see and act.
Decisions are conditional updates (`WHERE status = 'PENDING'`): of two
moderators deciding at once exactly one wins, the other gets CONFLICT.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.accounts import Role, normalize_email
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.guardians import GuardianLink, GuardianLinkStatus, GuardianRelation
from domain.identity import WardClaim
from domain.outbox import OutboxMessage
from domain.policy import Viewer, may_decide_guardian_links, may_request_guardian_link
from domain.ports import Clock, UnitOfWork

MAX_COMMENT = 2000
LIVE = (GuardianLinkStatus.PENDING, GuardianLinkStatus.CONFIRMED)


def _changed(link: GuardianLink, now: datetime) -> OutboxMessage:
    return OutboxMessage(
        topic="guardian_link.changed",
        payload={
            "participant_id": link.participant_id,
            "guardian_id": link.guardian_id,
            "status": GuardianLinkStatus(link.status).value,
        },
        created_at=now,
    )


async def request_link(
    uow: UnitOfWork,
    viewer: Viewer,
    *,
    other_email: str,
    relation: GuardianRelation,
    clock: Clock,
) -> GuardianLink:
    """A student names its guardian's login email, or a guardian its ward's."""
    if not may_request_guardian_link(viewer):
        raise Forbidden("Only students and guardians request guardian links.")
    field = "guardianEmail" if viewer.role is Role.STUDENT else "participantEmail"
    email = normalize_email(other_email, field=field)
    now = clock.now()
    async with uow:
        other = await uow.accounts.by_email(email)
        wanted = Role.GUARDIAN if viewer.role is Role.STUDENT else Role.STUDENT
        if other is None or Role(other.role) is not wanted or not other.is_active:
            who = "guardian" if wanted is Role.GUARDIAN else "student"
            raise NotFound(f"No {who} account has this email.", field=field)
        assert other.id is not None and viewer.account_id is not None
        if viewer.role is Role.STUDENT:
            guardian = await uow.guardians.by_account(other.id)
            participant_id = viewer.participant_id
            guardian_id = guardian.id if guardian else None
        else:
            ward = await uow.participants.by_account(other.id)
            participant_id = ward.id if ward and ward.erased_at is None else None
            guardian_id = viewer.guardian_id
        if participant_id is None or guardian_id is None:
            raise NotFound("No such account can be linked.", field=field)
        for link in await uow.guardian_links.between(participant_id, guardian_id):
            if GuardianLinkStatus(link.status) in LIVE:
                raise Conflict(
                    f"A link between them is {GuardianLinkStatus(link.status).value} already.",
                    field=field,
                )
        link = GuardianLink(
            participant_id=participant_id,
            guardian_id=guardian_id,
            relation=relation,
            status=GuardianLinkStatus.PENDING,
            requested_by_account_id=viewer.account_id,
            created_at=now,
        )
        uow.guardians.add_link(link)
        await uow.flush()
        uow.outbox.add(_changed(link, now))
        await uow.commit()
    return link


async def _link(uow: UnitOfWork, link_id: int) -> GuardianLink:
    link = await uow.guardian_links.get(link_id)
    if link is None:
        raise NotFound("No guardian link you can act on has this id.", field="linkId")
    return link


def validate_comment(comment: str | None, *, required: bool) -> str | None:
    text = (comment or "").strip() or None
    if text is None and required:
        raise InvalidInput("Say what evidence you saw (or why not).", field="comment")
    if text is not None and len(text) > MAX_COMMENT:
        raise InvalidInput(f"The comment has at most {MAX_COMMENT} characters.", field="comment")
    return text


async def decide_link(
    uow: UnitOfWork,
    viewer: Viewer,
    link_id: int,
    *,
    confirm: bool,
    comment: str | None,
    clock: Clock,
) -> GuardianLink:
    """A moderator confirms (having seen evidence) or rejects a PENDING link."""
    if not may_decide_guardian_links(viewer):
        raise Forbidden("Only moderators decide guardian links.")
    text = validate_comment(comment, required=True)
    now = clock.now()
    async with uow:
        link = await _link(uow, link_id)
        if GuardianLinkStatus(link.status) is not GuardianLinkStatus.PENDING:
            raise Conflict(
                f"This link was decided already: {GuardianLinkStatus(link.status).value}.",
                field="linkId",
            )
        status = GuardianLinkStatus.CONFIRMED if confirm else GuardianLinkStatus.REJECTED
        values: dict[str, object] = {
            "status": status,
            "decided_by_account_id": viewer.account_id,
            "decided_at": now,
            "comment": text,
        }
        if not await uow.guardian_links.move(link_id, GuardianLinkStatus.PENDING, values):
            raise Conflict("Another moderator decided this link first.", field="linkId")
        link.status, link.decided_by_account_id = status, viewer.account_id
        link.decided_at, link.comment = now, text
        uow.outbox.add(_changed(link, now))
        await uow.commit()
    return link


async def end_link(uow: UnitOfWork, viewer: Viewer, link_id: int, clock: Clock) -> GuardianLink:
    """The participant, the guardian or a moderator ends a link (a pending request
    is withdrawn the same way). From then on the guardian sees and acts no more."""
    now = clock.now()
    async with uow:
        link = await _link(uow, link_id)
        party = viewer.participant_id == link.participant_id or (
            viewer.guardian_id is not None and viewer.guardian_id == link.guardian_id
        )
        if not (party or may_decide_guardian_links(viewer)):
            raise NotFound("No guardian link you can act on has this id.", field="linkId")
        current = GuardianLinkStatus(link.status)
        if current not in LIVE:
            raise Conflict(f"This link is {current.value} already.", field="linkId")
        if not await uow.guardian_links.move(
            link_id, current, {"status": GuardianLinkStatus.ENDED, "ended_at": now}
        ):
            raise Conflict("This link was changed meanwhile; reload it.", field="linkId")
        link.status, link.ended_at = GuardianLinkStatus.ENDED, now
        uow.outbox.add(_changed(link, now))
        await uow.commit()
    return link


async def confirm_asserted_links(
    uow: UnitOfWork, guardian_id: int, wards: Sequence[WardClaim], now: datetime
) -> list[GuardianLink]:
    """Inside the caller's transaction: PENDING links to the participants the
    provider's token names as this guardian's wards become CONFIRMED."""
    if not wards:
        return []
    relation_of = {w.subject: w.relation for w in wards}
    confirmed = []
    for link, subject in await uow.guardian_links.pending_for_subjects(
        guardian_id, list(relation_of)
    ):
        assert link.id is not None
        values: dict[str, object] = {
            "status": GuardianLinkStatus.CONFIRMED,
            "relation": relation_of[subject],
            "decided_at": now,
            "comment": "Confirmed by the identity provider.",
        }
        if await uow.guardian_links.move(link.id, GuardianLinkStatus.PENDING, values):
            link.status, link.relation = GuardianLinkStatus.CONFIRMED, relation_of[subject]
            link.decided_at, link.comment = now, values["comment"]  # type: ignore[assignment]
            uow.outbox.add(_changed(link, now))
            confirmed.append(link)
    return confirmed
