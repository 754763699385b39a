"""SQLAlchemy tables of the whole model, one module per area, one MetaData.

Importing this package registers every table, which Alembic's autogenerate and
the models-vs-migrations test rely on.
"""

from persistence.tables import (  # noqa: F401  (registration side effect)
    accounts,
    achievements,
    analytics,
    audit,
    consents,
    events,
    identity,
    people,
    ratings,
    reference,
)
from persistence.tables.metadata import metadata

__all__ = ["metadata"]
