"""merge the parallel branches: consents, aggregator, analytics, ratings

Revision ID: 0007
Revises: 0003, 0004, 0005, 0006
Create Date: 2026-11-23

The four capabilities were built side by side on top of 0002; their migrations
touch disjoint tables, so merging them needs no operation of its own.
"""

from collections.abc import Sequence

revision: str = "0007"
down_revision: tuple[str, ...] = ("0003", "0004", "0005", "0006")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
