"""Reference data: seasons, directions, regions, professions (loaded by migrations)."""

import sqlalchemy as sa

from domain.reference import FederalDistrict
from persistence.tables.metadata import metadata
from persistence.tables.types import UtcDateTime, enum_column

seasons = sa.Table(
    "seasons",
    metadata,
    sa.Column("code", sa.String(7), primary_key=True),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("closed_at", UtcDateTime, nullable=True),
)

directions = sa.Table(
    "directions",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("title_ru", sa.String(200), nullable=False),
    sa.Column("title_en", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

regions = sa.Table(
    "regions",
    metadata,
    sa.Column("code", sa.String(2), primary_key=True),
    sa.Column("iso_code", sa.String(6), nullable=True, unique=True),
    sa.Column("name_ru", sa.String(200), nullable=False),
    sa.Column("name_en", sa.String(200), nullable=False),
    enum_column(FederalDistrict, name="federal_district", nullable=False),
    sa.Column("grid_row", sa.SmallInteger, nullable=False),
    sa.Column("grid_col", sa.SmallInteger, nullable=False),
    sa.UniqueConstraint("grid_row", "grid_col"),
)

professions = sa.Table(
    "professions",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("title_ru", sa.String(200), nullable=False),
    sa.Column("title_en", sa.String(200), nullable=False),
    sa.Column("sphere", sa.String(32), nullable=False, index=True),
    sa.Column("is_digital", sa.Boolean, nullable=False),
)
