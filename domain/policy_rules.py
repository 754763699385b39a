"""The vocabulary of the permission tables: relations, rules, and a table per type.

The tables themselves are in `domain.policy_tables`; `domain.policy` evaluates
them and `domain.policy_doc` turns them into `docs/permissions.md`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from domain.accounts import Role
from domain.consents import ConsentPurpose


class Relation(StrEnum):
    """How a viewer stands to one row; it decides row scope and fields."""

    SELF = "SELF"  # the participant itself (or, for a Guardian row, the guardian)
    GUARDIAN = "GUARDIAN"  # a guardian with a CONFIRMED link to the participant
    WARD = "WARD"  # for a Guardian row: a participant linked to that guardian
    STAFF = "STAFF"  # moderator or admin
    UNIVERSITY = "UNIVERSITY"  # a university whose UNIVERSITY_SHARING consent covers it
    ORGANIZER = "ORGANIZER"  # an organizer with a registration or result of the participant
    PUBLIC = "PUBLIC"  # anyone else: a public leaderboard row at most
    NONE = "NONE"  # not reachable at all


COLUMN_TITLES: dict[Relation, str] = {
    Relation.SELF: "self",
    Relation.GUARDIAN: "guardian",
    Relation.WARD: "ward",
    Relation.STAFF: "moderator/admin",
    Relation.UNIVERSITY: "university in scope",
    Relation.ORGANIZER: "organizer",
    Relation.PUBLIC: "public row",
}

LOGGED_ROLES = frozenset({Role.MODERATOR, Role.UNIVERSITY, Role.ADMIN, Role.ORGANIZER})
"""Roles whose reads of personal data go to the access log. The spec names
moderators, universities and admins; organizers read minors' data too, so they
are logged as well (never less accountability than the spec asks)."""


@dataclass(frozen=True)
class Rule:
    """Visible, denied, or visible only while every named consent is in force."""

    allowed: bool
    consents: tuple[ConsentPurpose, ...] = ()
    note: str = ""

    def describe(self) -> str:
        if not self.allowed:
            return "✗"
        mark = "C " + " + ".join(f"`{c.value}`" for c in self.consents) if self.consents else "✓"
        return f"{mark} ({self.note})" if self.note else mark


Y = Rule(True)
N = Rule(False)


def C(*purposes: ConsentPurpose, note: str = "") -> Rule:
    return Rule(True, tuple(purposes), note)


def Y_(note: str) -> Rule:
    return Rule(True, (), note)


@dataclass(frozen=True)
class FieldRow:
    """One or more fields that share their rules (one row of the document)."""

    names: tuple[str, ...]
    rules: Mapping[Relation, Rule]
    personal: bool = True
    """Personal data: a read by a logged role is written to the access log."""


@dataclass(frozen=True)
class TypePolicy:
    name: str
    """The GraphQL type the table governs."""
    columns: tuple[Relation, ...]
    scope: Mapping[Relation, str]
    """Row scope: which rows each relation reaches (relations not listed reach none)."""
    rows: tuple[FieldRow, ...]
    log_as: str | None = None
    """Reaching a row of this type counts as reading this Participant field."""
    _index: dict[str, FieldRow] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for row in self.rows:
            for name in row.names:
                self._index[name] = row

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(name for row in self.rows for name in row.names)

    def rule(self, field_name: str, relation: Relation) -> Rule:
        """Fail closed: an unknown field, or a relation outside the row scope, is denied."""
        row = self._index.get(field_name)
        if row is None or relation not in self.scope:
            return N
        return row.rules.get(relation, N)

    def is_personal(self, field_name: str) -> bool:
        row = self._index.get(field_name)
        return row is not None and row.personal


def table(
    name: str,
    columns: tuple[Relation, ...],
    scope: Mapping[Relation, str],
    rows: list[tuple[str, tuple[Rule, ...]] | tuple[str, tuple[Rule, ...], bool]],
    *,
    log_as: str | None = None,
) -> TypePolicy:
    """Build a policy from rows written as `("a b c", (rule per column...), personal)`."""
    built = []
    for entry in rows:
        names, rules = entry[0], entry[1]
        personal = bool(entry[2]) if len(entry) == 3 else True
        if len(rules) != len(columns):
            raise ValueError(f"{name}.{names}: {len(rules)} rules for {len(columns)} columns")
        built.append(
            FieldRow(tuple(names.split()), dict(zip(columns, rules, strict=True)), personal)
        )
    return TypePolicy(name, columns, scope, tuple(built), log_as)
