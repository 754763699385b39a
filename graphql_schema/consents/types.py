"""Consent documents (public texts), consents and the consent history."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from domain.consent_rules import Party, view_of
from domain.consents import (
    Consent,
    ConsentAction,
    ConsentDocument,
    ConsentGiver,
    ConsentHistoryEntry,
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
)
from domain.participants import Participant
from domain.policy import can_reach
from graphql_schema.accounts.types import OrganizationType
from graphql_schema.context import Context
from graphql_schema.participants.types import ParticipantType, participant_for
from graphql_schema.permissions import Access, access_for, guarded, record_reach, standing

ConsentPurposeEnum = strawberry.enum(ConsentPurpose, name="ConsentPurpose")
ConsentStatusEnum = strawberry.enum(ConsentStatus, name="ConsentStatus")
ConsentGiverEnum = strawberry.enum(ConsentGiver, name="ConsentGiver")
ConsentMethodEnum = strawberry.enum(ConsentMethod, name="ConsentMethod")
ConsentActionEnum = strawberry.enum(ConsentAction, name="ConsentAction")
PartyEnum = strawberry.enum(Party, name="ConsentParty")
Info = strawberry.Info[Context, None]


@strawberry.type(
    name="ConsentDocument",
    description="A versioned consent text; the SHA-256 pins exactly what was agreed to.",
)
class ConsentDocumentType(relay.Node):
    id: relay.NodeID[int]
    purpose: ConsentPurpose
    version: int
    title: str
    text: str
    sha256: str
    published_at: datetime

    @classmethod
    def from_domain(cls, doc: ConsentDocument) -> ConsentDocumentType:
        assert doc.id is not None
        return cls(
            id=doc.id,
            purpose=ConsentPurpose(doc.purpose),
            version=doc.version,
            title=doc.title,
            text=doc.text,
            sha256=doc.sha256,
            published_at=doc.published_at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: list[str], required: bool = False
    ) -> list[ConsentDocumentType | None]:
        return [await document_for(info.context, int(i)) for i in node_ids]


async def document_for(context: Context, document_id: int) -> ConsentDocumentType | None:
    doc = await context.privacy.document.load(document_id)
    return ConsentDocumentType.from_domain(doc) if doc else None


async def _participant(
    root: ConsentType | ConsentHistoryEntryType, info: Info
) -> ParticipantType | None:
    root.access.check(info.context, "participant", None)
    return await participant_for(info.context, root.row.participant_id)


@strawberry.type(
    name="Consent",
    description="An immutable consent record under 152-FZ: who gave it, for what, under "
    "which text; a revocation adds who and when. To the participant, its confirmed "
    "guardians and staff only.",
)
class ConsentType(relay.Node):
    id: relay.NodeID[int]
    row: strawberry.Private[Consent]
    access: strawberry.Private[Access]
    current: strawberry.Private[ConsentStatus]
    waiting_for: strawberry.Private[Party | None]

    purpose: ConsentPurpose | None = guarded("purpose", lambda r: r.purpose, ConsentPurpose | None)
    given_by: ConsentGiver | None = guarded(
        "givenBy", lambda r: r.given_by, ConsentGiver | None, "Whose will the record carries."
    )
    method: ConsentMethod | None = guarded("method", lambda r: r.method, ConsentMethod | None)
    all_universities: bool | None = guarded(
        "allUniversities",
        lambda r: r.scope_all_universities,
        bool | None,
        "University and contact sharing: every partner university (else `universities`).",
    )
    participant_agreed: bool | None = guarded(
        "participantAgreed", lambda r: r.participant_account_id is not None, bool | None
    )
    guardian_agreed: bool | None = guarded(
        "guardianAgreed", lambda r: r.guardian_account_id is not None, bool | None
    )
    created_at: datetime | None = guarded("createdAt", lambda r: r.created_at, datetime | None)
    granted_at: datetime | None = guarded(
        "grantedAt", lambda r: r.granted_at, datetime | None, "When it took effect."
    )
    expires_at: datetime | None = guarded("expiresAt", lambda r: r.expires_at, datetime | None)
    revoked_at: datetime | None = guarded("revokedAt", lambda r: r.revoked_at, datetime | None)

    @strawberry.field(description="PENDING, ACTIVE, REVOKED, or EXPIRED once past its expiry.")
    def status(self, info: Info) -> ConsentStatus | None:
        return self.access.check(info.context, "status", self.current)

    @strawberry.field(description="Whose agreement a PENDING grant still waits for.")
    def awaiting(self, info: Info) -> Party | None:
        return self.access.check(info.context, "awaiting", self.waiting_for)

    @strawberry.field(description="The exact text agreed to.")
    async def document(self, info: Info) -> ConsentDocumentType | None:
        self.access.check(info.context, "document", None)
        return await document_for(info.context, self.row.document_id)

    @strawberry.field(description="The universities a scoped sharing consent names.")
    async def universities(self, info: Info) -> list[OrganizationType] | None:
        self.access.check(info.context, "universities", None)
        orgs = [
            await info.context.loaders.organization.load(i) for i in self.row.scope_organization_ids
        ]
        return [OrganizationType.from_domain(o) for o in orgs if o is not None]

    @strawberry.field
    async def participant(self, info: Info) -> ParticipantType | None:
        return await _participant(self, info)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: list[str], required: bool = False
    ) -> list[ConsentType | None]:
        return [await consent_for(info.context, int(i)) for i in node_ids]


async def consent_view(
    context: Context, consent: Consent, participant: Participant, access: Access | None = None
) -> ConsentType | None:
    """`access` of the participant row when listed under it (same relation)."""
    relation = access.relation if access else (await standing(context, participant)).relation
    if not can_reach("Consent", relation):
        return None
    assert consent.id is not None
    own = access_for(context, "Consent", consent.participant_id, relation)
    record_reach(context, own)
    seen = view_of(consent, participant.birth_date, context.privacy.now)
    return ConsentType(
        id=consent.id, row=consent, access=own, current=seen.status, waiting_for=seen.awaiting
    )


async def consent_for(context: Context, consent_id: int) -> ConsentType | None:
    consent = await context.privacy.consent.load(consent_id)
    if consent is None:
        return None
    participant = await context.loaders.participant.load(consent.participant_id)
    return await consent_view(context, consent, participant) if participant else None


@strawberry.type(
    name="ConsentHistoryEntry",
    description="One append-only step: a request, grant, confirmation, revocation or expiry.",
)
class ConsentHistoryEntryType(relay.Node):
    id: relay.NodeID[int]
    row: strawberry.Private[ConsentHistoryEntry]
    access: strawberry.Private[Access]
    actor_party: strawberry.Private[Party | None]

    purpose: ConsentPurpose | None = guarded("purpose", lambda r: r.purpose, ConsentPurpose | None)
    action: ConsentAction | None = guarded("action", lambda r: r.action, ConsentAction | None)
    at: datetime | None = guarded("at", lambda r: r.at, datetime | None)

    @strawberry.field(description="Who acted: the participant, a guardian, or null for the system.")
    def actor(self, info: Info) -> Party | None:
        return self.access.check(info.context, "actor", self.actor_party)

    @strawberry.field
    async def consent(self, info: Info) -> ConsentType | None:
        self.access.check(info.context, "consent", None)
        return await consent_for(info.context, self.row.consent_id)

    @strawberry.field
    async def participant(self, info: Info) -> ParticipantType | None:
        return await _participant(self, info)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: list[str], required: bool = False
    ) -> list[ConsentHistoryEntryType | None]:
        return [await history_for(info.context, int(i)) for i in node_ids]


def history_view(
    context: Context, entry: ConsentHistoryEntry, parent: Access, participant_account: int | None
) -> ConsentHistoryEntryType:
    """An entry listed under its participant (whose relation already reached it)."""
    assert entry.id is not None
    access = access_for(context, "ConsentHistoryEntry", entry.participant_id, parent.relation)
    record_reach(context, access)
    actor = None
    if entry.actor_account_id is not None:
        # The participant's own account acted, or (anyone else on record) a guardian.
        own = participant_account == entry.actor_account_id
        actor = Party.PARTICIPANT if own else Party.GUARDIAN
    return ConsentHistoryEntryType(id=entry.id, row=entry, access=access, actor_party=actor)


async def history_for(context: Context, entry_id: int) -> ConsentHistoryEntryType | None:
    entry = await context.privacy.history_entry.load(entry_id)
    if entry is None:
        return None
    participant = await context.loaders.participant.load(entry.participant_id)
    if participant is None:
        return None
    relation = (await standing(context, participant)).relation
    if not can_reach("ConsentHistoryEntry", relation):
        return None
    parent = access_for(context, "Participant", entry.participant_id, relation)
    return history_view(context, entry, parent, participant.account_id)
