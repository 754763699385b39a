"""Rating rules, boards, entries, their explanations, rating events and diplomas.

Entries, explanations and events are derived data that a recomputation
rewrites in bulk (COPY on PostgreSQL), so they carry no foreign keys (migration
0006 dropped them): a per-row key check would dominate a full recompute of
millions of rows, and nothing ever deletes the rows they point to. The board row
is the lock that serialises every writer of one season × direction, which is what
keeps the event cursor in commit order within a board.
"""

import sqlalchemy as sa

from domain.ratings import RatingEventKind, Tier
from persistence.tables.metadata import metadata
from persistence.tables.types import Id, Json, UtcDateTime, enum_column

RANKED = sa.text("ranked IS true")
"""As the queries put it (`ranked.is_(True)`), so the planners match the partial index."""
RANKED_SQLITE = sa.text("ranked IS 1")

rating_rules = sa.Table(
    "rating_rules",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("version", sa.Integer, nullable=False, unique=True),
    sa.Column("document", Json, nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=False),
    sa.Column("published_by_account_id", Id, sa.ForeignKey("accounts.id"), nullable=True),
)

rating_boards = sa.Table(
    "rating_boards",
    metadata,
    sa.Column("season_code", sa.String(7), sa.ForeignKey("seasons.code"), primary_key=True),
    sa.Column("direction_code", sa.String(64), sa.ForeignKey("directions.code"), primary_key=True),
    sa.Column("rules_version", sa.Integer, nullable=False),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("ranked_count", sa.Integer, nullable=False),
    sa.Column("entry_count", sa.Integer, nullable=False),
    sa.Column("head_cursor", sa.BigInteger, nullable=True),
    sa.Column("last_batch_id", sa.String(32), nullable=True),
    sa.Column("computed_at", UtcDateTime, nullable=True),
    sa.Column("frozen_at", UtcDateTime, nullable=True),
)
"""One row per season × direction: rules version in use, a version bumped by every
write (cache validation), the ranked count, the stream head, and the freeze."""

rating_entries = sa.Table(
    "rating_entries",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("season_code", sa.String(7), nullable=False),
    sa.Column("direction_code", sa.String(64), nullable=False),
    sa.Column("participant_id", Id, nullable=False),
    sa.Column("rules_version", sa.Integer, nullable=False),
    sa.Column("points", sa.Numeric(12, 2), nullable=False),
    sa.Column("ranked", sa.Boolean, nullable=False),
    sa.Column("rank", sa.Integer, nullable=True),
    enum_column(Tier, name="tier", nullable=False),
    sa.Column("contributions_digest", sa.String(32), nullable=True),
    sa.Column("computed_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("participant_id", "season_code", "direction_code"),
    sa.Index("ix_rating_entries_board", "season_code", "direction_code", "ranked", "rank"),
    sa.Index(
        "ix_rating_entries_board_points",
        "season_code",
        "direction_code",
        "points",
        postgresql_where=RANKED,
        sqlite_where=RANKED_SQLITE,
    ),
)
"""Indexes: the participant's entries and the key lead with the participant (one index
for both); the board in rank order (the leaderboard); the ranked scores (ties, the
score at a position, the would-be rank — all about ranked entries only). Each index
costs a full recompute ~50–90 MB of WAL (migration 0013)."""

rating_explanations = sa.Table(
    "rating_explanations",
    metadata,
    sa.Column("entry_id", Id, primary_key=True),
    sa.Column("items", sa.Text, nullable=False),
)
"""Every contribution of one entry, packed in explanation order
(`persistence/rating_store/explanations.py`; migration 0010 replaced the table of
one row per contribution)."""

rating_events = sa.Table(
    "rating_events",
    metadata,
    sa.Column("cursor", Id, primary_key=True, autoincrement=True),
    sa.Column("batch_id", sa.String(32), nullable=False),
    sa.Column("season_code", sa.String(7), nullable=False),
    sa.Column("direction_code", sa.String(64), nullable=False),
    enum_column(RatingEventKind, name="kind", nullable=False),
    sa.Column("participant_id", Id, nullable=True),
    sa.Column("old_points", sa.Numeric(12, 2), nullable=True),
    sa.Column("new_points", sa.Numeric(12, 2), nullable=True),
    sa.Column("old_rank", sa.Integer, nullable=True),
    sa.Column("new_rank", sa.Integer, nullable=True),
    enum_column(Tier, name="old_tier", nullable=True),
    enum_column(Tier, name="new_tier", nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index("ix_rating_events_stream", "season_code", "direction_code", "cursor"),
    sa.Index(
        "ix_rating_events_created_at",
        "created_at",
        postgresql_using="brin",
        postgresql_with={"autosummarize": "on"},
    ),
)
"""Indexes: the cursor; each board's stream; the age for the hourly purge — a BRIN
on PostgreSQL (rows arrive in time order; a few pages instead of a B-tree entry per
row: migration 0013)."""

stream_positions = sa.Table(
    "stream_positions",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)
"""Named positions of readers of a stream: the rating consumer's place in the
outbox (its own row, so other outbox consumers are unaffected) and the retention
horizon of rating events (the highest cursor purged)."""

diplomas = sa.Table(
    "diplomas",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("number", sa.String(40), nullable=False, unique=True),
    sa.Column("season_code", sa.String(7), sa.ForeignKey("seasons.code"), nullable=False),
    sa.Column("direction_code", sa.String(64), sa.ForeignKey("directions.code"), nullable=False),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False, index=True),
    enum_column(Tier, name="tier", nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("points", sa.Numeric(12, 2), nullable=False),
    sa.Column("ranked_count", sa.Integer, nullable=False),
    sa.Column("rules_version", sa.Integer, nullable=False),
    sa.Column("issued_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Column("revoked_by_account_id", Id, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("revocation_reason", sa.Text, nullable=True),
    sa.UniqueConstraint("season_code", "direction_code", "participant_id"),
)
