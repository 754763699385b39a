"""consents and identity: provider nonces, verification records, one live consent
per purpose

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
LIVE = sa.text("status IN ('PENDING', 'ACTIVE')")


def _enum(name: str, values: tuple[str, ...], nullable: bool) -> sa.Column[str]:
    return sa.Column(
        name,
        sa.Enum(
            *values, name=f"{name}_values", native_enum=False, create_constraint=True, length=32
        ),
        nullable=nullable,
    )


def upgrade() -> None:
    op.create_table(
        "idp_nonces",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("nonce_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idp_nonces")),
        sa.UniqueConstraint("nonce_hash", name=op.f("uq_idp_nonces_nonce_hash")),
    )
    op.create_index("ix_idp_nonces_expires_at", "idp_nonces", ["expires_at"])
    op.create_table(
        "participant_verifications",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("participant_id", Id, nullable=False),
        _enum("method", ("IDENTITY_PROVIDER", "DOCUMENT"), nullable=False),
        sa.Column("actor_account_id", Id, nullable=True),
        _enum(
            "document_kind",
            ("PASSPORT", "BIRTH_CERTIFICATE", "FOREIGN_PASSPORT"),
            nullable=True,
        ),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_participant_verifications_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_account_id"],
            ["accounts.id"],
            name=op.f("fk_participant_verifications_actor_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_verifications")),
    )
    op.create_index(
        "ix_participant_verifications_participant_id",
        "participant_verifications",
        ["participant_id"],
    )
    op.create_index(
        "uq_consents_live_purpose",
        "consents",
        ["participant_id", "purpose"],
        unique=True,
        postgresql_where=LIVE,
        sqlite_where=LIVE,
    )


def downgrade() -> None:
    op.drop_index("uq_consents_live_purpose", table_name="consents")
    op.drop_index(
        "ix_participant_verifications_participant_id", table_name="participant_verifications"
    )
    op.drop_table("participant_verifications")
    op.drop_index("ix_idp_nonces_expires_at", table_name="idp_nonces")
    op.drop_table("idp_nonces")
