"""ratings: boards, stream positions, diplomas; derived rating tables without foreign
keys; outbox transaction ids and insert notifications; explicit achievement
relevance in rules v1

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UtcDateTime = sa.DateTime(timezone=True)
TIERS = ("WINNER", "PRIZE_WINNER", "NONE")

OUTBOX_NOTIFY = """
CREATE OR REPLACE FUNCTION talent_outbox_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('talent_outbox', NEW.topic);
    RETURN NULL;
END $$
"""


def _tier(name: str, nullable: bool) -> sa.Column[str]:
    return sa.Column(
        name,
        sa.Enum(
            *TIERS, name=f"{name}_values", native_enum=False, create_constraint=True, length=32
        ),
        nullable=nullable,
    )


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table(
        "rating_boards",
        sa.Column("season_code", sa.String(7), nullable=False),
        sa.Column("direction_code", sa.String(64), nullable=False),
        sa.Column("rules_version", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("ranked_count", sa.Integer(), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("head_cursor", sa.BigInteger(), nullable=True),
        sa.Column("last_batch_id", sa.String(32), nullable=True),
        sa.Column("computed_at", UtcDateTime, nullable=True),
        sa.Column("frozen_at", UtcDateTime, nullable=True),
        sa.ForeignKeyConstraint(
            ["direction_code"],
            ["directions.code"],
            name=op.f("fk_rating_boards_direction_code_directions"),
        ),
        sa.ForeignKeyConstraint(
            ["season_code"], ["seasons.code"], name=op.f("fk_rating_boards_season_code_seasons")
        ),
        sa.PrimaryKeyConstraint("season_code", "direction_code", name=op.f("pk_rating_boards")),
    )
    op.create_table(
        "stream_positions",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_stream_positions")),
    )
    op.create_table(
        "diplomas",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("season_code", sa.String(7), nullable=False),
        sa.Column("direction_code", sa.String(64), nullable=False),
        sa.Column("participant_id", Id, nullable=False),
        _tier("tier", False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("points", sa.Numeric(12, 2), nullable=False),
        sa.Column("ranked_count", sa.Integer(), nullable=False),
        sa.Column("rules_version", sa.Integer(), nullable=False),
        sa.Column("issued_at", UtcDateTime, nullable=False),
        sa.Column("revoked_at", UtcDateTime, nullable=True),
        sa.Column("revoked_by_account_id", Id, nullable=True),
        sa.Column("revocation_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["direction_code"],
            ["directions.code"],
            name=op.f("fk_diplomas_direction_code_directions"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_diplomas_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_account_id"],
            ["accounts.id"],
            name=op.f("fk_diplomas_revoked_by_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["season_code"], ["seasons.code"], name=op.f("fk_diplomas_season_code_seasons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diplomas")),
        sa.UniqueConstraint("number", name=op.f("uq_diplomas_number")),
        sa.UniqueConstraint(
            "season_code",
            "direction_code",
            "participant_id",
            name=op.f("uq_diplomas_season_code_direction_code_participant_id"),
        ),
    )
    op.create_index(op.f("ix_diplomas_participant_id"), "diplomas", ["participant_id"])

    with op.batch_alter_table("rating_entries") as batch:
        batch.drop_constraint("fk_rating_entries_season_code_seasons", type_="foreignkey")
        batch.drop_constraint("fk_rating_entries_direction_code_directions", type_="foreignkey")
        batch.drop_constraint("fk_rating_entries_participant_id_participants", type_="foreignkey")
        batch.drop_column("percentile")
        batch.add_column(sa.Column("contributions_digest", sa.String(32), nullable=True))
        batch.create_index(
            "ix_rating_entries_board_points",
            ["season_code", "direction_code", "ranked", "points"],
        )
    with op.batch_alter_table("rating_contributions") as batch:
        batch.drop_constraint("fk_rating_contributions_entry_id_rating_entries", type_="foreignkey")
        batch.drop_constraint("fk_rating_contributions_event_id_events", type_="foreignkey")
        batch.drop_constraint("fk_rating_contributions_result_id_results", type_="foreignkey")
        batch.drop_constraint(
            "fk_rating_contributions_achievement_id_achievements", type_="foreignkey"
        )
        batch.add_column(sa.Column("ties", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("completion", sa.String(16), nullable=True))
        batch.add_column(sa.Column("basis", sa.String(16), nullable=True))
        batch.add_column(sa.Column("reason", sa.String(16), nullable=True))
    with op.batch_alter_table("rating_events") as batch:
        batch.drop_constraint("fk_rating_events_participant_id_participants", type_="foreignkey")

    if _is_postgres():
        op.add_column(
            "outbox",
            sa.Column(
                "txid",
                sa.BigInteger(),
                server_default=sa.text("(pg_current_xact_id()::text)::bigint"),
                nullable=True,
            ),
        )
        op.execute(OUTBOX_NOTIFY)
        op.execute(
            "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox "
            "FOR EACH ROW EXECUTE FUNCTION talent_outbox_notify()"
        )
    else:
        op.add_column("outbox", sa.Column("txid", sa.BigInteger(), nullable=True))
    op.create_index(op.f("ix_outbox_txid"), "outbox", ["txid"])

    rules = sa.table(
        "rating_rules", sa.column("version", sa.Integer), sa.column("document", sa.JSON)
    )
    bind = op.get_bind()
    row = bind.execute(sa.select(rules.c.document).where(rules.c.version == 1)).first()
    if row is not None and "achievement_relevance" not in row.document:
        document = {**row.document, "achievement_relevance": "1.0"}
        bind.execute(rules.update().where(rules.c.version == 1).values(document=document))


def downgrade() -> None:
    rules = sa.table(
        "rating_rules", sa.column("version", sa.Integer), sa.column("document", sa.JSON)
    )
    bind = op.get_bind()
    row = bind.execute(sa.select(rules.c.document).where(rules.c.version == 1)).first()
    if row is not None and "achievement_relevance" in row.document:
        document = {k: v for k, v in row.document.items() if k != "achievement_relevance"}
        bind.execute(rules.update().where(rules.c.version == 1).values(document=document))

    op.drop_index(op.f("ix_outbox_txid"), table_name="outbox")
    if _is_postgres():
        op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
        op.execute("DROP FUNCTION IF EXISTS talent_outbox_notify()")
        op.drop_column("outbox", "txid")
    else:
        with op.batch_alter_table("outbox") as batch:
            batch.drop_column("txid")

    with op.batch_alter_table("rating_events") as batch:
        batch.create_foreign_key(
            "fk_rating_events_participant_id_participants",
            "participants",
            ["participant_id"],
            ["id"],
        )
    with op.batch_alter_table("rating_contributions") as batch:
        batch.drop_column("reason")
        batch.drop_column("basis")
        batch.drop_column("completion")
        batch.drop_column("ties")
        batch.create_foreign_key(
            "fk_rating_contributions_achievement_id_achievements",
            "achievements",
            ["achievement_id"],
            ["id"],
        )
        batch.create_foreign_key(
            "fk_rating_contributions_result_id_results", "results", ["result_id"], ["id"]
        )
        batch.create_foreign_key(
            "fk_rating_contributions_event_id_events", "events", ["event_id"], ["id"]
        )
        batch.create_foreign_key(
            "fk_rating_contributions_entry_id_rating_entries",
            "rating_entries",
            ["entry_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("rating_entries") as batch:
        batch.drop_index("ix_rating_entries_board_points")
        batch.drop_column("contributions_digest")
        batch.add_column(sa.Column("percentile", sa.Numeric(12, 4), nullable=True))
        batch.create_foreign_key(
            "fk_rating_entries_participant_id_participants",
            "participants",
            ["participant_id"],
            ["id"],
        )
        batch.create_foreign_key(
            "fk_rating_entries_direction_code_directions",
            "directions",
            ["direction_code"],
            ["code"],
        )
        batch.create_foreign_key(
            "fk_rating_entries_season_code_seasons", "seasons", ["season_code"], ["code"]
        )

    op.drop_index(op.f("ix_diplomas_participant_id"), table_name="diplomas")
    op.drop_table("diplomas")
    op.drop_table("stream_positions")
    op.drop_table("rating_boards")
