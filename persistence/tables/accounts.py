"""Accounts, organizations and refresh tokens."""

import sqlalchemy as sa

from domain.accounts import OrganizationKind, Role
from persistence.tables.metadata import metadata
from persistence.tables.types import Id, UtcDateTime, enum_column

organizations = sa.Table(
    "organizations",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    enum_column(OrganizationKind, name="kind", nullable=False),
    sa.Column("name", sa.String(300), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    enum_column(Role, name="role", nullable=False),
    sa.Column("email", sa.String(254), nullable=True, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=True),
    sa.Column("organization_id", Id, sa.ForeignKey("organizations.id"), nullable=True, index=True),
    sa.Column("idp_subject", sa.String(255), nullable=True, unique=True),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("account_id", Id, sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column("family_id", sa.String(32), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("issued_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("rotated_at", UtcDateTime, nullable=True),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
)
