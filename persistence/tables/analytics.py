"""Career-guidance data (questionnaires, tests, trials, choices), quality flags, imports."""

import sqlalchemy as sa

from domain.analytics_records import FlagSubject, QualityFlagStatus, TrialKind
from persistence.tables.metadata import metadata
from persistence.tables.types import Id, Json, UtcDateTime, enum_column

questionnaires = sa.Table(
    "questionnaires",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("scale_min", sa.SmallInteger, nullable=False),
    sa.Column("scale_max", sa.SmallInteger, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.CheckConstraint("scale_min < scale_max", name="scale_ordered"),
)

questionnaire_items = sa.Table(
    "questionnaire_items",
    metadata,
    sa.Column(
        "questionnaire_id",
        Id,
        sa.ForeignKey("questionnaires.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("position", sa.SmallInteger, primary_key=True),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("scale", sa.String(64), nullable=False),
    sa.Column("reverse_keyed", sa.Boolean, nullable=False),
    sa.UniqueConstraint("questionnaire_id", "code"),
)

questionnaire_responses = sa.Table(
    "questionnaire_responses",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("questionnaire_id", Id, sa.ForeignKey("questionnaires.id"), nullable=False),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("season_code", sa.String(7), sa.ForeignKey("seasons.code"), nullable=False),
    sa.Column("answers", Json, nullable=False),
    sa.Column("times", Json, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("questionnaire_id", "participant_id", "season_code"),
)

knowledge_tests = sa.Table(
    "knowledge_tests",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    # the catalog event whose results this test's attempts produced (migration 0014):
    # an uncleared flag on an attempt takes that participant's result out of the rating
    sa.Column("event_id", Id, sa.ForeignKey("events.id"), nullable=True, index=True),
)

knowledge_test_items = sa.Table(
    "knowledge_test_items",
    metadata,
    sa.Column(
        "test_id", Id, sa.ForeignKey("knowledge_tests.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("position", sa.SmallInteger, primary_key=True),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("correct_option", sa.SmallInteger, nullable=False),
    sa.Column("option_count", sa.SmallInteger, nullable=False),
    sa.Column("discrimination", sa.Float, nullable=True),
    sa.Column("difficulty", sa.Float, nullable=True),
    sa.Column("guessing", sa.Float, nullable=True),
    sa.UniqueConstraint("test_id", "code"),
    sa.CheckConstraint("correct_option BETWEEN 1 AND option_count", name="correct_in_range"),
)

knowledge_test_attempts = sa.Table(
    "knowledge_test_attempts",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("test_id", Id, sa.ForeignKey("knowledge_tests.id"), nullable=False),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("season_code", sa.String(7), sa.ForeignKey("seasons.code"), nullable=False),
    sa.Column("answers", Json, nullable=False),
    sa.Column("times", Json, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("test_id", "participant_id", "season_code"),
)

professional_trials = sa.Table(
    "professional_trials",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False),
    sa.Column("profession_code", sa.String(64), sa.ForeignKey("professions.code"), nullable=False),
    enum_column(TrialKind, name="kind", nullable=False),
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("season_code", sa.String(7), sa.ForeignKey("seasons.code"), nullable=False),
    sa.Column("region_code", sa.String(2), sa.ForeignKey("regions.code"), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("participant_id", "profession_code", "kind", "held_on"),
    sa.Index("ix_professional_trials_season", "season_code"),
)

profession_choices = sa.Table(
    "profession_choices",
    metadata,
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), primary_key=True),
    sa.Column("season_code", sa.String(7), sa.ForeignKey("seasons.code"), primary_key=True),
    sa.Column(
        "profession_code", sa.String(64), sa.ForeignKey("professions.code"), primary_key=True
    ),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index("ix_profession_choices_season", "season_code"),
)

respondent_seasons = sa.Table(
    "respondent_seasons",
    metadata,
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), primary_key=True),
    sa.Column("season_code", sa.String(7), sa.ForeignKey("seasons.code"), primary_key=True),
    sa.Column("region_code", sa.String(2), sa.ForeignKey("regions.code"), nullable=True),
    sa.Column("average_mark", sa.Numeric(3, 2), nullable=True),
    sa.Column("club_activity", sa.Boolean, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_respondent_seasons_season", "season_code"),
    sa.CheckConstraint(
        "average_mark IS NULL OR (average_mark >= 2 AND average_mark <= 5)", name="mark_range"
    ),
)

quality_flags = sa.Table(
    "quality_flags",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    enum_column(FlagSubject, name="subject", nullable=False),
    sa.Column(
        "response_id",
        Id,
        sa.ForeignKey("questionnaire_responses.id", ondelete="CASCADE"),
        nullable=True,
        unique=True,
    ),
    sa.Column(
        "attempt_id",
        Id,
        sa.ForeignKey("knowledge_test_attempts.id", ondelete="CASCADE"),
        nullable=True,
        unique=True,
    ),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("season_code", sa.String(7), sa.ForeignKey("seasons.code"), nullable=False),
    sa.Column("failed_hurdles", Json, nullable=False),
    sa.Column("indices", Json, nullable=False),
    enum_column(QualityFlagStatus, name="status", nullable=False),
    sa.Column("computed_at", UtcDateTime, nullable=False),
    sa.Column("decided_by_account_id", Id, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Index("ix_quality_flags_season_status", "season_code", "status"),
    sa.CheckConstraint("(response_id IS NULL) <> (attempt_id IS NULL)", name="one_subject"),
)

analytics_imports = sa.Table(
    "analytics_imports",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("target_code", sa.String(64), nullable=True),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("format", sa.String(8), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("total_rows", sa.Integer, nullable=False),
    sa.Column("created_rows", sa.Integer, nullable=False),
    sa.Column("updated_rows", sa.Integer, nullable=False),
    sa.Column("unchanged_rows", sa.Integer, nullable=False),
    sa.Column("uploaded_by_account_id", Id, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

analytics_revision = sa.Table(
    "analytics_revision",
    metadata,
    sa.Column("id", sa.SmallInteger, primary_key=True),
    sa.Column("revision", sa.BigInteger, nullable=False),
)
"""One row: bumped by every write that changes the regional index, so a cached report
knows it is stale in every API process."""
