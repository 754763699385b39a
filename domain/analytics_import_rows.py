"""Checking every row of an analytics import, per kind, against the reference data.

Pure functions: the use case passes what they need to know (the questionnaire's items,
the seasons, regions, professions and participants that exist) and gets typed rows back
together with every problem found, each naming its row and column. Nothing is looked
up or written here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.analytics_import import TIME_PREFIX, RawFile, RawRow, parse_participant_ref
from domain.analytics_records import RowProblem, TrialKind
from domain.errors import InvalidInput
from domain.reference import season_for

_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_TRUE = {"true", "1", "yes", "y", "да"}
_FALSE = {"false", "0", "no", "n", "нет", ""}


@dataclass(frozen=True)
class References:
    """What exists: the use case reads it once per file."""

    seasons: frozenset[str]
    regions: frozenset[str]
    professions: frozenset[str]
    participants: frozenset[int]


@dataclass(frozen=True)
class AnswerLayout:
    """Items of the questionnaire or test the answers belong to, and the valid range."""

    item_codes: tuple[str, ...]
    low: tuple[int, ...]  # lowest valid answer per item
    high: tuple[int, ...]  # highest valid answer per item


@dataclass(frozen=True)
class AnswerRow:
    row: int
    participant_id: int
    season: str
    answers: list[float | None]
    times: list[float | None] | None


@dataclass(frozen=True)
class TrialRow:
    row: int
    participant_id: int
    profession: str
    kind: TrialKind
    held_on: date
    season: str
    region: str


@dataclass(frozen=True)
class ChoiceRow:
    row: int
    participant_id: int
    season: str
    professions: tuple[str, ...]


@dataclass(frozen=True)
class ProfileRow:
    row: int
    participant_id: int
    season: str
    region: str | None
    average_mark: Decimal | None
    club_activity: bool


class RowErrors:
    """Collects problems; `cell` returns None after recording one."""

    def __init__(self) -> None:
        self.problems: list[RowProblem] = []

    def add(self, row: int, reason: str) -> None:
        self.problems.append(RowProblem(row, reason))

    def text(self, raw: RawRow, column: str, *, required: bool = True) -> str | None:
        value = raw.cells.get(column)
        text = "" if value is None else str(value).strip()
        if not text and required:
            self.add(raw.number, f"column {column!r}: a value is required")
            return None
        return text

    def number(self, raw: RawRow, column: str, value: Any) -> float | None:
        """A finite number; empty → None. Booleans and words are refused."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.add(raw.number, f"column {column!r}: {value!r} is not a number")
            return math.nan
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self.add(raw.number, f"column {column!r}: {value!r} is not a number")
            return math.nan
        return number


def _participant(errors: RowErrors, raw: RawRow, refs: References) -> int | None:
    value = raw.cells.get("participant")
    pid = parse_participant_ref(value)
    if pid is None:
        errors.add(raw.number, f"column 'participant': {value!r} is not a participant id")
    elif pid not in refs.participants:
        errors.add(raw.number, f"column 'participant': no participant with id {pid}")
    return pid if pid in refs.participants else None


def _season(errors: RowErrors, raw: RawRow, refs: References) -> str | None:
    season = errors.text(raw, "season")
    if season is not None and season not in refs.seasons:
        errors.add(raw.number, f"column 'season': unknown season {season!r} (use e.g. 2026/27)")
        return None
    return season


def _region(errors: RowErrors, raw: RawRow, refs: References, *, required: bool) -> str | None:
    region = errors.text(raw, "region", required=required)
    if region and region not in refs.regions:
        errors.add(raw.number, f"column 'region': unknown region code {region!r}")
        return None
    return region or None


def _flag(errors: RowErrors, raw: RawRow, column: str) -> bool:
    value = raw.cells.get(column)
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _TRUE:
        return True
    if text not in _FALSE:
        errors.add(raw.number, f"column {column!r}: {value!r} is not true or false")
    return False


def _once(errors: RowErrors, seen: dict[Any, int], key: Any, row: int, what: str) -> bool:
    if key in seen:
        errors.add(row, f"repeats the {what} of row {seen[key]}")
        return False
    seen[key] = row
    return True


def _answer_cells(raw: RawRow, layout: AnswerLayout, fmt_json: bool) -> tuple[Any, Any]:
    if fmt_json:
        return raw.cells.get("answers"), raw.cells.get("times")
    answers = [raw.cells.get(code) for code in layout.item_codes]
    has_times = any(f"{TIME_PREFIX}{code}" in raw.cells for code in layout.item_codes)
    times = [raw.cells.get(f"{TIME_PREFIX}{c}") for c in layout.item_codes] if has_times else None
    return answers, times


def answer_rows(
    raw: RawFile, layout: AnswerLayout, refs: References, errors: RowErrors
) -> list[AnswerRow]:
    """Responses or attempts: whole-number answers within range, times ≥ 0."""
    k = len(layout.item_codes)
    fmt_json = raw.format.value == "JSON"
    rows: list[AnswerRow] = []
    seen: dict[Any, int] = {}
    for r in raw.rows:
        if r.width_problem:
            errors.add(r.number, r.width_problem)
            continue
        pid, season = _participant(errors, r, refs), _season(errors, r, refs)
        cells, time_cells = _answer_cells(r, layout, fmt_json)
        if not isinstance(cells, list) or len(cells) != k:
            found = len(cells) if isinstance(cells, list) else "no list of"
            errors.add(r.number, f"expected {k} answers, found {found}")
            continue
        answers: list[float | None] = []
        for j, cell in enumerate(cells):
            column = layout.item_codes[j]
            value = errors.number(r, column, cell)
            if value is not None and math.isfinite(value):
                if not value.is_integer():
                    errors.add(r.number, f"column {column!r}: {cell!r} is not a whole number")
                elif not layout.low[j] <= value <= layout.high[j]:
                    errors.add(
                        r.number,
                        f"column {column!r}: {value:g} is outside {layout.low[j]}–{layout.high[j]}",
                    )
            answers.append(value)
        times: list[float | None] | None = None
        if time_cells is not None:
            if not isinstance(time_cells, list) or len(time_cells) != k:
                errors.add(r.number, f"expected {k} response times")
                continue
            times = []
            for j, cell in enumerate(time_cells):
                column = f"{TIME_PREFIX}{layout.item_codes[j]}"
                value = errors.number(r, column, cell)
                if value is not None and value < 0:
                    errors.add(r.number, f"column {column!r}: a time cannot be negative")
                times.append(value)
        if (
            pid is not None
            and season is not None
            and _once(errors, seen, (pid, season), r.number, "respondent and season")
        ):
            rows.append(AnswerRow(r.number, pid, season, answers, times))
    return rows


def trial_rows(raw: RawFile, refs: References, errors: RowErrors) -> list[TrialRow]:
    rows: list[TrialRow] = []
    seen: dict[Any, int] = {}
    for r in raw.rows:
        if r.width_problem:
            errors.add(r.number, r.width_problem)
            continue
        pid = _participant(errors, r, refs)
        profession = _profession(errors, r, errors.text(r, "profession"), refs)
        kind_text = (errors.text(r, "kind") or "").upper()
        kind = TrialKind(kind_text) if kind_text in TrialKind.__members__ else None
        if kind_text and kind is None:
            errors.add(r.number, f"column 'kind': {kind_text!r} is not TRIAL or FESTIVAL")
        held_on = _date(errors, r)
        region = _region(errors, r, refs, required=True)
        season = season_for(held_on) if held_on else None
        if held_on and season not in refs.seasons:
            errors.add(r.number, f"column 'date': {held_on} is in no known season")
            season = None
        values = (pid, profession, kind, held_on, season, region)
        if all(v is not None for v in values) and _once(
            errors, seen, (pid, profession, kind, held_on), r.number, "trial"
        ):
            rows.append(TrialRow(r.number, *values))  # type: ignore[arg-type]
    return rows


def _date(errors: RowErrors, raw: RawRow) -> date | None:
    text = errors.text(raw, "date")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.add(raw.number, f"column 'date': {text!r} is not a date (YYYY-MM-DD)")
        return None


def _profession(errors: RowErrors, raw: RawRow, code: str | None, refs: References) -> str | None:
    if code and code not in refs.professions:
        errors.add(raw.number, f"unknown profession {code!r}")
        return None
    return code or None


def choice_rows(raw: RawFile, refs: References, errors: RowErrors) -> list[ChoiceRow]:
    """Professions separated by `;` in CSV, or a JSON array; each named once."""
    rows: list[ChoiceRow] = []
    seen: dict[Any, int] = {}
    for r in raw.rows:
        if r.width_problem:
            errors.add(r.number, r.width_problem)
            continue
        pid, season = _participant(errors, r, refs), _season(errors, r, refs)
        value = r.cells.get("professions")
        codes = value if isinstance(value, list) else str(value or "").split(";")
        cleaned = [str(c).strip() for c in codes if str(c).strip()]
        if not cleaned:
            errors.add(r.number, "column 'professions': name at least one profession")
        known = [c for c in cleaned if _profession(errors, r, c, refs)]
        if len(set(cleaned)) != len(cleaned):
            errors.add(r.number, "column 'professions': a profession is named twice")
        if (
            pid is not None
            and season is not None
            and known
            and len(known) == len(cleaned)
            and _once(errors, seen, (pid, season), r.number, "respondent and season")
        ):
            rows.append(ChoiceRow(r.number, pid, season, tuple(sorted(set(known)))))
    return rows


def profile_rows(raw: RawFile, refs: References, errors: RowErrors) -> list[ProfileRow]:
    """Average mark on the 2–5 school scale (empty = unknown); club activity true/false."""
    rows: list[ProfileRow] = []
    seen: dict[Any, int] = {}
    for r in raw.rows:
        if r.width_problem:
            errors.add(r.number, r.width_problem)
            continue
        pid, season = _participant(errors, r, refs), _season(errors, r, refs)
        region = _region(errors, r, refs, required=False)
        mark_value = errors.number(r, "average_mark", r.cells.get("average_mark"))
        mark: Decimal | None = None
        if mark_value is not None and math.isfinite(mark_value):
            if not 2 <= mark_value <= 5:
                errors.add(r.number, f"column 'average_mark': {mark_value:g} is outside 2–5")
            else:
                mark = _decimal(mark_value)
        club = _flag(errors, r, "club_activity")
        if (
            pid is not None
            and season is not None
            and (mark_value is None or mark is not None)
            and _once(errors, seen, (pid, season), r.number, "respondent and season")
        ):
            rows.append(ProfileRow(r.number, pid, season, region, mark, club))
    return rows


def _decimal(value: float) -> Decimal:
    try:
        return Decimal(f"{value:.2f}")
    except InvalidOperation as error:  # pragma: no cover - finite floats always format
        raise InvalidInput("not a number", field="average_mark") from error


def code(errors: RowErrors, raw: RawRow, column: str) -> str | None:
    text = errors.text(raw, column)
    if text is not None and not _CODE.match(text):
        errors.add(
            raw.number, f"column {column!r}: {text!r} is not a code (letters, digits, _ . -)"
        )
        return None
    return text


def whole(errors: RowErrors, raw: RawRow, column: str, low: int, high: int) -> int | None:
    value = errors.number(raw, column, raw.cells.get(column))
    if value is None:
        errors.add(raw.number, f"column {column!r}: a value is required")
        return None
    if not math.isfinite(value):
        return None
    if not value.is_integer() or not low <= value <= high:
        errors.add(
            raw.number, f"column {column!r}: {value:g} is not a whole number in {low}–{high}"
        )
        return None
    return int(value)


def flag(errors: RowErrors, raw: RawRow, column: str) -> bool:
    return _flag(errors, raw, column)


def group_rows(
    raw: RawFile, errors: RowErrors, key: Callable[[RawRow], str | None]
) -> dict[str, list[RawRow]]:
    """Rows grouped by a code column, in file order; width problems recorded and skipped."""
    groups: dict[str, list[RawRow]] = {}
    for r in raw.rows:
        if r.width_problem:
            errors.add(r.number, r.width_problem)
            continue
        k = key(r)
        if k is not None:
            groups.setdefault(k, []).append(r)
    return groups


def consistent(errors: RowErrors, rows: Sequence[RawRow], column: str) -> None:
    """Definition columns repeated on every item row must agree with the first row."""
    first = str(rows[0].cells.get(column, "")).strip()
    for r in rows[1:]:
        if str(r.cells.get(column, "")).strip() != first:
            errors.add(r.number, f"column {column!r} differs from row {rows[0].number}")
