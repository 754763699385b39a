"""aggregator: import row keys, batch failures, achievement transitions and result links,
participant matching indexes

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# Must stay equal to `domain.imports.name_key` (a unit test compares them on
# PostgreSQL): trimmed, inner spaces collapsed, ё→е, lower case. The ICU collation
# lower-cases Cyrillic whatever the database's own locale is.
NAME_KEY_FUNCTION = """
CREATE OR REPLACE FUNCTION talent_name_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower(regexp_replace(btrim(translate(value, 'Ёё' || chr(160) || chr(9), 'Ее  ')),
                                  ' +', ' ', 'g') COLLATE {collation}) $$
"""


def _status_column(name: str) -> sa.Column[str]:
    values = ("DRAFT", "SUBMITTED", "APPROVED", "REJECTED", "NEEDS_CHANGES")
    return sa.Column(
        name,
        sa.Enum(
            *values, name=f"{name}_values", native_enum=False, create_constraint=True, length=32
        ),
        nullable=False,
    )


def upgrade() -> None:
    with op.batch_alter_table("import_batches") as batch:
        batch.add_column(sa.Column("failure_reason", sa.Text(), nullable=True))
        batch.create_index("ix_import_batches_event_sha256", ["event_id", "sha256"])
    with op.batch_alter_table("import_rows") as batch:
        batch.add_column(sa.Column("row_key", sa.String(64), nullable=True))
        batch.create_index("ix_import_rows_row_key", ["row_key"])
        batch.create_index("ix_import_rows_batch_participant", ["batch_id", "participant_id"])
    with op.batch_alter_table("achievements") as batch:
        batch.add_column(sa.Column("result_id", Id, nullable=True))
        batch.create_foreign_key(
            op.f("fk_achievements_result_id_results"), "results", ["result_id"], ["id"]
        )
    op.create_table(
        "achievement_transitions",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("achievement_id", Id, nullable=False),
        _status_column("from_status"),
        _status_column("to_status"),
        sa.Column("actor_account_id", Id, nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_achievement_transitions_achievement_id_achievements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_account_id"],
            ["accounts.id"],
            name=op.f("fk_achievement_transitions_actor_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievement_transitions")),
    )
    op.create_index(
        "ix_achievement_transitions_achievement_at",
        "achievement_transitions",
        ["achievement_id", "at"],
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        has_icu = bind.scalar(
            sa.text("SELECT count(*) FROM pg_collation WHERE collname = 'und-x-icu'")
        )
        collation = '"und-x-icu"' if has_icu else '"default"'
        op.execute(NAME_KEY_FUNCTION.format(collation=collation))
        op.execute(
            "CREATE INDEX ix_participants_name_key ON participants "
            "(talent_name_key(last_name), birth_date)"
        )
    op.create_index("ix_participants_birth_date", "participants", ["birth_date"])


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_participants_name_key")
        op.execute("DROP FUNCTION IF EXISTS talent_name_key(text)")
    op.drop_index("ix_participants_birth_date", table_name="participants")
    op.drop_index("ix_achievement_transitions_achievement_at", table_name="achievement_transitions")
    op.drop_table("achievement_transitions")
    with op.batch_alter_table("achievements") as batch:
        batch.drop_constraint(op.f("fk_achievements_result_id_results"), type_="foreignkey")
        batch.drop_column("result_id")
    with op.batch_alter_table("import_rows") as batch:
        batch.drop_index("ix_import_rows_batch_participant")
        batch.drop_index("ix_import_rows_row_key")
        batch.drop_column("row_key")
    with op.batch_alter_table("import_batches") as batch:
        batch.drop_index("ix_import_batches_event_sha256")
        batch.drop_column("failure_reason")
