"""Consent documents, consents and the append-only consent history."""

import sqlalchemy as sa

from domain.consents import (
    ConsentAction,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
)
from persistence.tables.metadata import metadata
from persistence.tables.types import Id, Json, UtcDateTime, enum_column

consent_documents = sa.Table(
    "consent_documents",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    enum_column(ConsentPurpose, name="purpose", nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("purpose", "version"),
)

consents = sa.Table(
    "consents",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False),
    enum_column(ConsentPurpose, name="purpose", nullable=False),
    sa.Column("document_id", Id, sa.ForeignKey("consent_documents.id"), nullable=False),
    enum_column(ConsentStatus, name="status", nullable=False),
    enum_column(ConsentGiver, name="given_by", nullable=False),
    enum_column(ConsentMethod, name="method", nullable=False),
    sa.Column("scope_all_universities", sa.Boolean, nullable=False),
    sa.Column("scope_organization_ids", Json, nullable=False),
    sa.Column("requested_by_account_id", Id, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("participant_account_id", Id, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("guardian_account_id", Id, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("granted_at", UtcDateTime, nullable=True),
    sa.Column("expires_at", UtcDateTime, nullable=True),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Column("revoked_by_account_id", Id, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index("ix_consents_participant_purpose", "participant_id", "purpose", "status"),
    sa.Index(
        "uq_consents_live_purpose",
        "participant_id",
        "purpose",
        unique=True,
        postgresql_where=sa.text("status IN ('PENDING', 'ACTIVE')"),
        sqlite_where=sa.text("status IN ('PENDING', 'ACTIVE')"),
    ),
)
"""At most one live (PENDING or ACTIVE) record per participant and purpose: two
concurrent grants cannot both take effect."""

consent_history = sa.Table(
    "consent_history",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("consent_id", Id, sa.ForeignKey("consents.id"), nullable=False),
    enum_column(ConsentPurpose, name="purpose", nullable=False),
    enum_column(ConsentAction, name="action", nullable=False),
    sa.Column("actor_account_id", Id, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("at", UtcDateTime, nullable=False),
)
