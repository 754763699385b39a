"""Achievements, their directions and evidence metadata."""

import sqlalchemy as sa

from domain.achievements import AchievementStatus, EvidenceKind
from domain.events import EventKind, EventLevel
from domain.results import ResultStatus
from persistence.tables.metadata import metadata
from persistence.tables.types import Id, UtcDateTime, enum_column

achievements = sa.Table(
    "achievements",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    enum_column(EventKind, name="kind", nullable=False),
    enum_column(EventLevel, name="level", nullable=False),
    enum_column(ResultStatus, name="result_status", nullable=False),
    sa.Column("achieved_on", sa.Date, nullable=False),
    sa.Column("season_code", sa.String(7), sa.ForeignKey("seasons.code"), nullable=False),
    sa.Column("event_id", Id, sa.ForeignKey("events.id"), nullable=True, index=True),
    enum_column(AchievementStatus, name="status", nullable=False),
    sa.Column("submitted_at", UtcDateTime, nullable=True),
    sa.Column("decided_by_account_id", Id, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    sa.Column("decision_comment", sa.Text, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("result_id", Id, sa.ForeignKey("results.id"), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_achievements_status_submitted", "status", "submitted_at"),
)

achievement_directions = sa.Table(
    "achievement_directions",
    metadata,
    sa.Column(
        "achievement_id",
        Id,
        sa.ForeignKey("achievements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("direction_code", sa.String(64), sa.ForeignKey("directions.code"), primary_key=True),
)

evidence = sa.Table(
    "evidence",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column(
        "achievement_id",
        Id,
        sa.ForeignKey("achievements.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    enum_column(EvidenceKind, name="kind", nullable=False),
    sa.Column("url", sa.String(2000), nullable=True),
    sa.Column("filename", sa.String(255), nullable=True),
    sa.Column("content_type", sa.String(100), nullable=True),
    sa.Column("size_bytes", sa.Integer, nullable=True),
    sa.Column("sha256", sa.String(64), nullable=True),
    sa.Column("storage_key", sa.String(255), nullable=True),
    sa.Column("deleted_at", UtcDateTime, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

achievement_transitions = sa.Table(
    "achievement_transitions",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column(
        "achievement_id",
        Id,
        sa.ForeignKey("achievements.id", ondelete="CASCADE"),
        nullable=False,
    ),
    enum_column(AchievementStatus, name="from_status", nullable=False),
    enum_column(AchievementStatus, name="to_status", nullable=False),
    sa.Column("actor_account_id", Id, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Index("ix_achievement_transitions_achievement_at", "achievement_id", "at"),
)
"""Every step of the workflow with who, when and the comment: the decision history."""
