"""analytics: questionnaires, tests, answers, trials, choices, season profiles, quality
flags, imports and the index revision counter

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import persistence.tables.types

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "questionnaires",
    "questionnaire_items",
    "questionnaire_responses",
    "knowledge_tests",
    "knowledge_test_items",
    "knowledge_test_attempts",
    "professional_trials",
    "profession_choices",
    "respondent_seasons",
    "quality_flags",
    "analytics_imports",
    "analytics_revision",
)


def upgrade() -> None:
    op.create_table(
        "questionnaires",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("scale_min", sa.SmallInteger(), nullable=False),
        sa.Column("scale_max", sa.SmallInteger(), nullable=False),
        sa.Column(
            "created_at", persistence.tables.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.CheckConstraint("scale_min < scale_max", name=op.f("ck_questionnaires_scale_ordered")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaires")),
        sa.UniqueConstraint("code", name=op.f("uq_questionnaires_code")),
    )
    op.create_table(
        "questionnaire_items",
        sa.Column(
            "questionnaire_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("scale", sa.String(length=64), nullable=False),
        sa.Column("reverse_keyed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_questionnaire_items_questionnaire_id_questionnaires"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "questionnaire_id", "position", name=op.f("pk_questionnaire_items")
        ),
        sa.UniqueConstraint(
            "questionnaire_id", "code", name=op.f("uq_questionnaire_items_questionnaire_id_code")
        ),
    )
    op.create_table(
        "questionnaire_responses",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "questionnaire_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "participant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("season_code", sa.String(length=7), nullable=False),
        sa.Column(
            "answers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "times",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at", persistence.tables.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", persistence.tables.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_questionnaire_responses_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["questionnaires.id"],
            name=op.f("fk_questionnaire_responses_questionnaire_id_questionnaires"),
        ),
        sa.ForeignKeyConstraint(
            ["season_code"],
            ["seasons.code"],
            name=op.f("fk_questionnaire_responses_season_code_seasons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_responses")),
        sa.UniqueConstraint(
            "questionnaire_id",
            "participant_id",
            "season_code",
            name=op.f("uq_questionnaire_responses_questionnaire_id_participant_id_season_code"),
        ),
    )
    op.create_index(
        op.f("ix_questionnaire_responses_participant_id"),
        "questionnaire_responses",
        ["participant_id"],
        unique=False,
    )
    op.create_table(
        "knowledge_tests",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "created_at", persistence.tables.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_tests")),
        sa.UniqueConstraint("code", name=op.f("uq_knowledge_tests_code")),
    )
    op.create_table(
        "knowledge_test_items",
        sa.Column("test_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("correct_option", sa.SmallInteger(), nullable=False),
        sa.Column("option_count", sa.SmallInteger(), nullable=False),
        sa.Column("discrimination", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("guessing", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "correct_option BETWEEN 1 AND option_count",
            name=op.f("ck_knowledge_test_items_correct_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["test_id"],
            ["knowledge_tests.id"],
            name=op.f("fk_knowledge_test_items_test_id_knowledge_tests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("test_id", "position", name=op.f("pk_knowledge_test_items")),
        sa.UniqueConstraint("test_id", "code", name=op.f("uq_knowledge_test_items_test_id_code")),
    )
    op.create_table(
        "knowledge_test_attempts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("test_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "participant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("season_code", sa.String(length=7), nullable=False),
        sa.Column(
            "answers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "times",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "created_at", persistence.tables.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", persistence.tables.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_knowledge_test_attempts_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["season_code"],
            ["seasons.code"],
            name=op.f("fk_knowledge_test_attempts_season_code_seasons"),
        ),
        sa.ForeignKeyConstraint(
            ["test_id"],
            ["knowledge_tests.id"],
            name=op.f("fk_knowledge_test_attempts_test_id_knowledge_tests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_test_attempts")),
        sa.UniqueConstraint(
            "test_id",
            "participant_id",
            "season_code",
            name=op.f("uq_knowledge_test_attempts_test_id_participant_id_season_code"),
        ),
    )
    op.create_index(
        op.f("ix_knowledge_test_attempts_participant_id"),
        "knowledge_test_attempts",
        ["participant_id"],
        unique=False,
    )
    op.create_table(
        "professional_trials",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "participant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("profession_code", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "TRIAL",
                "FESTIVAL",
                name="kind_values",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("season_code", sa.String(length=7), nullable=False),
        sa.Column("region_code", sa.String(length=2), nullable=False),
        sa.Column(
            "created_at", persistence.tables.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_professional_trials_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["profession_code"],
            ["professions.code"],
            name=op.f("fk_professional_trials_profession_code_professions"),
        ),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["regions.code"],
            name=op.f("fk_professional_trials_region_code_regions"),
        ),
        sa.ForeignKeyConstraint(
            ["season_code"],
            ["seasons.code"],
            name=op.f("fk_professional_trials_season_code_seasons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_professional_trials")),
        sa.UniqueConstraint(
            "participant_id",
            "profession_code",
            "kind",
            "held_on",
            name=op.f("uq_professional_trials_participant_id_profession_code_kind_held_on"),
        ),
    )
    op.create_index(
        "ix_professional_trials_season", "professional_trials", ["season_code"], unique=False
    )
    op.create_table(
        "profession_choices",
        sa.Column(
            "participant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("season_code", sa.String(length=7), nullable=False),
        sa.Column("profession_code", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", persistence.tables.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_profession_choices_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["profession_code"],
            ["professions.code"],
            name=op.f("fk_profession_choices_profession_code_professions"),
        ),
        sa.ForeignKeyConstraint(
            ["season_code"],
            ["seasons.code"],
            name=op.f("fk_profession_choices_season_code_seasons"),
        ),
        sa.PrimaryKeyConstraint(
            "participant_id", "season_code", "profession_code", name=op.f("pk_profession_choices")
        ),
    )
    op.create_index(
        "ix_profession_choices_season", "profession_choices", ["season_code"], unique=False
    )
    op.create_table(
        "respondent_seasons",
        sa.Column(
            "participant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("season_code", sa.String(length=7), nullable=False),
        sa.Column("region_code", sa.String(length=2), nullable=True),
        sa.Column("average_mark", sa.Numeric(precision=3, scale=2), nullable=True),
        sa.Column("club_activity", sa.Boolean(), nullable=False),
        sa.Column(
            "updated_at", persistence.tables.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "average_mark IS NULL OR (average_mark >= 2 AND average_mark <= 5)",
            name=op.f("ck_respondent_seasons_mark_range"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_respondent_seasons_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["regions.code"],
            name=op.f("fk_respondent_seasons_region_code_regions"),
        ),
        sa.ForeignKeyConstraint(
            ["season_code"],
            ["seasons.code"],
            name=op.f("fk_respondent_seasons_season_code_seasons"),
        ),
        sa.PrimaryKeyConstraint(
            "participant_id", "season_code", name=op.f("pk_respondent_seasons")
        ),
    )
    op.create_index(
        "ix_respondent_seasons_season", "respondent_seasons", ["season_code"], unique=False
    )
    op.create_table(
        "quality_flags",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "subject",
            sa.Enum(
                "QUESTIONNAIRE_RESPONSE",
                "TEST_ATTEMPT",
                name="subject_values",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "response_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "attempt_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "participant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("season_code", sa.String(length=7), nullable=False),
        sa.Column(
            "failed_hurdles",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "indices",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "FLAGGED",
                "CONFIRMED",
                "CLEARED",
                name="status_values",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "computed_at", persistence.tables.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "decided_by_account_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("decided_at", persistence.tables.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(response_id IS NULL) <> (attempt_id IS NULL)",
            name=op.f("ck_quality_flags_one_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["knowledge_test_attempts.id"],
            name=op.f("fk_quality_flags_attempt_id_knowledge_test_attempts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_quality_flags_decided_by_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_quality_flags_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["questionnaire_responses.id"],
            name=op.f("fk_quality_flags_response_id_questionnaire_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["season_code"], ["seasons.code"], name=op.f("fk_quality_flags_season_code_seasons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_flags")),
        sa.UniqueConstraint("attempt_id", name=op.f("uq_quality_flags_attempt_id")),
        sa.UniqueConstraint("response_id", name=op.f("uq_quality_flags_response_id")),
    )
    op.create_index(
        op.f("ix_quality_flags_participant_id"), "quality_flags", ["participant_id"], unique=False
    )
    op.create_index(
        "ix_quality_flags_season_status", "quality_flags", ["season_code", "status"], unique=False
    )
    op.create_table(
        "analytics_imports",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("target_code", sa.String(length=64), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("created_rows", sa.Integer(), nullable=False),
        sa.Column("updated_rows", sa.Integer(), nullable=False),
        sa.Column("unchanged_rows", sa.Integer(), nullable=False),
        sa.Column(
            "uploaded_by_account_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "created_at", persistence.tables.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_analytics_imports_uploaded_by_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_imports")),
    )
    op.create_table(
        "analytics_revision",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_revision")),
    )
    op.execute(sa.text("INSERT INTO analytics_revision (id, revision) VALUES (1, 0)"))


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
