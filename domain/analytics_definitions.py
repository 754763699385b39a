"""Questionnaire and test definitions: reading them from import rows, and their layout.

A questionnaire file has one row per item (`questionnaire, title, scale_min, scale_max,
item, scale, reverse`), a test file one row per item (`test, title, item,
correct_option, option_count[, a, b, c][, event]`); the item order of the file is the
order of the answers. `event` (the catalog event's id or global id, the same on every
row of a test) names the event whose results the test's attempts produced: their
uncleared quality flags then take those results out of the rating. A scale's items
must be consecutive, which is how the careless indices (even-odd) read scales.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from domain.analytics_import import RawFile, RawRow, parse_ref
from domain.analytics_import_rows import RowErrors, code, consistent, flag, group_rows, whole
from domain.analytics_records import KnowledgeTestItem, QuestionnaireItem

MAX_ITEMS = 500
MAX_LIKERT = 100


@dataclass(frozen=True)
class ItemDraft:
    code: str
    scale: str
    reverse_keyed: bool


@dataclass(frozen=True)
class QuestionnaireDefinition:
    code: str
    title: str
    scale_min: int
    scale_max: int
    items: tuple[ItemDraft, ...]


@dataclass(frozen=True)
class TestItemDraft:
    code: str
    correct_option: int
    option_count: int
    a: float | None
    b: float | None
    c: float | None


@dataclass(frozen=True)
class TestDefinition:
    code: str
    title: str
    items: tuple[TestItemDraft, ...]
    event_id: int | None = None
    first_row: int = 0
    """The row its definition starts on (for a problem with the event it names)."""


def questionnaire_definitions(raw: RawFile, errors: RowErrors) -> list[QuestionnaireDefinition]:
    groups = group_rows(raw, errors, lambda r: code(errors, r, "questionnaire"))
    found: list[QuestionnaireDefinition] = []
    for name, rows in groups.items():
        for column in ("title", "scale_min", "scale_max"):
            consistent(errors, rows, column)
        first = rows[0]
        title = errors.text(first, "title")
        low = whole(errors, first, "scale_min", -MAX_LIKERT, MAX_LIKERT)
        high = whole(errors, first, "scale_max", -MAX_LIKERT, MAX_LIKERT)
        if low is not None and high is not None and low >= high:
            errors.add(first.number, "column 'scale_max': must be greater than scale_min")
        items: list[ItemDraft] = []
        for r in rows:
            item, scale = code(errors, r, "item"), code(errors, r, "scale")
            reverse = flag(errors, r, "reverse")
            if item and scale:
                items.append(ItemDraft(item, scale, reverse))
        _check_items(errors, rows[0].number, [i.code for i in items], [i.scale for i in items])
        if title and low is not None and high is not None and low < high:
            found.append(QuestionnaireDefinition(name, title, low, high, tuple(items)))
    return found


def test_definitions(raw: RawFile, errors: RowErrors) -> list[TestDefinition]:
    groups = group_rows(raw, errors, lambda r: code(errors, r, "test"))
    found: list[TestDefinition] = []
    for name, rows in groups.items():
        consistent(errors, rows, "title")
        consistent(errors, rows, "event")
        title = errors.text(rows[0], "title")
        event = _event_ref(errors, rows[0])
        items: list[TestItemDraft] = []
        for r in rows:
            item = code(errors, r, "item")
            options = whole(errors, r, "option_count", 2, 26)
            correct = whole(errors, r, "correct_option", 1, options or 26)
            irt = [errors.number(r, c, r.cells.get(c)) for c in ("a", "b", "c")]
            if any(v is not None and math.isnan(v) for v in irt):
                continue
            a, b, c = irt
            if (a is None) != (b is None):
                errors.add(r.number, "columns 'a' and 'b': give both IRT parameters or neither")
            if c is not None and not 0 <= c < 1:
                errors.add(r.number, f"column 'c': {c:g} is outside [0, 1)")
            if item and options and correct:
                items.append(TestItemDraft(item, correct, options, a, b, c))
        _check_items(errors, rows[0].number, [i.code for i in items], None)
        if title:
            found.append(TestDefinition(name, title, tuple(items), event, rows[0].number))
    return found


def _event_ref(errors: RowErrors, row: RawRow) -> int | None:
    text = errors.text(row, "event", required=False)
    if not text:
        return None
    event_id = parse_ref(text, "Event")
    if event_id is None:
        errors.add(row.number, f"column 'event': {text!r} is not an event id")
    return event_id


def _check_items(
    errors: RowErrors, row: int, codes: Sequence[str], scales: Sequence[str] | None
) -> None:
    if len(codes) < 2 or len(codes) > MAX_ITEMS:
        errors.add(row, f"a definition needs 2–{MAX_ITEMS} items, found {len(codes)}")
    if len(set(codes)) != len(codes):
        errors.add(row, "an item code is used twice")
    if scales is not None:
        closed: set[str] = set()
        for previous, scale in zip([None, *scales], scales, strict=False):
            if scale != previous and scale in closed:
                errors.add(row, f"the items of scale {scale!r} must be consecutive")
                return
            if previous is not None:
                closed.add(previous)


def scale_lengths(items: Sequence[QuestionnaireItem]) -> list[int]:
    """Lengths of the runs of consecutive items of one scale: careless' `factors`."""
    lengths: list[int] = []
    previous: str | None = None
    for item in sorted(items, key=lambda i: i.position):
        if item.scale == previous:
            lengths[-1] += 1
        else:
            lengths.append(1)
            previous = item.scale
    return lengths


def reverse_scored(
    answers: np.ndarray, items: Sequence[QuestionnaireItem], low: int, high: int
) -> np.ndarray:
    """Reverse-keyed items recoded as low + high − answer (NaN stays NaN)."""
    ordered = sorted(items, key=lambda i: i.position)
    mask = np.array([i.reverse_keyed for i in ordered], dtype=bool)
    recoded = answers.copy()
    recoded[:, mask] = (low + high) - recoded[:, mask]
    return recoded


def scored(answers: np.ndarray, items: Sequence[KnowledgeTestItem]) -> np.ndarray:
    """Chosen options → 1 correct / 0 wrong; a skipped item stays NaN."""
    ordered = sorted(items, key=lambda i: i.position)
    key = np.array([i.correct_option for i in ordered], dtype=np.float64)
    result = (answers == key[None, :]).astype(np.float64)
    result[np.isnan(answers)] = np.nan
    return result
