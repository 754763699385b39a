"""Who acts for a participant: the participant itself or a confirmed guardian.

Shared by the consent, profile and export use cases. Someone who represents
nobody with the given id gets the same answer as for a missing id, so a use
case never confirms that a participant exists.
"""

from __future__ import annotations

from datetime import datetime

from domain.consent_rules import Party
from domain.consents import Consent, ConsentAction, ConsentHistoryEntry, ConsentPurpose
from domain.errors import NotFound
from domain.participants import Participant
from domain.policy import Viewer
from domain.ports import UnitOfWork

_MESSAGES = {
    "participantId": "No participant you represent has this id.",
    "consentId": "No consent you can act on has this id.",
}


def not_represented(field: str = "participantId") -> NotFound:
    return NotFound(_MESSAGES.get(field, "Not found."), field=field)


async def represented(
    uow: UnitOfWork, viewer: Viewer, participant_id: int, field: str = "participantId"
) -> tuple[Participant, Party]:
    """The participant and the party the viewer acts as, or `NotFound`."""
    participant = await uow.participants.get(participant_id)
    if participant is None or participant.erased_at is not None:
        raise not_represented(field)
    if viewer.participant_id is not None and viewer.participant_id == participant_id:
        return participant, Party.PARTICIPANT
    if viewer.guardian_id is not None and await uow.guardian_links.is_confirmed(
        viewer.guardian_id, participant_id
    ):
        return participant, Party.GUARDIAN
    raise not_represented(field)


def history(
    consent: Consent, action: ConsentAction, viewer: Viewer | None, now: datetime
) -> ConsentHistoryEntry:
    """One append-only history row; `viewer` None means the system (expiry)."""
    assert consent.id is not None
    return ConsentHistoryEntry(
        participant_id=consent.participant_id,
        consent_id=consent.id,
        purpose=ConsentPurpose(consent.purpose),
        action=action,
        at=now,
        actor_account_id=viewer.account_id if viewer else None,
    )
