"""Participants, guardians and guardian links."""

import sqlalchemy as sa

from domain.guardians import GuardianLinkStatus, GuardianRelation
from domain.participants import ParticipantStatus, VerificationMethod
from persistence.tables.metadata import metadata
from persistence.tables.types import Id, UtcDateTime, enum_column

participants = sa.Table(
    "participants",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("account_id", Id, sa.ForeignKey("accounts.id"), nullable=True, unique=True),
    sa.Column("nickname", sa.String(40), nullable=False),
    enum_column(ParticipantStatus, name="status", nullable=False, index=True),
    sa.Column("last_name", sa.String(80), nullable=True),
    sa.Column("first_name", sa.String(80), nullable=True),
    sa.Column("middle_name", sa.String(80), nullable=True),
    sa.Column("birth_date", sa.Date, nullable=True),
    sa.Column(
        "region_code", sa.String(2), sa.ForeignKey("regions.code"), nullable=True, index=True
    ),
    sa.Column("school", sa.String(300), nullable=True),
    sa.Column("grade", sa.SmallInteger, nullable=True),
    sa.Column("email", sa.String(254), nullable=True, index=True),
    sa.Column("phone", sa.String(32), nullable=True),
    sa.Column("verified_at", UtcDateTime, nullable=True),
    enum_column(VerificationMethod, name="verification_method", nullable=True),
    sa.Column("erasure_due_at", UtcDateTime, nullable=True, index=True),
    sa.Column("erased_at", UtcDateTime, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.CheckConstraint("grade IS NULL OR (grade BETWEEN 1 AND 12)", name="grade_range"),
    sa.Index("ix_participants_name_birth", "last_name", "first_name", "birth_date"),
)

guardians = sa.Table(
    "guardians",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("account_id", Id, sa.ForeignKey("accounts.id"), nullable=False, unique=True),
    sa.Column("last_name", sa.String(80), nullable=False),
    sa.Column("first_name", sa.String(80), nullable=False),
    sa.Column("middle_name", sa.String(80), nullable=True),
    sa.Column("email", sa.String(254), nullable=True),
    sa.Column("phone", sa.String(32), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

guardian_links = sa.Table(
    "guardian_links",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("guardian_id", Id, sa.ForeignKey("guardians.id"), nullable=False, index=True),
    enum_column(GuardianRelation, name="relation", nullable=False),
    enum_column(GuardianLinkStatus, name="status", nullable=False),
    sa.Column("requested_by_account_id", Id, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("decided_by_account_id", Id, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("ended_at", UtcDateTime, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)
