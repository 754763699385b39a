"""access log journal: one row per request, settled into access_log

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

A request that read personal data commits one journal row (viewer, operation, time,
and the participants grouped by the fields read) before its response; the server
moves journal rows into `access_log` (one row per participant, as before) in the
background, at shutdown, and before anything reads the log (docs/decisions.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import persistence.tables.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "access_log_journal",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("viewer_account_id", Id, nullable=False),
        sa.Column(
            "reads",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("operation", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("at", persistence.tables.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["viewer_account_id"],
            ["accounts.id"],
            name=op.f("fk_access_log_journal_viewer_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log_journal")),
    )


def downgrade() -> None:
    # Entries not yet settled would be lost with the table: settle them first.
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "INSERT INTO access_log (viewer_account_id, participant_id, fields, operation, "
            "request_id, at) SELECT j.viewer_account_id, CAST(p.pid AS BIGINT), "
            "g.grp -> 'fields', j.operation, j.request_id, j.at FROM access_log_journal AS j "
            "CROSS JOIN LATERAL jsonb_array_elements(j.reads) AS g(grp) "
            "CROSS JOIN LATERAL jsonb_array_elements_text(g.grp -> 'participants') AS p(pid) "
            "ORDER BY j.id, CAST(p.pid AS BIGINT)"
        )
    else:
        op.execute(
            "INSERT INTO access_log (viewer_account_id, participant_id, fields, operation, "
            "request_id, at) SELECT j.viewer_account_id, CAST(p.value AS INTEGER), "
            "json_extract(g.value, '$.fields'), j.operation, j.request_id, j.at "
            "FROM access_log_journal AS j, json_each(j.reads) AS g, "
            "json_each(g.value, '$.participants') AS p ORDER BY j.id, CAST(p.value AS INTEGER)"
        )
    op.drop_table("access_log_journal")
