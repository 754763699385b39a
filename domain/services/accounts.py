"""Use cases of accounts: registration, login, refresh-token rotation, logout.

Refresh tokens are random strings stored only as SHA-256 hashes. Rotation marks
the used token; presenting a rotated token again revokes its whole family,
because only a thief would hold an already-exchanged token.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from domain.accounts import (
    Account,
    Organization,
    OrganizationKind,
    RefreshToken,
    Role,
    normalize_email,
    validate_password,
)
from domain.errors import Conflict, InvalidInput, Unauthenticated
from domain.guardians import Guardian
from domain.outbox import OutboxMessage
from domain.participants import (
    Participant,
    ParticipantStatus,
    validate_name,
    validate_nickname,
    validate_phone,
)
from domain.ports import AccessTokenIssuer, Clock, PasswordHasher, UnitOfWork


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    account: Account


@dataclass(frozen=True)
class TokenSettings:
    refresh_ttl: timedelta


@dataclass(frozen=True)
class Credentials:
    """What every session-issuing use case needs, bundled to keep signatures short."""

    hasher: PasswordHasher
    issuer: AccessTokenIssuer
    clock: Clock
    tokens: TokenSettings


@dataclass(frozen=True)
class StudentRegistration:
    """A student's login. Personal data is not taken here: it may be stored only
    under a PROCESSING consent, which has its own flow with the age rules."""

    email: str
    password: str
    nickname: str


@dataclass(frozen=True)
class GuardianRegistration:
    email: str
    password: str
    last_name: str
    first_name: str
    middle_name: str | None = None
    phone: str | None = None


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


async def _issue_pair(
    uow: UnitOfWork, account: Account, creds: Credentials, family_id: str | None = None
) -> TokenPair:
    assert account.id is not None
    raw = secrets.token_urlsafe(48)
    now = creds.clock.now()
    uow.refresh_tokens.add(
        RefreshToken(
            account_id=account.id,
            family_id=family_id or uuid.uuid4().hex,
            token_hash=hash_refresh_token(raw),
            issued_at=now,
            expires_at=now + creds.tokens.refresh_ttl,
        )
    )
    return TokenPair(access_token=creds.issuer.issue(account), refresh_token=raw, account=account)


async def register_anonymous(uow: UnitOfWork, nickname: str, creds: Credentials) -> TokenPair:
    """A login with a nickname only: no personal data, a pseudonymous footprint."""
    nickname = validate_nickname(nickname)
    async with uow:
        account = Account(role=Role.STUDENT, created_at=creds.clock.now())
        uow.accounts.add(account)
        await uow.flush()
        return await _start_participant(uow, account, nickname, creds)


async def _start_participant(
    uow: UnitOfWork, account: Account, nickname: str, creds: Credentials
) -> TokenPair:
    """The ANONYMOUS participant behind a new student login, and its first session."""
    assert account.id is not None
    now = creds.clock.now()
    uow.participants.add(
        Participant(
            account_id=account.id,
            nickname=nickname,
            status=ParticipantStatus.ANONYMOUS,
            created_at=now,
            updated_at=now,
        )
    )
    pair = await _issue_pair(uow, account, creds)
    await uow.commit()
    return pair


async def _new_login(
    uow: UnitOfWork, email: str, password: str, role: Role, creds: Credentials
) -> Account:
    email = normalize_email(email)
    validate_password(password)
    if await uow.accounts.by_email(email) is not None:
        raise Conflict("An account with this email already exists.", field="email")
    account = Account(
        role=role,
        email=email,
        password_hash=creds.hasher.hash(password),
        created_at=creds.clock.now(),
    )
    uow.accounts.add(account)
    await uow.flush()
    return account


async def register_student(
    uow: UnitOfWork, data: StudentRegistration, creds: Credentials
) -> TokenPair:
    """An email login for an ANONYMOUS participant; the email is a credential of
    the account, not part of the participant's personal data."""
    nickname = validate_nickname(data.nickname)
    async with uow:
        account = await _new_login(uow, data.email, data.password, Role.STUDENT, creds)
        return await _start_participant(uow, account, nickname, creds)


async def register_guardian(
    uow: UnitOfWork, data: GuardianRegistration, creds: Credentials
) -> TokenPair:
    last = validate_name(data.last_name, "lastName", required=True)
    first = validate_name(data.first_name, "firstName", required=True)
    middle = validate_name(data.middle_name, "middleName", required=False)
    phone = validate_phone(data.phone)
    async with uow:
        account = await _new_login(uow, data.email, data.password, Role.GUARDIAN, creds)
        assert account.id is not None and last is not None and first is not None
        uow.guardians.add(
            Guardian(
                account_id=account.id,
                last_name=last,
                first_name=first,
                middle_name=middle,
                email=account.email,
                phone=phone,
                created_at=creds.clock.now(),
            )
        )
        pair = await _issue_pair(uow, account, creds)
        await uow.commit()
    return pair


INVALID_LOGIN = "The email or password is wrong."


async def login(uow: UnitOfWork, email: str, password: str, creds: Credentials) -> TokenPair:
    """Same message for an unknown email and a wrong password: no account probing."""
    try:
        email = normalize_email(email)
    except InvalidInput as error:
        raise Unauthenticated(INVALID_LOGIN) from error
    async with uow:
        account = await uow.accounts.by_email(email)
        if account is None or account.password_hash is None:
            creds.hasher.hash(password)  # spend the same time as a real check
            raise Unauthenticated(INVALID_LOGIN)
        if not creds.hasher.verify(account.password_hash, password) or not account.is_active:
            raise Unauthenticated(INVALID_LOGIN)
        pair = await _issue_pair(uow, account, creds)
        await uow.commit()
    return pair


async def refresh(uow: UnitOfWork, refresh_token: str, creds: Credentials) -> TokenPair:
    """Rotate: the presented token is spent and a new one of the same family issued."""
    now = creds.clock.now()
    async with uow:
        stored = await uow.refresh_tokens.by_hash(hash_refresh_token(refresh_token))
        if stored is None:
            raise Unauthenticated("The refresh token is not valid.")
        if stored.rotated_at is not None or stored.revoked_at is not None:
            if stored.rotated_at is not None:
                await uow.refresh_tokens.revoke_family(stored.family_id, now)
                uow.outbox.add(
                    OutboxMessage(
                        topic="security.refresh_token_reuse",
                        payload={"account_id": stored.account_id, "family_id": stored.family_id},
                        created_at=now,
                    )
                )
                await uow.commit()
            raise Unauthenticated("The refresh token is not valid.")
        if now >= stored.expires_at:
            raise Unauthenticated("The refresh token has expired.")
        account = await uow.accounts.get(stored.account_id)
        if account is None or not account.is_active:
            raise Unauthenticated("The refresh token is not valid.")
        stored.rotated_at = now
        pair = await _issue_pair(uow, account, creds, family_id=stored.family_id)
        await uow.commit()
    return pair


async def logout(uow: UnitOfWork, refresh_token: str, account_id: int, clock: Clock) -> bool:
    """Revoke the family of the given refresh token; only its owner may do so."""
    async with uow:
        stored = await uow.refresh_tokens.by_hash(hash_refresh_token(refresh_token))
        if stored is None or stored.account_id != account_id:
            return False
        await uow.refresh_tokens.revoke_family(stored.family_id, clock.now())
        await uow.commit()
    return True


async def create_staff_account(
    uow: UnitOfWork,
    *,
    role: Role,
    email: str,
    password: str,
    organization: str | None,
    creds: Credentials,
) -> Account:
    """Staff accounts come from the CLI; university and organizer staff need an organization."""
    if role in (Role.STUDENT, Role.GUARDIAN):
        raise InvalidInput("Students and guardians register themselves.", field="role")
    needs_org = role in (Role.UNIVERSITY, Role.ORGANIZER)
    if needs_org and not organization:
        raise InvalidInput(f"A {role.value} account needs --organization.", field="organization")
    async with uow:
        account = await _new_login(uow, email, password, role, creds)
        if needs_org and organization:
            kind = OrganizationKind(role.value)
            org = await uow.organizations.by_name(organization)
            if org is None:
                org = Organization(kind=kind, name=organization, created_at=creds.clock.now())
                uow.organizations.add(org)
                await uow.flush()
            elif org.kind is not kind:
                raise Conflict(
                    f"The organization {organization!r} is a {org.kind.value}.",
                    field="organization",
                )
            account.organization_id = org.id
        await uow.commit()
    return account
