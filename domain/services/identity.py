"""Use cases of identity verification: nonces, sign-in with the provider's ID token,
linking and verifying with it, and a moderator's document check.

Every token is verified by `api` (signature, issuer, audience, expiry) before it
gets here; the nonce it carries must be one the platform issued, unexpired and
unused, and is spent in the same transaction as the change it authorises.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.accounts import Account, Role
from domain.consent_rules import purposes_in_force
from domain.consents import ConsentPurpose
from domain.errors import Conflict, Forbidden, InvalidInput, Unauthenticated
from domain.guardians import GuardianLink
from domain.identity import (
    DocumentKind,
    IdentityClaims,
    IdentityNonce,
    IdentityTokenVerifier,
    ParticipantVerification,
    nonce_hash,
)
from domain.outbox import OutboxMessage
from domain.participants import (
    Participant,
    ParticipantStatus,
    VerificationMethod,
    validate_name,
)
from domain.policy import Viewer, may_verify_by_document
from domain.ports import Clock, UnitOfWork
from domain.services.accounts import Credentials, TokenPair, _issue_pair
from domain.services.guardians import confirm_asserted_links, validate_comment
from domain.services.representation import not_represented

NOT_VALID = "The identity provider's sign-in is not valid; start again."


@dataclass
class VerificationOutcome:
    account: Account
    participant: Participant | None = None
    verified: bool = False
    """Without PROCESSING in force only the subject is linked (for sign-in and for a
    guardian's assertion); no name or birth date is stored and the status stays."""
    confirmed_links: list[GuardianLink] = field(default_factory=list)


async def issue_nonce(uow: UnitOfWork, clock: Clock, ttl: timedelta) -> tuple[str, datetime]:
    """A random nonce for one sign-in, stored only as a hash."""
    nonce = secrets.token_urlsafe(32)
    now = clock.now()
    async with uow:
        uow.identity.add_nonce(
            IdentityNonce(nonce_hash=nonce_hash(nonce), created_at=now, expires_at=now + ttl)
        )
        await uow.commit()
    return nonce, now + ttl


async def _spend_nonce(uow: UnitOfWork, claims: IdentityClaims, now: datetime) -> None:
    if not claims.nonce or not await uow.identity.consume_nonce(nonce_hash(claims.nonce), now):
        raise Unauthenticated(NOT_VALID, field="idToken")


async def sign_in_with_identity(
    uow: UnitOfWork, verifier: IdentityTokenVerifier, id_token: str, creds: Credentials
) -> TokenPair:
    """A session for the account linked to the provider's subject."""
    claims = await verifier.verify(id_token)
    now = creds.clock.now()
    async with uow:
        await _spend_nonce(uow, claims, now)
        account = await uow.identity.account_by_subject(claims.subject)
        if account is None or not account.is_active:
            raise Unauthenticated(
                "No account is linked to this identity yet: sign in and link it first.",
                field="idToken",
            )
        await _guardian_assertions(uow, account, claims, now)
        pair = await _issue_pair(uow, account, creds)
        await uow.commit()
    return pair


async def _guardian_assertions(
    uow: UnitOfWork, account: Account, claims: IdentityClaims, now: datetime
) -> list[GuardianLink]:
    if Role(account.role) is not Role.GUARDIAN or not claims.wards:
        return []
    assert account.id is not None
    guardian = await uow.guardians.by_account(account.id)
    if guardian is None or guardian.id is None:
        return []
    return await confirm_asserted_links(uow, guardian.id, claims.wards, now)


def _verified(
    uow: UnitOfWork,
    participant: Participant,
    method: VerificationMethod,
    now: datetime,
    *,
    actor: int | None = None,
    kind: DocumentKind | None = None,
    comment: str | None = None,
) -> None:
    assert participant.id is not None
    was = ParticipantStatus(participant.status)
    participant.status = ParticipantStatus.VERIFIED
    participant.verified_at, participant.verification_method = now, method
    participant.updated_at = now
    uow.identity.add_verification(
        ParticipantVerification(
            participant_id=participant.id,
            method=method,
            at=now,
            actor_account_id=actor,
            document_kind=kind,
            comment=comment,
        )
    )
    if was is not ParticipantStatus.VERIFIED:
        uow.outbox.add(
            OutboxMessage(
                topic="participant.verified",
                payload={"participant_id": participant.id},
                created_at=now,
            )
        )


async def _processing_in_force(uow: UnitOfWork, participant: Participant, now: datetime) -> bool:
    assert participant.id is not None
    consents = await uow.consents.of_participant(participant.id)
    return ConsentPurpose.PROCESSING in purposes_in_force(consents, participant.birth_date, now)


async def verify_with_identity(
    uow: UnitOfWork, viewer: Viewer, verifier: IdentityTokenVerifier, id_token: str, clock: Clock
) -> VerificationOutcome:
    """Link the provider's subject to the signed-in account; a student with
    PROCESSING in force becomes VERIFIED with the name and birth date the provider
    asserts; a guardian's asserted wards have their pending links confirmed."""
    if viewer.account_id is None:
        raise Unauthenticated("Sign in first.")
    claims = await verifier.verify(id_token)
    now = clock.now()
    async with uow:
        await _spend_nonce(uow, claims, now)
        account = await uow.accounts.get(viewer.account_id)
        assert account is not None
        if account.idp_subject is not None and account.idp_subject != claims.subject:
            raise Conflict("This account is linked to another identity.", field="idToken")
        holder = await uow.identity.account_by_subject(claims.subject)
        if holder is not None and holder.id != account.id:
            raise Conflict("This identity is linked to another account.", field="idToken")
        account.idp_subject = claims.subject
        outcome = VerificationOutcome(account)
        if viewer.participant_id is not None:
            participant = await uow.participants.get(viewer.participant_id)
            assert participant is not None
            outcome.participant = participant
            if await _processing_in_force(uow, participant, now):
                _apply_identity(participant, claims)
                if not await _processing_in_force(uow, participant, now):
                    raise InvalidInput(
                        "The identity provider's birth date changes who had to consent: "
                        "the consents must be given again.",
                        field="idToken",
                    )
                _verified(uow, participant, VerificationMethod.IDENTITY_PROVIDER, now)
                outcome.verified = True
        outcome.confirmed_links = await _guardian_assertions(uow, account, claims, now)
        await uow.commit()
    return outcome


def _apply_identity(participant: Participant, claims: IdentityClaims) -> None:
    """The provider's name and birth date replace what was declared: they are the
    checked ones. Consents given under a different declared age stop counting
    (the age rules are evaluated from the birth date on record)."""
    last = validate_name(claims.family_name, "idToken", required=False)
    first = validate_name(claims.given_name, "idToken", required=False)
    if last is None or first is None or claims.birthdate is None:
        raise InvalidInput(
            "The identity provider did not assert a name and a birth date.", field="idToken"
        )
    participant.last_name, participant.first_name = last, first
    participant.middle_name = validate_name(claims.middle_name, "idToken", required=False)
    participant.birth_date = claims.birthdate


async def verify_by_document(
    uow: UnitOfWork,
    viewer: Viewer,
    participant_id: int,
    *,
    kind: DocumentKind,
    comment: str | None,
    clock: Clock,
) -> Participant:
    """A moderator saw a document matching the profile's name and birth date.
    Only the document's kind is kept, never its number."""
    if not may_verify_by_document(viewer):
        raise Forbidden("Only moderators verify identity by a document.")
    text = validate_comment(comment, required=False)
    now = clock.now()
    async with uow:
        participant = await uow.participants.get(participant_id)
        if participant is None or participant.erased_at is not None:
            raise not_represented("participantId")
        if ParticipantStatus(participant.status) is ParticipantStatus.VERIFIED:
            raise Conflict("This participant is verified already.", field="participantId")
        if not (participant.last_name and participant.first_name and participant.birth_date):
            raise InvalidInput(
                "The profile has no name and birth date to check a document against.",
                field="participantId",
            )
        if not await _processing_in_force(uow, participant, now):
            raise InvalidInput(
                "The processing consent (PROCESSING) is not in force.", field="participantId"
            )
        _verified(
            uow,
            participant,
            VerificationMethod.DOCUMENT,
            now,
            actor=viewer.account_id,
            kind=kind,
            comment=text,
        )
        await uow.commit()
    return participant
