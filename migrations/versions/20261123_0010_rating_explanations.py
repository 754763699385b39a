"""rating contributions packed per entry (rating_explanations)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23

A full recompute stores every contribution of every entry (six million at the
design scale); as one row each that write dominated the recompute. They are only
ever read per entry, so they are now one text value per entry, in explanation order
(format: `persistence/rating_store/explanations.py`). The rows of the old table are
packed on upgrade; a downgrade unpacks them.
"""

from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELDS = (
    "event_id",
    "result_id",
    "achievement_id",
    "level",
    "place",
    "ties",
    "field_size",
    "status",
    "completion",
    "basis",
    "level_weight",
    "result_factor",
    "field_factor",
    "relevance",
    "points",
    "reason",
)
DECIMALS = {"level_weight", "result_factor", "field_factor", "relevance", "points"}
INTEGERS = {"event_id", "result_id", "achievement_id", "place", "ties", "field_size"}
BATCH = 5000


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def _old_table() -> sa.Table:
    return sa.Table(
        "rating_contributions",
        sa.MetaData(),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("entry_id", sa.BigInteger(), nullable=False, index=True),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("result_id", sa.BigInteger(), nullable=True),
        sa.Column("achievement_id", sa.BigInteger(), nullable=True),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("place", sa.Integer(), nullable=True),
        sa.Column("field_size", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(32), nullable=True),
        sa.Column("level_weight", sa.Numeric(12, 4), nullable=False),
        sa.Column("result_factor", sa.Numeric(12, 4), nullable=False),
        sa.Column("field_factor", sa.Numeric(12, 4), nullable=False),
        sa.Column("relevance", sa.Numeric(12, 4), nullable=False),
        sa.Column("points", sa.Numeric(12, 2), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("ties", sa.Integer(), nullable=True),
        sa.Column("completion", sa.String(16), nullable=True),
        sa.Column("basis", sa.String(16), nullable=True),
        sa.Column("reason", sa.String(16), nullable=True),
    )


def upgrade() -> None:
    explanations = op.create_table(
        "rating_explanations",
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_rating_explanations")),
    )
    old = _old_table()
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(old).order_by(old.c.entry_id, old.c.counted.desc(), old.c.points.desc(), old.c.id)
    ).mappings()
    packed: list[dict[str, object]] = []
    current: int | None = None
    items: list[str] = []
    for row in rows:
        if row["entry_id"] != current:
            if current is not None:
                packed.append({"entry_id": current, "items": ";".join(items)})
            current, items = row["entry_id"], []
        items.append(",".join(_text(row[name]) for name in FIELDS))
        if len(packed) >= BATCH:
            op.bulk_insert(explanations, packed)
            packed = []
    if current is not None:
        packed.append({"entry_id": current, "items": ";".join(items)})
    if packed:
        op.bulk_insert(explanations, packed)
    op.drop_index("ix_rating_contributions_entry_id", table_name="rating_contributions")
    op.drop_table("rating_contributions")


def downgrade() -> None:
    old = _old_table()
    old.create(op.get_bind())
    bind = op.get_bind()
    explanations = sa.table("rating_explanations", sa.column("entry_id"), sa.column("items"))
    batch: list[dict[str, object]] = []
    for entry_id, text in bind.execute(sa.select(explanations.c.entry_id, explanations.c["items"])):
        for part in text.split(";") if text else ():
            values = dict(zip(FIELDS, part.split(","), strict=True))
            row: dict[str, object] = {"entry_id": entry_id, "counted": not values["reason"]}
            for name, value in values.items():
                if name in INTEGERS:
                    row[name] = int(value) if value else None
                elif name in DECIMALS:
                    row[name] = Decimal(value)
                else:
                    row[name] = value or None
            batch.append(row)
            if len(batch) >= BATCH:
                bind.execute(sa.insert(old), batch)
                batch = []
    if batch:
        bind.execute(sa.insert(old), batch)
    op.drop_table("rating_explanations")
