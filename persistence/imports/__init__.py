"""Bulk persistence of result imports: a PostgreSQL fast path (COPY, index-backed
name matching) and an equivalent SQLite path, behind one repository port."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from persistence.imports.base import SqlAlchemyImportRepository
from persistence.imports.postgres import PostgresImportRepository
from persistence.imports.sqlite import SqliteImportRepository


def import_repository(session: AsyncSession) -> SqlAlchemyImportRepository:
    """The implementation for the session's database."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        return PostgresImportRepository(session)
    return SqliteImportRepository(session)


__all__ = ["import_repository"]
