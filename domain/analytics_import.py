"""Reading analytics import files (CSV or JSON) into rows, before any row is checked.

Every kind of file is a table: CSV with a header row, or JSON as an array of objects
whose keys are the CSV column names (responses and attempts carry `answers` and
`times` as arrays there). Data rows are numbered from 1 (the CSV header is row 0), the
same numbering every error message uses, so a user finds the row in a spreadsheet.

File-level faults (empty file, unreadable JSON, missing or unknown columns) raise
`InvalidInput`; row-level faults are collected by `domain.analytics_import_rows`, and
an import applies only when no row has one: nothing is ever half-imported.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.errors import InvalidInput


class ImportKind(StrEnum):
    QUESTIONNAIRE = "QUESTIONNAIRE"  # definition: one row per item
    TEST = "TEST"  # definition: one row per item
    RESPONSES = "RESPONSES"  # answers of one questionnaire, one row per respondent
    ATTEMPTS = "ATTEMPTS"  # attempts at one test, one row per respondent
    TRIALS = "TRIALS"  # professional trials and festival visits
    CHOICES = "CHOICES"  # professions named per respondent and season
    PROFILES = "PROFILES"  # region, average mark, club activity per respondent and season


class FileFormat(StrEnum):
    CSV = "CSV"
    JSON = "JSON"


REQUIRED: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.QUESTIONNAIRE: (
        "questionnaire",
        "title",
        "scale_min",
        "scale_max",
        "item",
        "scale",
        "reverse",
    ),
    ImportKind.TEST: ("test", "title", "item", "correct_option", "option_count"),
    ImportKind.RESPONSES: ("participant", "season"),
    ImportKind.ATTEMPTS: ("participant", "season"),
    ImportKind.TRIALS: ("participant", "profession", "kind", "date", "region"),
    ImportKind.CHOICES: ("participant", "season", "professions"),
    ImportKind.PROFILES: ("participant", "season", "region", "average_mark", "club_activity"),
}
OPTIONAL: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.TEST: ("a", "b", "c", "event"),
}
TIME_PREFIX = "time_"
"""CSV columns `time_<item>` hold response times (seconds) of responses and attempts."""

MAX_REPORTED_PROBLEMS = 200


@dataclass(frozen=True)
class RawRow:
    """One data row: its 1-based number and its cells by column name."""

    number: int
    cells: dict[str, Any]
    width_problem: str | None = None


@dataclass(frozen=True)
class RawFile:
    format: FileFormat
    columns: tuple[str, ...]
    rows: tuple[RawRow, ...]


def guess_format(filename: str) -> FileFormat:
    """CSV unless the name ends in .json."""
    return FileFormat.JSON if filename.lower().endswith(".json") else FileFormat.CSV


def read_file(content: str, fmt: FileFormat) -> RawFile:
    """Split a file into rows; refuse an empty or unreadable one as a whole."""
    text = content.lstrip("\ufeff")
    if not text.strip():
        raise InvalidInput(
            "The file is empty: expected a header row and data rows.", field="content"
        )
    raw = _read_csv(text) if fmt is FileFormat.CSV else _read_json(text)
    if not raw.rows:
        raise InvalidInput("The file has no data rows.", field="content")
    return raw


def _read_csv(text: str) -> RawFile:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip() for cell in next(reader)]
    if not any(header):
        raise InvalidInput("The first line must be the header row.", field="content")
    if len(set(header)) != len(header):
        raise InvalidInput("The header names a column twice.", field="content")
    rows: list[RawRow] = []
    for number, cells in enumerate(reader, start=1):
        if not cells or not any(cell.strip() for cell in cells):
            continue  # blank line
        problem = None
        if len(cells) != len(header):
            problem = f"expected {len(header)} values, found {len(cells)}"
        rows.append(RawRow(number, dict(zip(header, cells, strict=False)), problem))
    return RawFile(FileFormat.CSV, tuple(header), tuple(rows))


def _read_json(text: str) -> RawFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"The file is not valid JSON (line {error.lineno}: {error.msg}).", field="content"
        ) from error
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        data = data["rows"]
    if not isinstance(data, list):
        raise InvalidInput("A JSON import is an array of row objects.", field="content")
    rows: list[RawRow] = []
    columns: dict[str, None] = {}
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            rows.append(RawRow(number, {}, "a row must be a JSON object"))
            continue
        columns.update(dict.fromkeys(str(k) for k in item))
        rows.append(RawRow(number, {str(k): v for k, v in item.items()}))
    return RawFile(FileFormat.JSON, tuple(columns), tuple(rows))


def check_columns(raw: RawFile, required: Sequence[str], optional: Sequence[str] = ()) -> None:
    """Every required column present, none unknown (a typo would otherwise be ignored)."""
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise InvalidInput(f"Missing column(s): {', '.join(missing)}.", field="content")
    known = set(required) | set(optional)
    unknown = [c for c in raw.columns if c not in known]
    if unknown:
        raise InvalidInput(f"Unknown column(s): {', '.join(unknown)}.", field="content")


def parse_participant_ref(value: Any) -> int | None:
    """A participant's platform id: the number, or the API's global id (`Participant:<n>`)."""
    return parse_ref(value, "Participant")


def parse_ref(value: Any, type_name: str) -> int | None:
    """A row's platform id: the number, or the API's global id (`<type_name>:<n>`)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    text = str(value or "").strip()
    if text.isdigit() and len(text) <= 18:
        return int(text) or None
    try:
        decoded = base64.b64decode(text + "=" * (-len(text) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    kind, _, number = decoded.partition(":")
    if kind == type_name and number.isdigit() and len(number) <= 18:
        return int(number) or None
    return None
