"""Rules of a result import: column names, identifiers, row validation, row keys.

An organizer's file is a list of rows (dicts of column → text); this module turns
one row into either the result it asks for plus how it names the participant, or
an INVALID reason. Matching names to participants happens later in bulk, so the
rules here are pure and cheap (the import runs at tens of thousands of rows/s).
Column names and values are documented in `docs/imports.md`; keep them in step.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from domain.import_columns import (
    COMPLETION_ALIASES,
    STATUS_ALIASES,
    Column,
    column_for,
    squash,
)
from domain.results import CompletionGrade, ResultStatus

MAX_SCORE_VALUE = Decimal("999999999")


class RowReason(StrEnum):
    """Why a row is INVALID or UNMATCHED; the code is stored before the message."""

    MISSING_IDENTIFIER = "MISSING_IDENTIFIER"
    BAD_PARTICIPANT_ID = "BAD_PARTICIPANT_ID"
    BAD_EMAIL = "BAD_EMAIL"
    BAD_DATE = "BAD_DATE"
    MISSING_STATUS = "MISSING_STATUS"
    UNKNOWN_STATUS = "UNKNOWN_STATUS"
    BAD_NUMBER = "BAD_NUMBER"
    SCORE_ABOVE_MAX = "SCORE_ABOVE_MAX"
    BAD_PLACE = "BAD_PLACE"
    UNKNOWN_COMPLETION = "UNKNOWN_COMPLETION"
    TOO_LONG = "TOO_LONG"
    NOT_AN_OBJECT = "NOT_AN_OBJECT"
    DUPLICATE_ROW = "DUPLICATE_ROW"
    UNKNOWN_PARTICIPANT = "UNKNOWN_PARTICIPANT"
    AMBIGUOUS_PARTICIPANT = "AMBIGUOUS_PARTICIPANT"


DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y")
MAX_TEXT = 200


def name_key(value: str) -> str:
    """How names are compared: trimmed, inner spaces collapsed, ё→е, lower case.

    PostgreSQL's `talent_name_key()` (migration 0004) does the same to stored names.
    """
    cleaned = value.replace("Ё", "Е").replace("ё", "е").replace("\xa0", " ").replace("\t", " ")
    return _SPACES.sub(" ", cleaned).strip(" ").lower()


_SPACES = re.compile(" +")


@dataclass(frozen=True, slots=True)
class Identifier:
    """How a row names its participant: by platform id, by email, or by name and birth date."""

    kind: str  # "id" | "email" | "name"
    participant_id: int | None = None
    email: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    birth_date: date | None = None
    text: str = field(default="", compare=False, repr=False)
    """The key, computed once: matching looks it up several times per row."""

    def __post_init__(self) -> None:
        if self.kind == "id":
            text = f"id:{self.participant_id}"
        elif self.kind == "email":
            text = f"email:{self.email}"
        else:
            text = f"name:{self.last_name}|{self.first_name}|{self.birth_date}"
        object.__setattr__(self, "text", text)

    def key(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class ResultValues:
    status: ResultStatus
    score: Decimal | None = None
    max_score: Decimal | None = None
    place: int | None = None
    team: str | None = None
    completion: CompletionGrade | None = None

    def key(self) -> str:
        parts = (self.status, self.score, self.max_score, self.place, self.team, self.completion)
        return "|".join("" if p is None else str(p) for p in parts)


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One row after validation: either identifier and values, or an INVALID reason."""

    row_number: int
    raw: dict[str, Any]
    row_hash: str
    row_key: str
    identifier: Identifier | None = None
    values: ResultValues | None = None
    reason: RowReason | None = None
    message: str | None = None
    raw_json: str = ""
    """`raw` as JSON text, made once for the hash and reused for storage."""


class RowError(Exception):
    def __init__(self, reason: RowReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def _text(row: dict[Column, str], column: Column) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise RowError(RowReason.TOO_LONG, f"`{column.value}` is longer than {MAX_TEXT} characters")
    return value or None


_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(value: str) -> date:
    """`2010-05-17`, `17.05.2010`, `17/05/2010` (or `17.05.10`); a calendar check included."""
    found = _ISO.match(value) or _DOTTED.match(value)
    if found:
        a, b, c = (int(part) for part in found.groups())
        year, month, day = (a, b, c) if found.re is _ISO else (c, b, a)
        try:
            return date(year, month, day)
        except ValueError:
            pass
    for fmt in DATE_FORMATS[3:]:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise RowError(RowReason.BAD_DATE, f"`{value}` is not a date (use 2010-05-17 or 17.05.2010)")


def parse_participant_id(value: str) -> int:
    """A platform id: the number, or the global id the API shows (`UGFydGljaXBhbnQ6NDI=`)."""
    if value.isdigit() and len(value) <= 18:
        return int(value)
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        decoded = ""
    type_name, _, number = decoded.partition(":")
    if type_name == "Participant" and number.isdigit() and len(number) <= 18:
        return int(number)
    raise RowError(RowReason.BAD_PARTICIPANT_ID, f"`{value}` is not a participant id")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _identifier(row: dict[Column, str]) -> Identifier:
    participant = _text(row, Column.PARTICIPANT_ID)
    if participant:
        return Identifier("id", participant_id=parse_participant_id(participant))
    email = _text(row, Column.EMAIL)
    if email:
        email = email.lower()
        if not _EMAIL.match(email):
            raise RowError(RowReason.BAD_EMAIL, f"`{email}` is not an email address")
        return Identifier("email", email=email)
    last, first = _text(row, Column.LAST_NAME), _text(row, Column.FIRST_NAME)
    born = _text(row, Column.BIRTH_DATE)
    if last and first and born:
        return Identifier(
            "name",
            last_name=name_key(last),
            first_name=name_key(first),
            birth_date=parse_date(born),
        )
    raise RowError(
        RowReason.MISSING_IDENTIFIER,
        "the row names no participant: give a platform id, an email, "
        "or last name + first name + birth date",
    )


def _number(row: dict[Column, str], column: Column) -> Decimal | None:
    value = _text(row, column)
    if value is None:
        return None
    try:
        number = Decimal(value.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0 or number > MAX_SCORE_VALUE:
        raise RowError(RowReason.BAD_NUMBER, f"`{column.value}` is not a number ≥ 0: `{value}`")
    return number.quantize(Decimal("0.001"))


def _values(row: dict[Column, str]) -> ResultValues:
    status_text = _text(row, Column.STATUS)
    if status_text is None:
        raise RowError(RowReason.MISSING_STATUS, "the row has no status")
    status = STATUS_ALIASES.get(squash(status_text))
    if status is None:
        try:
            status = ResultStatus(status_text.upper())
        except ValueError:
            raise RowError(RowReason.UNKNOWN_STATUS, f"unknown status `{status_text}`") from None
    score, max_score = _number(row, Column.SCORE), _number(row, Column.MAX_SCORE)
    if score is not None and max_score is not None and score > max_score:
        raise RowError(RowReason.SCORE_ABOVE_MAX, f"score {score} is above the maximum {max_score}")
    place_text = _text(row, Column.PLACE)
    place = None
    if place_text is not None:
        if not place_text.isdigit() or not 1 <= int(place_text) <= 1_000_000:
            raise RowError(RowReason.BAD_PLACE, f"place must be a whole number ≥ 1: `{place_text}`")
        place = int(place_text)
    completion_text = _text(row, Column.COMPLETION)
    completion = None
    if completion_text is not None:
        completion = COMPLETION_ALIASES.get(squash(completion_text))
        if completion is None:
            raise RowError(RowReason.UNKNOWN_COMPLETION, f"unknown completion `{completion_text}`")
    return ResultValues(status, score, max_score, place, _text(row, Column.TEAM), completion)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def parse_row(event_id: int, row_number: int, raw: dict[str, Any]) -> ParsedRow:
    """Validate one row. The row key (event + identifier + content) is what makes a
    re-import idempotent: the same key means the same result was asked for."""
    canonical = json.dumps(raw, ensure_ascii=False, default=str)  # file order: the same file,
    row_hash = _digest(canonical)  # the same text
    try:
        if set(raw) == {"_value"}:
            raise RowError(RowReason.NOT_AN_OBJECT, "a JSON row must be an object of columns")
        columns: dict[Column, str] = {}
        for header, value in raw.items():
            column = column_for(header)
            if column is not None and value is not None and column not in columns:
                columns[column] = value if isinstance(value, str) else _json_text(value)
        identifier = _identifier(columns)
        values = _values(columns)
    except RowError as error:
        key = _digest(f"{event_id}\x1finvalid\x1f{canonical}")
        return ParsedRow(row_number, raw, row_hash, key, reason=error.reason,
                         message=error.message, raw_json=canonical)  # fmt: skip
    key = _digest(f"{event_id}\x1f{identifier.key()}\x1f{values.key()}")
    return ParsedRow(row_number, raw, row_hash, key, identifier=identifier, values=values,
                     raw_json=canonical)  # fmt: skip


def _json_text(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
