"""rating explanations in the compact form

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23

From this revision the explanations (`rating_explanations.items`) are written with
one-letter names (level, status, completion, basis, reason) and decimals without
trailing zeros: a third fewer bytes, and the explanations' write was most of a full
recompute's WAL (`persistence/rating_store/explanations.py`, docs/decisions.md). The
reader takes both forms, so stored rows stay as they are until rewritten and the
upgrade changes nothing; a downgrade spells the names out again, for the reader of
0011 (it reads the shorter decimals as they are).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAMES = {  # field position in an item: letter → name
    3: {"I": "INTERNATIONAL", "F": "FEDERAL", "R": "REGIONAL", "M": "MUNICIPAL", "S": "SCHOOL"},
    7: {"W": "WINNER", "P": "PRIZE_WINNER", "F": "FINALIST", "A": "PARTICIPANT"},
    8: {"C": "COMPLETED", "D": "DISTINCTION"},
    9: {"P": "PLACE", "S": "SCORE", "T": "STATUS", "C": "COMPLETION"},
    15: {"E": "SAME_EVENT", "S": "SAME_SERIES", "N": "BEYOND_BEST_N"},
}
BATCH = 5000


def _spelled(text: str) -> str:
    items = []
    for item in text.split(";") if text else ():
        fields = item.split(",")
        for at, names in NAMES.items():
            fields[at] = names.get(fields[at], fields[at])
        items.append(",".join(fields))
    return ";".join(items)


def upgrade() -> None:
    pass


def downgrade() -> None:
    bind = op.get_bind()
    table = sa.table("rating_explanations", sa.column("entry_id"), sa.column("items"))
    rows = bind.execute(sa.select(table.c.entry_id, table.c["items"])).all()
    update = (
        sa.update(table)
        .where(table.c.entry_id == sa.bindparam("key"))
        .values(items=sa.bindparam("text"))
    )
    batch: list[dict[str, object]] = []
    for entry_id, text in rows:
        spelled = _spelled(text)
        if spelled != text:
            batch.append({"key": entry_id, "text": spelled})
        if len(batch) >= BATCH:
            bind.execute(update, batch)
            batch = []
    if batch:
        bind.execute(update, batch)
