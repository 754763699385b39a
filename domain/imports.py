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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from operator import add, itemgetter
from typing import Any

from domain.import_columns import (
    COMPLETION_ALIASES,
    STATUS_ALIASES,
    Column,
    column_for,
    squash,
)
from domain.results import CompletionGrade, ResultStatus
from domain.storable_text import storable, unstorable_at

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
    BAD_TEXT = "BAD_TEXT"
    DUPLICATE_ROW = "DUPLICATE_ROW"
    UNKNOWN_PARTICIPANT = "UNKNOWN_PARTICIPANT"
    AMBIGUOUS_PARTICIPANT = "AMBIGUOUS_PARTICIPANT"


DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y")
MAX_TEXT = 200


@lru_cache(maxsize=16384)
def name_key(value: str) -> str:
    """How names are compared: trimmed, inner spaces collapsed, ё→е, lower case.

    PostgreSQL's `talent_name_key()` (migration 0004) does the same to stored names.
    Cached: a file repeats the same first names (and many last names) thousands of times.
    """
    cleaned = value.replace("Ё", "Е").replace("ё", "е").replace("\xa0", " ").replace("\t", " ")
    return _SPACES.sub(" ", cleaned).strip(" ").lower()


_SPACES = re.compile(" +")


# The row types below are plain (not frozen) slotted dataclasses: `parse_row` builds
# three of them per row, and a frozen dataclass's `__init__` costs a function call
# per field. Nothing changes them after `parse_row`.


@dataclass(slots=True)
class Identifier:
    """How a row names its participant: by platform id, by email, or by name and birth date."""

    kind: str  # "id" | "email" | "name"
    participant_id: int | None = None
    email: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    birth_date: date | None = None
    text: str = field(init=False, compare=False, repr=False)
    """The key, computed once: matching looks it up several times per row."""

    def __post_init__(self) -> None:
        if self.kind == "id":
            self.text = f"id:{self.participant_id}"
        elif self.kind == "email":
            self.text = f"email:{self.email}"
        else:
            self.text = f"name:{self.last_name}|{self.first_name}|{self.birth_date}"

    def key(self) -> str:
        return self.text


@dataclass(slots=True)
class ResultValues:
    status: ResultStatus
    score: Decimal | None = None
    max_score: Decimal | None = None
    place: int | None = None
    team: str | None = None
    completion: CompletionGrade | None = None

    def key(self) -> str:
        """`status|score|max|place|team|completion`, empty where unset (part of the row key)."""
        score, top, place, grade = self.score, self.max_score, self.place, self.completion
        return (
            f"{self.status!s}|{'' if score is None else str(score)}|"
            f"{'' if top is None else str(top)}|{'' if place is None else str(place)}|"
            f"{'' if self.team is None else self.team}|{'' if grade is None else str(grade)}"
        )


@dataclass(slots=True)
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


# Columns by their names as plain strings inside a row: a dict lookup with a StrEnum
# member hashes it through a Python-level slot (about four times a str lookup), and
# validating a row looks up a dozen columns.
_ID, _EMAIL_COLUMN, _LAST, _FIRST, _BORN, _STATUS, _SCORE, _MAX, _PLACE, _TEAM, _GRADE = (
    column.value
    for column in (
        Column.PARTICIPANT_ID, Column.EMAIL, Column.LAST_NAME, Column.FIRST_NAME,
        Column.BIRTH_DATE, Column.STATUS, Column.SCORE, Column.MAX_SCORE, Column.PLACE,
        Column.TEAM, Column.COMPLETION,
    )
)  # fmt: skip


def _text(row: dict[str, str], column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise RowError(RowReason.TOO_LONG, f"`{column}` is longer than {MAX_TEXT} characters")
    return value or None


_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@lru_cache(maxsize=16384)
def parse_date(value: str) -> date:
    """`2010-05-17`, `17.05.2010`, `17/05/2010` (or `17.05.10`); a calendar check included.

    Cached (a bad date raises and is not): birth dates of one school year repeat."""
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


def _identifier(row: dict[str, str]) -> Identifier:
    participant = _text(row, _ID)
    if participant:
        return Identifier("id", participant_id=parse_participant_id(participant))
    email = _text(row, _EMAIL_COLUMN)
    if email:
        email = email.lower()
        if not _EMAIL.match(email):
            raise RowError(RowReason.BAD_EMAIL, f"`{email}` is not an email address")
        return Identifier("email", email=email)
    last, first, born = _text(row, _LAST), _text(row, _FIRST), _text(row, _BORN)
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


def _number(row: dict[str, str], column: str) -> Decimal | None:
    value = _text(row, column)
    if value is None:
        return None
    number = _decimal(value)
    if number is None:
        raise RowError(RowReason.BAD_NUMBER, f"`{column}` is not a number ≥ 0: `{value}`")
    return number


@lru_cache(maxsize=16384)
def _decimal(value: str) -> Decimal | None:
    """A score as stored (three decimals), or None when it is not a number ≥ 0.
    Cached: scores and maxima repeat across a file (Decimal is immutable)."""
    try:
        number = Decimal(value.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0 or number > MAX_SCORE_VALUE:
        return None
    return number.quantize(Decimal("0.001"))


def _values(row: dict[str, str]) -> ResultValues:
    status_text = _text(row, _STATUS)
    if status_text is None:
        raise RowError(RowReason.MISSING_STATUS, "the row has no status")
    status = _status(status_text)
    if status is None:
        raise RowError(RowReason.UNKNOWN_STATUS, f"unknown status `{status_text}`")
    score, max_score = _number(row, _SCORE), _number(row, _MAX)
    if score is not None and max_score is not None and score > max_score:
        raise RowError(RowReason.SCORE_ABOVE_MAX, f"score {score} is above the maximum {max_score}")
    place_text = _text(row, _PLACE)
    place = None
    if place_text is not None:
        if not place_text.isdigit() or not 1 <= int(place_text) <= 1_000_000:
            raise RowError(RowReason.BAD_PLACE, f"place must be a whole number ≥ 1: `{place_text}`")
        place = int(place_text)
    completion_text = _text(row, _GRADE)
    completion = None
    if completion_text is not None:
        completion = _completion(completion_text)
        if completion is None:
            raise RowError(RowReason.UNKNOWN_COMPLETION, f"unknown completion `{completion_text}`")
    return ResultValues(status, score, max_score, place, _text(row, _TEAM), completion)


@lru_cache(maxsize=256)
def _status(text: str) -> ResultStatus | None:
    """Cached: a file spells its few statuses the same way on every row."""
    status = STATUS_ALIASES.get(squash(text))
    if status is None:
        try:
            status = ResultStatus(text.upper())
        except ValueError:
            return None
    return status


@lru_cache(maxsize=256)
def _completion(text: str) -> CompletionGrade | None:
    return COMPLETION_ALIASES.get(squash(text))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _canonical_encoder() -> Callable[[dict[str, Any]], str]:
    """The row's JSON text, as `json.dumps(raw, ensure_ascii=False, default=str)` makes
    it. `json.dumps` with options builds an encoder per call, which costs as much as
    the encoding itself; this builds the C encoder once (and falls back to an encoder
    object where the C accelerator is missing)."""
    if c_make_encoder is None:  # pragma: no cover (CPython has the accelerator)
        return json.JSONEncoder(ensure_ascii=False, default=str).encode
    encode = c_make_encoder(None, str, encode_basestring, None, ": ", ", ", False, False, True)
    return lambda raw: "".join(encode(raw, 0))


_canonical = _canonical_encoder()


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a row's header names tell, worked out once per shape (a file repeats one
    shape on every row): the JSON text of each key, and which columns they name."""

    prefixes: tuple[str, ...]
    """`"key": ` of each header, in order: a row of strings is encoded by joining
    these with its quoted values, with no per-cell Python code."""
    layout: tuple[tuple[str, str], ...]
    """(header, column name) of the headers that name a column, in order."""
    names: tuple[str, ...]
    pick: Callable[[dict[str, Any]], tuple[Any, ...]] | None
    """The values of `layout`'s headers as a tuple, where no column is named twice
    (then `dict(zip(names, pick(raw)))` is the column map); None otherwise."""


@lru_cache(maxsize=256)
def _shape(headers: tuple[str, ...]) -> _Shape:
    layout = tuple(
        (header, column.value) for header in headers if (column := column_for(header)) is not None
    )
    names = tuple(name for _, name in layout)
    pick: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None
    if len(set(names)) == len(names):
        wanted = [header for header, _ in layout]
        if len(wanted) > 1:
            pick = itemgetter(*wanted)
        else:  # `itemgetter` of one key returns the value, not a 1-tuple
            pick = lambda raw: tuple(raw[header] for header in wanted)  # noqa: E731
    prefixes = tuple(encode_basestring(header) + ": " for header in headers)
    return _Shape(prefixes, layout, names, pick)


def parse_row(event_id: int, row_number: int, raw: dict[str, Any]) -> ParsedRow:
    """Validate one row. The row key (event + identifier + content) is what makes a
    re-import idempotent: the same key means the same result was asked for."""
    shape = _shape(tuple(raw))
    try:  # file order: the same file, the same text
        canonical = "{" + ", ".join(map(add, shape.prefixes, map(encode_basestring, raw.values())))
        canonical, strings = canonical + "}", True
    except TypeError:  # a value that is not a string (JSON files)
        canonical, strings = _canonical(raw), False
    if _UNSTORABLE.search(canonical) is not None and (column := unstorable_at(raw)) is not None:
        return _bad_text(event_id, row_number, raw, column)
    row_hash = _digest(canonical)
    try:
        if len(raw) == 1 and "_value" in raw:
            raise RowError(RowReason.NOT_AN_OBJECT, "a JSON row must be an object of columns")
        columns: dict[str, str]
        if strings and shape.pick is not None:  # what the loop below gives, in C
            columns = dict(zip(shape.names, shape.pick(raw), strict=True))
        else:
            columns = {}
            for header, column in shape.layout:
                value = raw[header]
                if value is not None and column not in columns:
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


_UNSTORABLE = re.compile("\\\\u0000|[\ud800-\udfff]")
"""What, in a row's JSON text, may be a NUL character (escaped) or an unpaired
surrogate (a JSON file's `\\ud800`): neither can be stored as text in PostgreSQL, and
an upload must not fail on one cell. A hit is confirmed on the row itself: the text
`\\u0000` typed into a cell matches here too."""


def _storable(value: Any) -> Any:
    """`value` with each NUL and unpaired surrogate replaced by U+FFFD."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable(str(key)): _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


def _bad_text(event_id: int, row_number: int, raw: dict[str, Any], column: str) -> ParsedRow:
    """The row is INVALID, and kept with the offending characters shown as U+FFFD, so
    the report still shows what was sent (the reason says what was replaced)."""
    clean = _storable(raw)
    canonical = _canonical(clean)
    message = (
        f"`{storable(column)}` holds a NUL character or an unpaired surrogate, which cannot "
        "be stored as text; it is shown as \ufffd"
    )
    key = _digest(f"{event_id}\x1finvalid\x1f{canonical}")
    return ParsedRow(row_number, clean, _digest(canonical), key, reason=RowReason.BAD_TEXT,
                     message=message, raw_json=canonical)  # fmt: skip


def _json_text(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
