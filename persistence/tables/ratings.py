"""Rating rules, entries, contributions and rating events (a growing cursor)."""

import sqlalchemy as sa

from domain.ratings import RatingEventKind, Tier
from persistence.tables.metadata import metadata
from persistence.tables.types import Id, Json, UtcDateTime, enum_column, points

rating_rules = sa.Table(
    "rating_rules",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("version", sa.Integer, nullable=False, unique=True),
    sa.Column("document", Json, nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=False),
    sa.Column("published_by_account_id", Id, sa.ForeignKey("accounts.id"), nullable=True),
)

rating_entries = sa.Table(
    "rating_entries",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("season_code", sa.String(7), sa.ForeignKey("seasons.code"), nullable=False),
    sa.Column("direction_code", sa.String(64), sa.ForeignKey("directions.code"), nullable=False),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=False, index=True),
    sa.Column("rules_version", sa.Integer, nullable=False),
    sa.Column("points", sa.Numeric(12, 2), nullable=False),
    sa.Column("ranked", sa.Boolean, nullable=False),
    sa.Column("rank", sa.Integer, nullable=True),
    sa.Column("percentile", points(), nullable=True),
    enum_column(Tier, name="tier", nullable=False),
    sa.Column("computed_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("season_code", "direction_code", "participant_id"),
    sa.Index("ix_rating_entries_board", "season_code", "direction_code", "ranked", "rank"),
)

rating_contributions = sa.Table(
    "rating_contributions",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column(
        "entry_id",
        Id,
        sa.ForeignKey("rating_entries.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("event_id", Id, sa.ForeignKey("events.id"), nullable=True),
    sa.Column("result_id", Id, sa.ForeignKey("results.id"), nullable=True),
    sa.Column("achievement_id", Id, sa.ForeignKey("achievements.id"), nullable=True),
    sa.Column("level", sa.String(32), nullable=False),
    sa.Column("place", sa.Integer, nullable=True),
    sa.Column("field_size", sa.Integer, nullable=True),
    sa.Column("status", sa.String(32), nullable=True),
    sa.Column("level_weight", points(), nullable=False),
    sa.Column("result_factor", points(), nullable=False),
    sa.Column("field_factor", points(), nullable=False),
    sa.Column("relevance", points(), nullable=False),
    sa.Column("points", sa.Numeric(12, 2), nullable=False),
    sa.Column("counted", sa.Boolean, nullable=False),
)

rating_events = sa.Table(
    "rating_events",
    metadata,
    sa.Column("cursor", Id, primary_key=True, autoincrement=True),
    sa.Column("batch_id", sa.String(32), nullable=False, index=True),
    sa.Column("season_code", sa.String(7), nullable=False),
    sa.Column("direction_code", sa.String(64), nullable=False),
    enum_column(RatingEventKind, name="kind", nullable=False),
    sa.Column("participant_id", Id, sa.ForeignKey("participants.id"), nullable=True),
    sa.Column("old_points", sa.Numeric(12, 2), nullable=True),
    sa.Column("new_points", sa.Numeric(12, 2), nullable=True),
    sa.Column("old_rank", sa.Integer, nullable=True),
    sa.Column("new_rank", sa.Integer, nullable=True),
    enum_column(Tier, name="old_tier", nullable=True),
    enum_column(Tier, name="new_tier", nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False, index=True),
    sa.Index("ix_rating_events_stream", "season_code", "direction_code", "cursor"),
)
