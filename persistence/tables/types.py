"""Column types that behave the same on PostgreSQL and SQLite.

SQLite keeps no time zone and no native decimal; these types make both
databases hand back timezone-aware UTC datetimes and the same integer ids.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""64-bit keys on PostgreSQL; SQLite autoincrements only an INTEGER PRIMARY KEY."""

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns aware UTC datetimes; refuses naive input loudly."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_column(enum: type[StrEnum], *, name: str, **kwargs: Any) -> sa.Column[Any]:
    """A VARCHAR holding the enum's value, with a CHECK so bad values cannot land.

    The CHECK is named after the column, so two columns of one enum in a table
    (old and new tier) do not collide.
    """
    return sa.Column(
        name,
        sa.Enum(
            enum,
            native_enum=False,
            create_constraint=True,
            length=32,
            values_callable=lambda members: [m.value for m in members],
            name=f"{name}_values",
            validate_strings=True,
        ),
        **kwargs,
    )


def points() -> sa.Numeric[Any]:
    """Rating points and factors: exact decimals, two places for points."""
    return sa.Numeric(12, 4)
