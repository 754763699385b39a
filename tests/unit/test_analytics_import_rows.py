"""Reading and checking analytics import rows (pure): ids, definitions, JSON rows."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from domain.analytics_definitions import (
    questionnaire_definitions,
    reverse_scored,
    scale_lengths,
    scored,
)
from domain.analytics_import import FileFormat, parse_participant_ref, read_file
from domain.analytics_import_rows import AnswerLayout, References, RowErrors, answer_rows
from domain.analytics_records import KnowledgeTestItem, QuestionnaireItem
from domain.errors import InvalidInput

REFS = References(frozenset({"2026/27"}), frozenset({"77"}), frozenset({"IT"}), frozenset({1, 2}))


def test_participant_refs_accept_numbers_and_global_ids() -> None:
    assert parse_participant_ref("42") == 42
    assert parse_participant_ref(7) == 7
    assert parse_participant_ref(base64.b64encode(b"Participant:9").decode()) == 9
    assert parse_participant_ref(base64.b64encode(b"Event:9").decode()) is None
    assert parse_participant_ref("0") is None and parse_participant_ref(True) is None
    assert parse_participant_ref("abc") is None


def test_scales_must_be_consecutive() -> None:
    raw = read_file(
        "questionnaire,title,scale_min,scale_max,item,scale,reverse\n"
        "Q,T,1,5,a,S1,false\nQ,T,1,5,b,S2,false\nQ,T,1,5,c,S1,true\n",
        FileFormat.CSV,
    )
    errors = RowErrors()
    questionnaire_definitions(raw, errors)
    assert any("must be consecutive" in p.reason for p in errors.problems)


def test_json_rows_of_the_wrong_length_and_bad_values_are_named() -> None:
    raw = read_file(
        '[{"participant": 1, "season": "2026/27", "answers": [1, 2]},'
        ' {"participant": 2, "season": "2026/27", "answers": [1, "x", 3]},'
        ' {"participant": 2, "season": "2026/27", "answers": [1, 2, 3], "times": [1, -2, 3]}]',
        FileFormat.JSON,
    )
    errors = RowErrors()
    rows = answer_rows(raw, AnswerLayout(("a", "b", "c"), (1, 1, 1), (5, 5, 5)), REFS, errors)
    reasons = {(p.row, p.reason) for p in errors.problems}
    assert (1, "expected 3 answers, found 2") in reasons
    assert (2, "column 'b': 'x' is not a number") in reasons
    assert (3, "column 'time_b': a time cannot be negative") in reasons
    assert rows == [] or all(r.row != 1 for r in rows)


def test_unreadable_files_are_refused_whole() -> None:
    with pytest.raises(InvalidInput, match="empty"):
        read_file("", FileFormat.CSV)
    with pytest.raises(InvalidInput, match="not valid JSON"):
        read_file("[{", FileFormat.JSON)
    with pytest.raises(InvalidInput, match="array of row objects"):
        read_file('{"a": 1}', FileFormat.JSON)


def test_layout_helpers() -> None:
    items = [
        QuestionnaireItem(1, 1, "a", "S1", False),
        QuestionnaireItem(1, 2, "b", "S1", True),
        QuestionnaireItem(1, 3, "c", "S2", False),
    ]
    assert scale_lengths(items) == [2, 1]
    recoded = reverse_scored(np.array([[1.0, 2.0, np.nan]]), items, 1, 5)
    assert recoded[0, 1] == 4.0 and np.isnan(recoded[0, 2])
    test_items = [KnowledgeTestItem(1, 1, "x", 2, 4), KnowledgeTestItem(1, 2, "y", 1, 4)]
    result = scored(np.array([[2.0, np.nan], [3.0, 1.0]]), test_items)
    assert result[0, 0] == 1.0 and np.isnan(result[0, 1]) and list(result[1]) == [0.0, 1.0]
