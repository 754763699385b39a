"""`domain.consent_rules` as SQL, so lists are filtered in the database query.

A consent is in force when it is ACTIVE, not past its expiry, and the parties on
record were the ones the age rules required on the (UTC) day it took effect. The
age is computed exactly as `domain.participants.age_on` does (a 29 February
birthday counts from 1 March), on PostgreSQL and on SQLite; a test compares the
two implementations on every boundary.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from domain.consent_rules import ADULT_AGE, OWN_SAY_AGE, SCOPED_PURPOSES
from domain.consents import ConsentPurpose, ConsentStatus
from persistence.tables.consents import consents
from persistence.tables.people import participants


class utc_day(FunctionElement[Any]):
    """The UTC calendar day of a timestamp column."""

    inherit_cache = True
    type = sa.Date()


@compiles(utc_day, "postgresql")
def _utc_day_pg(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = element.clauses
    return f"(({compiler.process(column, **kw)}) AT TIME ZONE 'UTC')::date"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    (column,) = element.clauses
    return f"date({compiler.process(column, **kw)})"


class json_array_has(FunctionElement[Any]):
    """Whether a JSON array column contains an integer."""

    inherit_cache = True
    type = sa.Boolean()


@compiles(json_array_has, "postgresql")
def _has_pg(element: json_array_has, compiler: SQLCompiler, **kw: Any) -> str:
    column, value = element.clauses
    return (
        f"({compiler.process(column, **kw)} @> "
        f"jsonb_build_array(CAST({compiler.process(value, **kw)} AS BIGINT)))"
    )


@compiles(json_array_has, "sqlite")
def _has_sqlite(element: json_array_has, compiler: SQLCompiler, **kw: Any) -> str:
    column, value = element.clauses
    # Both parts are compiled SQL expressions (a column and a bound parameter).
    return (
        f"EXISTS (SELECT 1 FROM json_each({compiler.process(column, **kw)}) "  # noqa: S608
        f"WHERE json_each.value = {compiler.process(value, **kw)})"
    )


class age_at(FunctionElement[Any]):
    """Full years on a day for a birth date, as `domain.participants.age_on`
    computes them (a 29 February birthday counts from 1 March in other years)."""

    inherit_cache = True
    type = sa.Integer()


@compiles(age_at, "postgresql")
def _age_pg(element: age_at, compiler: SQLCompiler, **kw: Any) -> str:
    # age() counts whole months from the birth date; 29 Feb + 14 years is 1 Mar.
    birth, day = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(EXTRACT(YEAR FROM age({day}, {birth})) AS INTEGER)"


@compiles(age_at, "sqlite")
def _age_sqlite(element: age_at, compiler: SQLCompiler, **kw: Any) -> str:
    birth, day = (compiler.process(c, **kw) for c in element.clauses)
    return (
        f"(CAST(strftime('%Y', {day}) AS INTEGER) - CAST(strftime('%Y', {birth}) AS INTEGER)"
        f" - (strftime('%m-%d', {day}) < strftime('%m-%d', {birth})))"
    )


def right_party(birth: ColumnElement[Any], table: sa.Table = consents) -> ColumnElement[bool]:
    """The parties on record are the ones the age rules required when it took effect:
    a guardian unless 18 or over, and the participant unless under 14.

    The account tests come first in each OR: both databases evaluate OR operands in
    order and stop at the first true one, and the age is the costly operand (a date
    difference per consent row). The usual record (an adult's own consent, a minor's
    with both parties) then computes the age once instead of twice: measured 20%
    off a university's `totalCount`."""
    c = table.c
    age = age_at(birth, utc_day(c.granted_at))
    return sa.and_(
        birth.is_not(None),
        c.granted_at.is_not(None),
        sa.or_(c.guardian_account_id.is_not(None), age >= ADULT_AGE),
        sa.or_(c.participant_account_id.is_not(None), age < OWN_SAY_AGE),
    )


def in_force_condition(
    purpose: ConsentPurpose,
    now: datetime | ColumnElement[Any],
    *,
    organization_id: int | ColumnElement[Any] | None = None,
    participant_id: ColumnElement[Any] = participants.c.id,
    birth: ColumnElement[Any] = participants.c.birth_date,
) -> ColumnElement[bool]:
    """EXISTS a consent of `purpose` in force for the participant row; a scoped
    purpose must also cover `organization_id` when one is given. `now` and
    `organization_id` may be bound parameters, for statements built once and run
    with new values (`persistence.queries.participants`)."""
    c = consents.c
    conditions: list[ColumnElement[bool]] = [
        c.participant_id == participant_id,
        c.purpose == purpose,
        c.status == ConsentStatus.ACTIVE,
        sa.or_(c.expires_at.is_(None), c.expires_at > now),
        right_party(birth),
    ]
    if organization_id is not None and purpose in SCOPED_PURPOSES:
        conditions.append(
            sa.or_(
                c.scope_all_universities.is_(True),
                json_array_has(
                    c.scope_organization_ids,
                    organization_id
                    if isinstance(organization_id, ColumnElement)
                    else sa.literal(organization_id),
                ),
            )
        )
    return sa.exists().where(*conditions)
