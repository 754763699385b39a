"""The access log and the transactional outbox."""

import sqlalchemy as sa

from persistence.tables.metadata import metadata
from persistence.tables.types import Id, Json, UtcDateTime

access_log = sa.Table(
    "access_log",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("viewer_account_id", Id, sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False),
    sa.Column("fields", Json, nullable=False),
    sa.Column("operation", sa.String(200), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Index("ix_access_log_participant_at", "participant_id", "at"),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("topic", sa.String(100), nullable=False),
    sa.Column("payload", Json, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=True),
    # The writing transaction's id on PostgreSQL (migration 0006 sets the default):
    # consumers read by transaction horizon, so a message committed late behind a
    # higher id is never skipped. NULL on SQLite, whose writers commit in id order.
    sa.Column("txid", sa.BigInteger, sa.FetchedValue(), nullable=True, index=True),
    sa.Index("ix_outbox_unpublished", "published_at", "id"),
)
