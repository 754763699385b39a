"""Identity verification: provider nonces and the record of each verification."""

import sqlalchemy as sa

from domain.identity import DocumentKind
from domain.participants import VerificationMethod
from persistence.tables.metadata import metadata
from persistence.tables.types import Id, UtcDateTime, enum_column

idp_nonces = sa.Table(
    "idp_nonces",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("nonce_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False, index=True),
    sa.Column("used_at", UtcDateTime, nullable=True),
)
"""Nonces the platform issued for identity-provider sign-ins (hashed, single use)."""

participant_verifications = sa.Table(
    "participant_verifications",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False, index=True),
    enum_column(VerificationMethod, name="method", nullable=False),
    sa.Column("actor_account_id", Id, sa.ForeignKey("accounts.id"), nullable=True),
    enum_column(DocumentKind, name="document_kind", nullable=True),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("at", UtcDateTime, nullable=False),
)
"""Who verified a participant, how and when; only a document's kind, never its number."""
