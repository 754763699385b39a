"""a knowledge test may name the catalog event whose results it produced

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

The rating leaves out results whose underlying responses are flagged (careless,
rapid guessing) and not cleared (`shared/spec/rating.md`). A test's attempts are the
responses behind an event's results only when the test says which event it was:
`knowledge_tests.event_id`, optional, set by the TEST definition import's `event`
column. Attempts of a linked test with an uncleared flag take the participant's
result (and an achievement linked to that event) out of the rating.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("knowledge_tests") as batch:
        batch.add_column(
            sa.Column(
                "event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch.create_foreign_key(
            "fk_knowledge_tests_event_id_events", "events", ["event_id"], ["id"]
        )
        batch.create_index("ix_knowledge_tests_event_id", ["event_id"])


def downgrade() -> None:
    with op.batch_alter_table("knowledge_tests") as batch:
        batch.drop_index("ix_knowledge_tests_event_id")
        batch.drop_constraint("fk_knowledge_tests_event_id_events", type_="foreignkey")
        batch.drop_column("event_id")
