"""Import rules without a database: readers, row validation, settling rows."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest

from domain.errors import InvalidInput
from domain.import_columns import COLUMN_ALIASES, Column, column_for
from domain.import_files import ImportFileError, open_rows
from domain.import_outcomes import Matches, settle, split_reason
from domain.imports import RowReason, name_key, parse_participant_id, parse_row
from domain.results import ImportFormat, ResultStatus


def rows_of(content: bytes) -> tuple[ImportFormat, str, list[tuple[int, dict]]]:
    shape, rows = open_rows(io.BytesIO(content))
    return shape.format, shape.encoding, list(rows)


def test_windows_1251_with_semicolons() -> None:
    text = "Фамилия;Имя;Дата рождения;Статус\r\nЁлкин;Пётр;01.02.2010;Победитель\r\n"
    fmt, encoding, rows = rows_of(text.encode("cp1251"))
    assert (fmt, encoding) == (ImportFormat.CSV, "cp1251")
    assert rows == [
        (
            2,
            {
                "Фамилия": "Ёлкин",
                "Имя": "Пётр",
                "Дата рождения": "01.02.2010",
                "Статус": "Победитель",
            },
        )
    ]


def test_utf8_with_bom_and_commas_skips_blank_lines() -> None:
    text = '\ufeffemail,status\n"a@b.cd",WINNER\n,\n\nc@d.ef,PARTICIPANT\n'
    fmt, encoding, rows = rows_of(text.encode("utf-8"))
    assert (fmt, encoding) == (ImportFormat.CSV, "utf-8-sig")
    assert [number for number, _ in rows] == [2, 5]
    assert rows[0][1] == {"email": "a@b.cd", "status": "WINNER"}


def test_json_array_and_json_lines_stream_objects() -> None:
    many = [{"email": f"p{i}@x.ru", "status": "WINNER", "note": "x" * 100} for i in range(3000)]
    fmt, _, rows = rows_of(json.dumps(many).encode())
    assert fmt is ImportFormat.JSON and len(rows) == 3000 and rows[-1][0] == 3000
    lines = "\n".join(json.dumps(r) for r in many[:3]).encode()
    assert [n for n, _ in rows_of(lines)[2]] == [1, 2, 3]


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "empty"),
        (b"   \n  ", "empty"),
        ("email;баллы\n".encode(), "status"),
        ("баллы;статус\n".encode(), "names no participant"),
        (b'[{"status": "WINNER"}, {"status": ', "Broken JSON"),
        (b'[{"status": "WINNER"}', "not closed"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(content: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        rows_of(content)


def test_header_aliases_ignore_case_spaces_punctuation_and_yo() -> None:
    assert column_for(" Дата  рождения ") is Column.BIRTH_DATE
    assert column_for("E-mail") is Column.EMAIL
    assert column_for("Макс. балл") is Column.MAX_SCORE
    assert column_for("something else") is None
    every_alias = [a for aliases in COLUMN_ALIASES.values() for a in aliases]
    assert all(column_for(a) is not None for a in every_alias)


def test_name_key_normalises_case_spaces_and_yo() -> None:
    assert name_key("  ЁЛКИНА \u00a0 Мария ") == "елкина мария"
    assert name_key("Пётр") == name_key("ПЕТР")


def test_participant_ids_as_numbers_or_global_ids() -> None:
    assert parse_participant_id("42") == 42
    assert parse_participant_id("UGFydGljaXBhbnQ6NDI=") == 42
    assert parse_participant_id("UGFydGljaXBhbnQ6NDI") == 42  # padding dropped
    for bad in ("RXZlbnQ6NDI=", "abc", "-1"):
        with pytest.raises(Exception, match="participant id"):
            parse_participant_id(bad)


@pytest.mark.parametrize(
    "raw,reason",
    [
        ({"status": "WINNER"}, RowReason.MISSING_IDENTIFIER),
        ({"email": "nope", "status": "WINNER"}, RowReason.BAD_EMAIL),
        ({"id": "x1", "status": "WINNER"}, RowReason.BAD_PARTICIPANT_ID),
        (
            {"фамилия": "А", "имя": "Б", "др": "31.02.2010", "статус": "участник"},
            RowReason.BAD_DATE,
        ),
        ({"id": "1"}, RowReason.MISSING_STATUS),
        ({"id": "1", "status": "чемпион"}, RowReason.UNKNOWN_STATUS),
        ({"id": "1", "status": "WINNER", "score": "12a"}, RowReason.BAD_NUMBER),
        ({"id": "1", "status": "WINNER", "score": "-1"}, RowReason.BAD_NUMBER),
        ({"id": "1", "status": "WINNER", "score": "101", "max": "100"}, RowReason.SCORE_ABOVE_MAX),
        ({"id": "1", "status": "WINNER", "place": "0"}, RowReason.BAD_PLACE),
        ({"id": "1", "status": "WINNER", "completion": "?"}, RowReason.UNKNOWN_COMPLETION),
        ({"id": "1", "status": "WINNER", "team": "x" * 201}, RowReason.TOO_LONG),
        ({"_value": [1, 2]}, RowReason.NOT_AN_OBJECT),
    ],
)
def test_every_invalid_row_has_its_reason(raw: dict, reason: RowReason) -> None:
    parsed = parse_row(7, 2, raw)
    assert parsed.reason is reason and parsed.message and parsed.values is None


def test_valid_row_values_and_a_key_that_follows_content() -> None:
    raw = {"Фамилия": " Ёлкин ", "Имя": "пётр", "Дата рождения": "01.02.2010",
           "Результат": "призёр", "Баллы": "87,5", "Макс. балл": "100", "Место": "3"}  # fmt: skip
    parsed = parse_row(7, 2, raw)
    assert parsed.identifier is not None and parsed.values is not None
    assert parsed.identifier.key() == "name:елкин|петр|2010-02-01"
    assert parsed.values.status is ResultStatus.PRIZE_WINNER
    assert (parsed.values.score, parsed.values.place) == (Decimal("87.500"), 3)
    assert parse_row(7, 9, {**raw, "Имя": "ПЁТР"}).row_key == parsed.row_key
    assert parse_row(7, 2, {**raw, "Баллы": "88"}).row_key != parsed.row_key
    assert parse_row(8, 2, raw).row_key != parsed.row_key  # another event


def _rows(*raws: dict) -> list:
    return [parse_row(1, i + 2, raw) for i, raw in enumerate(raws)]


def test_settle_applies_matches_and_reports_duplicates_and_unmatched() -> None:
    rows = _rows(
        {"id": "10", "status": "WINNER"},
        {"email": "a@b.cd", "status": "WINNER"},  # the same participant 10 → duplicate
        {"id": "10", "status": "WINNER"},  # the very same row → duplicate
        {"email": "x@y.zz", "status": "WINNER"},  # nobody
        {"фамилия": "А", "имя": "Б", "др": "2010-01-01", "статус": "участник"},  # two people
        {"id": "11", "status": "чемпион"},
    )
    matches = Matches({"id:10": [10], "email:a@b.cd": [10], "name:а|б|2010-01-01": [20, 21]})
    out = settle(rows, matches, {}, {}, {})
    states = [(o.state, split_reason(o.reason)[0]) for o in out]
    assert states == [
        ("APPLIED", None),
        ("INVALID", "DUPLICATE_ROW"),
        ("INVALID", "DUPLICATE_ROW"),
        ("UNMATCHED", "UNKNOWN_PARTICIPANT"),
        ("UNMATCHED", "AMBIGUOUS_PARTICIPANT"),
        ("INVALID", "UNKNOWN_STATUS"),
    ]
    assert out[0].participant_id == 10 and out[1].participant_id is None


def test_settle_uses_earlier_rows_of_the_batch_and_earlier_moderator_choices() -> None:
    rows = _rows({"id": "10", "status": "WINNER"}, {"email": "x@y.zz", "status": "WINNER"})
    matches = Matches({"id:10": [10]})
    out = settle(rows, matches, {rows[1].row_key: 33}, {10: 2}, {})
    assert [(o.state, o.participant_id) for o in out] == [("INVALID", None), ("APPLIED", 33)]


def test_dates_in_both_spellings() -> None:
    for text in ("2010-05-17", "17.05.2010", "17/05/2010"):
        parsed = parse_row(1, 2, {"фамилия": "а", "имя": "б", "др": text, "статус": "участник"})
        assert parsed.identifier is not None and parsed.identifier.birth_date == date(2010, 5, 17)


def test_invalid_input_is_the_file_error_base() -> None:
    assert issubclass(ImportFileError, InvalidInput)
