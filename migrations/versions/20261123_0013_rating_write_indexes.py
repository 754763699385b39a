"""fewer index entries per rating row

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23

A full recompute writes ~1.8 million rating rows at once, and every B-tree entry
is WAL (docs/benchmarks.md measured each index by COPY into the tables: entries 409
MB of WAL with five indexes, events 272 MB with four). What the queries use
(`persistence/queries/ratings.py`, `persistence/rating_store/`):

- `rating_entries`: the key now leads with the participant, so it also serves the
  participant's entries, and `ix_rating_entries_participant_id` goes. The ranked
  scores' index holds ranked entries only (every query of it asks for those).
- `rating_events`: `batch_id` was only looked up for a batch's head cursor, which
  the board's stream index gives (the board row is locked); `created_at` is only
  for the hourly purge, a BRIN index on PostgreSQL (a plain one on SQLite).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KEY = "uq_rating_entries_season_code_direction_code_participant_id"
NEW_KEY = "uq_rating_entries_participant_id_season_code_direction_code"


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    with op.batch_alter_table("rating_entries") as batch:
        batch.drop_constraint(OLD_KEY, type_="unique")
        batch.create_unique_constraint(NEW_KEY, ["participant_id", "season_code", "direction_code"])
    op.drop_index("ix_rating_entries_participant_id", table_name="rating_entries")
    op.drop_index("ix_rating_entries_board_points", table_name="rating_entries")
    op.create_index(
        "ix_rating_entries_board_points",
        "rating_entries",
        ["season_code", "direction_code", "points"],
        postgresql_where=sa.text("ranked IS true"),
        sqlite_where=sa.text("ranked IS 1"),
    )
    op.drop_index("ix_rating_events_batch_id", table_name="rating_events")
    op.drop_index("ix_rating_events_created_at", table_name="rating_events")
    if _postgres():
        op.create_index(
            "ix_rating_events_created_at",
            "rating_events",
            ["created_at"],
            postgresql_using="brin",
            postgresql_with={"autosummarize": "on"},
        )
    else:
        op.create_index("ix_rating_events_created_at", "rating_events", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_rating_events_created_at", table_name="rating_events")
    op.create_index("ix_rating_events_created_at", "rating_events", ["created_at"])
    op.create_index("ix_rating_events_batch_id", "rating_events", ["batch_id"])
    op.drop_index("ix_rating_entries_board_points", table_name="rating_entries")
    op.create_index(
        "ix_rating_entries_board_points",
        "rating_entries",
        ["season_code", "direction_code", "ranked", "points"],
    )
    op.create_index("ix_rating_entries_participant_id", "rating_entries", ["participant_id"])
    with op.batch_alter_table("rating_entries") as batch:
        batch.drop_constraint(NEW_KEY, type_="unique")
        batch.create_unique_constraint(OLD_KEY, ["season_code", "direction_code", "participant_id"])
