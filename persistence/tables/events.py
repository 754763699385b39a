"""Catalog events, their directions, registrations, results and result imports."""

import sqlalchemy as sa

from domain.events import EventKind, EventLevel, EventStatus, ParticipationMode
from domain.results import (
    CompletionGrade,
    ImportBatchStatus,
    ImportFormat,
    ImportRowState,
    ResultSource,
    ResultStatus,
)
from persistence.tables.metadata import metadata
from persistence.tables.people import participants
from persistence.tables.types import Id, Json, UtcDateTime, enum_column

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    enum_column(EventKind, name="kind", nullable=False),
    enum_column(EventLevel, name="level", nullable=False),
    sa.Column("season_code", sa.String(7), sa.ForeignKey("seasons.code"), nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("is_online", sa.Boolean, nullable=False),
    sa.Column("region_code", sa.String(2), sa.ForeignKey("regions.code"), nullable=True),
    sa.Column("organizer_id", Id, sa.ForeignKey("organizations.id"), nullable=False, index=True),
    enum_column(EventStatus, name="status", nullable=False),
    enum_column(ParticipationMode, name="participation", nullable=False),
    sa.Column("capacity", sa.Integer, nullable=True),
    sa.Column("parent_id", Id, sa.ForeignKey("events.id"), nullable=True, index=True),
    sa.Column("stage_order", sa.SmallInteger, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_events_season_status", "season_code", "status"),
    sa.CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
)

event_directions = sa.Table(
    "event_directions",
    metadata,
    sa.Column("event_id", Id, sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("direction_code", sa.String(64), sa.ForeignKey("directions.code"), primary_key=True),
    sa.Column("relevance", sa.Numeric(4, 3), nullable=False),
    sa.Index("ix_event_directions_direction", "direction_code"),
    sa.CheckConstraint("relevance >= 0 AND relevance <= 1", name="relevance_range"),
)

registrations = sa.Table(
    "registrations",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("event_id", Id, sa.ForeignKey("events.id"), nullable=False),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("cancelled_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("event_id", "participant_id"),
)

import_batches = sa.Table(
    "import_batches",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("event_id", Id, sa.ForeignKey("events.id"), nullable=False, index=True),
    sa.Column("uploaded_by_account_id", Id, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    enum_column(ImportFormat, name="format", nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    enum_column(ImportBatchStatus, name="status", nullable=False),
    sa.Column("failure_reason", sa.Text, nullable=True),
    sa.Column("total_rows", sa.Integer, nullable=False),
    sa.Column("applied_rows", sa.Integer, nullable=False),
    sa.Column("unmatched_rows", sa.Integer, nullable=False),
    sa.Column("invalid_rows", sa.Integer, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("completed_at", UtcDateTime, nullable=True),
    sa.Index("ix_import_batches_event_sha256", "event_id", "sha256"),
)

import_rows = sa.Table(
    "import_rows",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column(
        "batch_id", Id, sa.ForeignKey("import_batches.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("row_number", sa.Integer, nullable=False),
    sa.Column("row_hash", sa.String(64), nullable=False),
    sa.Column("row_key", sa.String(64), nullable=True),
    enum_column(ImportRowState, name="state", nullable=False),
    sa.Column("raw", Json, nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    # whom the row matched: provenance, no foreign key (migration 0015)
    sa.Column("participant_id", Id, nullable=True),
    sa.Column("result_id", Id, nullable=True),
    sa.Column("resolved_by_account_id", Id, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("resolved_at", UtcDateTime, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("batch_id", "row_number"),
    # A row key within a batch (duplicate rows) and across batches (a moderator's
    # earlier choice, open rows with the same key): one index serves both (migration 0009).
    sa.Index("ix_import_rows_row_key_batch", "row_key", "batch_id"),
    # Only the moderators' queue asks for a state, and only for UNMATCHED rows (a few
    # per cent), so the index holds just those instead of every imported row.
    sa.Index(
        "ix_import_rows_unmatched",
        "id",
        postgresql_where=sa.text("state = 'UNMATCHED'"),
        sqlite_where=sa.text("state = 'UNMATCHED'"),
    ),
    sa.Index("ix_import_rows_batch_participant", "batch_id", "participant_id"),
)

results = sa.Table(
    "results",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("event_id", Id, sa.ForeignKey("events.id"), nullable=False),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False, index=True),
    enum_column(ResultStatus, name="status", nullable=False),
    enum_column(ResultSource, name="source", nullable=False),
    sa.Column("score", sa.Numeric(12, 3), nullable=True),
    sa.Column("max_score", sa.Numeric(12, 3), nullable=True),
    sa.Column("place", sa.Integer, nullable=True),
    sa.Column("team", sa.String(200), nullable=True),
    enum_column(CompletionGrade, name="completion", nullable=True),
    # the report row that last wrote it: provenance, no foreign key (migration 0015)
    sa.Column("import_row_id", Id, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("event_id", "participant_id"),
    sa.CheckConstraint("place IS NULL OR place >= 1", name="place_positive"),
)

# Matching imported rows to participants (issue 4). The name key is a PostgreSQL
# function created by migration 0004 (lower case, ё→е, spaces collapsed), so the
# import joins on an index instead of normalising 250,000 names per batch. SQLite,
# the embedded default, narrows by birth date (its own index) and compares keys in Python.
participant_name_key_index = sa.Index(
    "ix_participants_name_key",
    sa.func.talent_name_key(participants.c.last_name),
    participants.c.birth_date,
).ddl_if(dialect="postgresql")
participant_birth_date_index = sa.Index("ix_participants_birth_date", participants.c.birth_date)
