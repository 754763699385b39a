"""Reading organizers' files as a stream of rows, in constant memory.

CSV as organizers really send it: UTF-8 (with or without a BOM) or Windows-1251,
comma or semicolon (or tab), a header row. JSON: an array of objects, or one
object per line (JSON Lines). The file is never read whole: rows come out one at
a time, so a 100,000-row file costs what a 10,000-row file costs.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from domain.errors import InvalidInput
from domain.import_columns import Column, column_for
from domain.results import ImportFormat

SNIFF_BYTES = 256 * 1024
JSON_READ = 64 * 1024
MAX_JSON_ROW = 64 * 1024


class ImportFileError(InvalidInput):
    """The file as a whole cannot be read (encoding, no header, broken JSON)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


@dataclass(frozen=True)
class FileShape:
    format: ImportFormat
    encoding: str


def sniff(stream: BinaryIO) -> FileShape:
    """Format from the first character, encoding from the bytes: a UTF-8 BOM, valid
    UTF-8, or else Windows-1251 (the two encodings Russian spreadsheets save)."""
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    if not head.strip():
        raise ImportFileError("The file is empty.")
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1251"
    first = head.decode(encoding if encoding != "utf-8-sig" else "utf-8-sig", "ignore").lstrip()
    fmt = ImportFormat.JSON if first[:1] in ("[", "{") else ImportFormat.CSV
    return FileShape(fmt, encoding)


def open_rows(stream: BinaryIO) -> tuple[FileShape, Iterator[tuple[int, dict[str, Any]]]]:
    """The file's shape and its rows as (row number, column → value) pairs.

    A CSV header is read and checked at once, so a file that cannot be imported
    at all is refused before anything is stored. CSV row numbers are spreadsheet
    rows (the header is row 1); JSON rows count from 1. Blank CSV lines carry
    nothing and are skipped.
    """
    shape = sniff(stream)
    text = io.TextIOWrapper(stream, encoding=shape.encoding, newline="")
    try:
        rows = _csv_rows(text) if shape.format is ImportFormat.CSV else _json_rows(text)
    except UnicodeDecodeError as error:
        raise _not_decodable(shape.encoding) from error
    return shape, _decode_errors(rows, shape.encoding)


def _not_decodable(encoding: str) -> ImportFileError:
    return ImportFileError(
        f"The file is not valid {encoding.removesuffix('-sig').upper()}; "
        "save it as UTF-8 or Windows-1251."
    )


def _decode_errors(
    rows: Iterator[tuple[int, dict[str, Any]]], encoding: str
) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        yield from rows
    except UnicodeDecodeError as error:
        raise _not_decodable(encoding) from error


def _check_header(header: list[str]) -> None:
    columns = {column_for(name) for name in header}
    names = columns >= {Column.LAST_NAME, Column.FIRST_NAME, Column.BIRTH_DATE}
    if Column.STATUS not in columns:
        raise ImportFileError(
            "The header has no status column (status, result, статус, результат…); "
            "see docs/imports.md for the column names."
        )
    if not (names or columns & {Column.PARTICIPANT_ID, Column.EMAIL}):
        raise ImportFileError(
            "The header names no participant: add participant_id, email, or last_name + "
            "first_name + birth_date (фамилия, имя, дата рождения)."
        )


def _csv_rows(text: io.TextIOWrapper) -> Iterator[tuple[int, dict[str, Any]]]:
    header_line = text.readline()
    delimiter = max((";", ",", "\t"), key=header_line.count)
    reader = csv.reader(_chain(header_line, text), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    if not any(header):
        raise ImportFileError("The first line must be a header with column names.")
    _check_header(header)
    return _csv_body(reader, header)


def _csv_body(reader: Any, header: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows as header → cell (an unnamed column is `column N`; a later cell of a
    repeated name wins). Built with `dict(zip())`: this loop runs once per row."""
    names = [name or f"column {index + 1}" for index, name in enumerate(header)]
    width = len(names)
    number = 1
    for cells in reader:
        number += 1
        if not "".join(cells).strip():  # blank, or only separators and spaces
            continue
        row: dict[str, Any] = dict(zip(names, cells, strict=False))
        for index in range(width, len(cells)):  # cells beyond the header
            row[f"column {index + 1}"] = cells[index]
        yield number, row


def _chain(first: str, rest: io.TextIOWrapper) -> Iterator[str]:
    yield first
    yield from rest


def _json_rows(text: io.TextIOWrapper) -> Iterator[tuple[int, dict[str, Any]]]:
    """Objects one at a time with `raw_decode`, from either an array or JSON Lines."""
    decoder = json.JSONDecoder()
    buffer = text.read(JSON_READ).lstrip()
    in_array = buffer.startswith("[")
    if in_array:
        buffer = buffer[1:]
    number = 0
    while True:
        buffer = buffer.lstrip().lstrip(",").lstrip() if in_array else buffer.lstrip()
        if in_array and buffer.startswith("]"):
            if buffer[1:].strip() or text.read(1).strip():
                raise ImportFileError("Unexpected data after the closing `]`.")
            return
        if not buffer:
            more = text.read(JSON_READ)
            if not more:
                if in_array:
                    raise ImportFileError("The JSON array is not closed with `]`.")
                return
            buffer = more
            continue
        try:
            value, end = decoder.raw_decode(buffer)
        except json.JSONDecodeError as error:
            more = text.read(JSON_READ)
            if not more or len(buffer) > MAX_JSON_ROW:
                raise ImportFileError(f"Broken JSON after row {number}: {error.msg}.") from error
            buffer += more
            continue
        number += 1
        buffer = buffer[end:]
        yield number, value if isinstance(value, dict) else {"_value": value}
