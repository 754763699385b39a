"""access_log without foreign keys

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23

Settling the access journal writes one `access_log` row per participant read (100
per leaderboard page). Its two foreign-key checks per row (a `FOR KEY SHARE` look-up
of the account and of the participant) were ~60% of the settle's time: 34,000 rows/s
with them, 93,000 without, on the benchmark machine (docs/benchmarks.md). Nothing
deletes accounts or participants (erasure anonymises them), the ids come from rows
just served, and the journal keeps its key on the viewer's account, checked once per
request. Like the rating tables (0006), the log is derived data without keys.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("access_log") as batch:
        batch.drop_constraint("fk_access_log_viewer_account_id_accounts", type_="foreignkey")
        batch.drop_constraint("fk_access_log_participant_id_participants", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("access_log") as batch:
        batch.create_foreign_key(
            "fk_access_log_viewer_account_id_accounts", "accounts", ["viewer_account_id"], ["id"]
        )
        batch.create_foreign_key(
            "fk_access_log_participant_id_participants", "participants", ["participant_id"], ["id"]
        )
