"""Use cases of consents: grant, confirm and revoke, under the age rules.

Every change appends to the consent history and writes a `consent.changed`
outbox message in the same transaction, so the rating engine and any cache
learn of it together with the change. Status transitions are conditional
updates: of two concurrent revocations exactly one succeeds.
"""

from __future__ import annotations

from datetime import datetime

from domain.consent_rules import (
    Party,
    agreed_parties,
    giver_of,
    in_force,
    legal_day,
    may_grant,
    may_revoke,
    parties_needed,
    purposes_in_force,
    refusal,
)
from domain.consents import Consent, ConsentAction, ConsentPurpose, ConsentStatus
from domain.errors import Conflict, Forbidden, InvalidInput
from domain.participants import Participant, age_on
from domain.policy import Viewer
from domain.ports import Clock, UnitOfWork
from domain.services.consent_steps import (
    GrantRequest,
    activate,
    agree,
    birth_date_for_grant,
    changed,
    check_scope,
    expire_consent,
    expiry,
    schedule_erasure,
)
from domain.services.representation import history, not_represented, represented

__all__ = ["GrantRequest", "confirm_consent", "expire_consent", "grant_consent", "revoke_consent"]


async def grant_consent(
    uow: UnitOfWork, viewer: Viewer, request: GrantRequest, clock: Clock
) -> Consent:
    """Start (or, when the other party started it, complete) a grant."""
    now = clock.now()
    async with uow:
        participant, party = await represented(uow, viewer, request.participant_id)
        birth_date = birth_date_for_grant(participant, request.birth_date, legal_day(now))
        age = age_on(birth_date, legal_day(now))
        if not may_grant(age, party):
            raise Forbidden(refusal(age, party, revoking=False), field="participantId")
        document = await uow.consents.document(request.purpose, request.document_version)
        current = await uow.consents.current_document(request.purpose)
        if document is None or current is None:
            raise InvalidInput(
                "There is no such version of this consent text.", field="documentVersion"
            )
        if document.version != current.version:
            raise InvalidInput(
                f"Version {document.version} is no longer offered; the current one is "
                f"{current.version}.",
                field="documentVersion",
            )
        scope = await check_scope(uow, request)
        expires_at = expiry(request.expires_on, now)
        existing = list(await uow.consents.of_participant(participant.id or 0))
        if request.purpose is not ConsentPurpose.PROCESSING and (
            ConsentPurpose.PROCESSING not in purposes_in_force(existing, birth_date, now)
        ):
            raise InvalidInput("First give the processing consent (PROCESSING).", field="purpose")
        mine = [c for c in existing if ConsentPurpose(c.purpose) is request.purpose]
        for lapsed in [c for c in mine if c.status_at(now) is not ConsentStatus(c.status)]:
            await expire_consent(uow, lapsed, participant, now)
        if any(in_force(c, birth_date, now) for c in mine):
            raise Conflict("This consent is already in force.", field="purpose")
        pending = [c for c in mine if c.status_at(now) is ConsentStatus.PENDING]
        if pending:
            if party in agreed_parties(pending[0]):
                raise Conflict(
                    "This consent was requested already and waits for the other party.",
                    field="purpose",
                )
            return await _complete(uow, pending[0], participant, party, viewer, now)
        assert viewer.account_id is not None and document.id is not None
        consent = Consent(
            participant_id=request.participant_id,
            purpose=request.purpose,
            document_id=document.id,
            status=ConsentStatus.PENDING,
            given_by=giver_of(frozenset({party})),
            method=request.method,
            requested_by_account_id=viewer.account_id,
            created_at=now,
            scope_all_universities=request.all_universities,
            scope_organization_ids=scope,
            expires_at=expires_at,
        )
        agree(consent, party, viewer)
        action = ConsentAction.REQUESTED
        if parties_needed(age) <= agreed_parties(consent):
            activate(consent, participant, now)
            action = ConsentAction.GRANTED
        uow.consents.add(consent)
        await uow.flush()
        uow.consents.add_history(history(consent, action, viewer, now))
        uow.outbox.add(changed(consent, now))
        await uow.commit()
    return consent


async def _complete(
    uow: UnitOfWork,
    consent: Consent,
    participant: Participant,
    party: Party,
    viewer: Viewer,
    now: datetime,
) -> Consent:
    """The other party agrees to a PENDING grant: it takes effect if that was the
    last agreement the age rules need."""
    agree(consent, party, viewer)
    age = age_on(participant.birth_date, legal_day(now)) if participant.birth_date else 0
    values: dict[str, object] = {
        "participant_account_id": consent.participant_account_id,
        "guardian_account_id": consent.guardian_account_id,
    }
    if parties_needed(age) <= agreed_parties(consent):
        activate(consent, participant, now)
        values |= {"status": ConsentStatus.ACTIVE, "granted_at": now, "given_by": consent.given_by}
    assert consent.id is not None
    if not await uow.consents.move(consent.id, ConsentStatus.PENDING, values):
        raise Conflict("This consent was changed meanwhile; reload it.", field="consentId")
    uow.consents.add_history(history(consent, ConsentAction.CONFIRMED, viewer, now))
    uow.outbox.add(changed(consent, now))
    await uow.commit()
    return consent


async def confirm_consent(
    uow: UnitOfWork, viewer: Viewer, consent_id: int, clock: Clock
) -> Consent:
    """The second party of a 14–17-year-old's grant agrees to it."""
    now = clock.now()
    async with uow:
        consent = await _consent(uow, consent_id)
        participant, party = await represented(uow, viewer, consent.participant_id, "consentId")
        if consent.status_at(now) is not ConsentStatus.PENDING:
            raise Conflict(
                f"Only a pending consent can be confirmed; this one is {consent.status_at(now)}.",
                field="consentId",
            )
        if party in agreed_parties(consent):
            raise Conflict("You agreed already; it waits for the other party.", field="consentId")
        age = age_on(participant.birth_date, legal_day(now)) if participant.birth_date else 0
        if not may_grant(age, party):
            raise Forbidden(refusal(age, party, revoking=False), field="consentId")
        existing = await uow.consents.of_participant(consent.participant_id)
        if any(
            in_force(c, participant.birth_date, now)
            for c in existing
            if ConsentPurpose(c.purpose) is ConsentPurpose(consent.purpose)
        ):
            raise Conflict("This consent is already in force.", field="consentId")
        return await _complete(uow, consent, participant, party, viewer, now)


async def revoke_consent(uow: UnitOfWork, viewer: Viewer, consent_id: int, clock: Clock) -> Consent:
    """Revoke (or withdraw a pending request). Revoking PROCESSING schedules erasure."""
    now = clock.now()
    async with uow:
        consent = await _consent(uow, consent_id)
        participant, party = await represented(uow, viewer, consent.participant_id, "consentId")
        status = consent.status_at(now)
        if status is ConsentStatus.REVOKED:
            raise Conflict("This consent is already revoked.", field="consentId")
        if status is ConsentStatus.EXPIRED:
            raise Conflict("This consent has expired already.", field="consentId")
        age = age_on(participant.birth_date, legal_day(now)) if participant.birth_date else 0
        if participant.birth_date is not None and not may_revoke(age, party):
            raise Forbidden(refusal(age, party, revoking=True), field="consentId")
        assert consent.id is not None and viewer.account_id is not None
        moved = await uow.consents.move(
            consent.id,
            ConsentStatus(consent.status),
            {
                "status": ConsentStatus.REVOKED,
                "revoked_at": now,
                "revoked_by_account_id": viewer.account_id,
            },
        )
        if not moved:
            raise Conflict("This consent is already revoked.", field="consentId")
        consent.status, consent.revoked_at = ConsentStatus.REVOKED, now
        consent.revoked_by_account_id = viewer.account_id
        if ConsentPurpose(consent.purpose) is ConsentPurpose.PROCESSING:
            await schedule_erasure(uow, consent, participant, now, now)
        uow.consents.add_history(history(consent, ConsentAction.REVOKED, viewer, now))
        uow.outbox.add(changed(consent, now))
        await uow.commit()
    return consent


async def _consent(uow: UnitOfWork, consent_id: int) -> Consent:
    consent = await uow.consents.get(consent_id)
    if consent is None:
        raise not_represented("consentId")
    return consent
