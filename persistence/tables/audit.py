"""The access log and the transactional outbox."""

import sqlalchemy as sa

from persistence.tables.metadata import metadata
from persistence.tables.types import Id, Json, UtcDateTime

access_log = sa.Table(
    "access_log",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    # No foreign keys (migration 0011): their two checks per row were most of the time
    # of settling the journal (100 rows per leaderboard page); nothing deletes accounts
    # or participants, and the journal row's viewer key is checked when it is written.
    sa.Column("viewer_account_id", Id, nullable=False, index=True),
    sa.Column("participant_id", Id, nullable=False),
    sa.Column("fields", Json, nullable=False),
    sa.Column("operation", sa.String(200), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Index("ix_access_log_participant_at", "participant_id", "at"),
)

access_log_journal = sa.Table(
    "access_log_journal",
    metadata,
    # One row per request that read personal data: written (and committed) before the
    # response leaves, then settled into `access_log`, one row per participant, by
    # `persistence.access_journal.settle_access_log`. Per request, not per participant,
    # because the commit that must precede the response then flushes ~1 KB of WAL
    # instead of 100 rows and 300 index entries (~36 KB; docs/benchmarks.md, issue 3).
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("viewer_account_id", Id, sa.ForeignKey("accounts.id"), nullable=False),
    # [{"fields": [...], "participants": [ids...]}, ...]: participants grouped by the
    # fields read of them (a page usually has one group). Ids only, like `access_log`.
    sa.Column("reads", Json, nullable=False),
    sa.Column("operation", sa.String(200), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=True),
    sa.Column("at", UtcDateTime, nullable=False),
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
