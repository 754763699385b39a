"""reference data: seasons, directions, regions, professions, consent texts, rating rules v1

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from migrations import reference_data
from persistence.tables.types import UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOADED_AT = datetime(2026, 9, 1, tzinfo=UTC)

seasons = sa.table(
    "seasons", sa.column("code"), sa.column("starts_on", sa.Date), sa.column("ends_on", sa.Date)
)
directions = sa.table(
    "directions",
    sa.column("code"),
    sa.column("title_ru"),
    sa.column("title_en"),
    sa.column("created_at", UtcDateTime()),
)
regions = sa.table(
    "regions",
    sa.column("code"),
    sa.column("iso_code"),
    sa.column("name_ru"),
    sa.column("name_en"),
    sa.column("federal_district"),
    sa.column("grid_row", sa.SmallInteger),
    sa.column("grid_col", sa.SmallInteger),
)
professions = sa.table(
    "professions",
    sa.column("code"),
    sa.column("title_ru"),
    sa.column("title_en"),
    sa.column("sphere"),
    sa.column("is_digital", sa.Boolean),
)
consent_documents = sa.table(
    "consent_documents",
    sa.column("purpose"),
    sa.column("version", sa.Integer),
    sa.column("title"),
    sa.column("text"),
    sa.column("sha256"),
    sa.column("published_at", UtcDateTime()),
)
rating_rules = sa.table(
    "rating_rules",
    sa.column("version", sa.Integer),
    sa.column("document", sa.JSON),
    sa.column("published_at", UtcDateTime()),
)


def upgrade() -> None:
    op.bulk_insert(seasons, reference_data.seasons())
    op.bulk_insert(
        directions, [{**row, "created_at": LOADED_AT} for row in reference_data.directions()]
    )
    op.bulk_insert(regions, reference_data.regions())
    op.bulk_insert(professions, reference_data.professions())
    op.bulk_insert(
        consent_documents,
        [{**doc, "published_at": LOADED_AT} for doc in reference_data.consent_documents()],
    )
    rules = reference_data.rating_rules_v1()
    op.bulk_insert(
        rating_rules, [{"version": rules["version"], "document": rules, "published_at": LOADED_AT}]
    )


def downgrade() -> None:
    op.execute(rating_rules.delete().where(rating_rules.c.version == 1))
    op.execute(consent_documents.delete().where(consent_documents.c.version == 1))
    op.execute(professions.delete())
    op.execute(regions.delete())
    op.execute(directions.delete())
    op.execute(seasons.delete())
