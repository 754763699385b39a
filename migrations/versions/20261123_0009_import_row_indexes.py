"""import rows: one index for row keys within and across batches, a partial index for
the moderators' queue

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23

The result import looks up every row's key among the earlier rows of its batch
(duplicate rows). On `row_key` alone PostgreSQL, without statistics for a freshly
filled table, estimated hundreds of rows per key and chose a bitmap scan for each
lookup — most of the time of a chunk; `(row_key, batch_id)` makes it one index
probe and still serves the lookups by key alone. The index on `state` held every
imported row for a query that only ever asks for `UNMATCHED` ones; a partial index
holds just those, and the import no longer maintains an index entry per row for it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNMATCHED = sa.text("state = 'UNMATCHED'")


def upgrade() -> None:
    op.create_index("ix_import_rows_row_key_batch", "import_rows", ["row_key", "batch_id"])
    op.drop_index("ix_import_rows_row_key", table_name="import_rows")
    op.create_index(
        "ix_import_rows_unmatched",
        "import_rows",
        ["id"],
        postgresql_where=UNMATCHED,
        sqlite_where=UNMATCHED,
    )
    op.drop_index("ix_import_rows_state", table_name="import_rows")


def downgrade() -> None:
    op.create_index("ix_import_rows_state", "import_rows", ["state"])
    op.drop_index("ix_import_rows_unmatched", table_name="import_rows")
    op.create_index("ix_import_rows_row_key", "import_rows", ["row_key"])
    op.drop_index("ix_import_rows_row_key_batch", table_name="import_rows")
