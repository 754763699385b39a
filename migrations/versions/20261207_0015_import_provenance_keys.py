"""the import's two provenance columns without foreign keys

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

`import_rows.participant_id` (whom a row matched) and `results.import_row_id` (which
row last wrote a result) record where data came from; each costs a key check with a
`FOR KEY SHARE` lock per imported row (about a fifth of the database's work for a
100,000-row import, docs/benchmarks.md). Nothing in the application deletes what
they point to: participants are anonymised, never deleted (erasure), and neither
batches nor report rows are ever deleted. The keys that decide what a result is — its
event and its participant — and the row's batch stay. Like the rating tables (0006)
and the access log (0011), provenance columns are kept without keys.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_rows") as batch:
        batch.drop_constraint("fk_import_rows_participant_id_participants", type_="foreignkey")
    with op.batch_alter_table("results") as batch:
        batch.drop_constraint("fk_results_import_row_id_import_rows", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("results") as batch:
        batch.create_foreign_key(
            "fk_results_import_row_id_import_rows", "import_rows", ["import_row_id"], ["id"]
        )
    with op.batch_alter_table("import_rows") as batch:
        batch.create_foreign_key(
            "fk_import_rows_participant_id_participants", "participants", ["participant_id"], ["id"]
        )
