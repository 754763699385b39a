"""CSV in and out for the quality commands: a header row, then one row per respondent.

Reading checks every cell and reports the first problem with its 1-based *data* row
number (the header is row 0), so a user can find it in a spreadsheet; an empty cell is a
missing value. Writing goes to a temporary file that replaces the target only when
complete, so a failed command leaves nothing behind.
"""

from __future__ import annotations

import csv
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from domain.analytics.response_matrix import FloatArray


class CsvInputError(ValueError):
    """Bad input; the message names the file and, where it applies, the data row."""


@dataclass(frozen=True)
class CsvMatrix:
    header: tuple[str, ...]
    values: FloatArray


CellCheck = Callable[[float], str | None]


def read_matrix(path: Path, *, check: CellCheck | None = None) -> CsvMatrix:
    """Read a numeric CSV with a header; `check(value)` returns an error text or None."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise CsvInputError(f"{path}: cannot read ({error.strerror})") from error
    with handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise CsvInputError(f"{path}: the file is empty (a header row is expected)")
        width = len(header)
        rows: list[list[float]] = []
        for number, cells in enumerate(reader, start=1):
            if len(cells) != width:
                raise CsvInputError(
                    f"{path}: row {number}: expected {width} values, found {len(cells)}"
                )
            rows.append(
                [_cell(path, number, header[j], cell, check) for j, cell in enumerate(cells)]
            )
    if not rows:
        raise CsvInputError(f"{path}: no data rows after the header")
    return CsvMatrix(tuple(h.strip() for h in header), np.array(rows, dtype=np.float64))


def _cell(path: Path, row: int, column: str, text: str, check: CellCheck | None) -> float:
    text = text.strip()
    if not text:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):  # also rejects the words "nan" and "inf"
        raise CsvInputError(f"{path}: row {row}, column {column!r}: {text!r} is not a number")
    problem = check(value) if check else None
    if problem:
        raise CsvInputError(f"{path}: row {row}, column {column!r}: {problem}")
    return value


def read_column(path: Path, name: str, *, expected_rows: int) -> FloatArray:
    """Read one named numeric column that must be complete and have `expected_rows` rows."""
    table = read_matrix(path)
    if name not in table.header:
        raise CsvInputError(f"{path}: no column {name!r} in the header")
    column = table.values[:, table.header.index(name)]
    missing = np.flatnonzero(np.isnan(column))
    if missing.size:
        raise CsvInputError(f"{path}: row {missing[0] + 1}, column {name!r}: value missing")
    if len(column) != expected_rows:
        raise CsvInputError(f"{path}: expected {expected_rows} data rows, found {len(column)}")
    return column


def _format(value: float) -> str:
    """Empty for NaN, whole numbers without ".0", others in shortest round-trip form."""
    if math.isnan(value):
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


def write_table(path: Path, header: Sequence[str], columns: Sequence[FloatArray]) -> None:
    """Write columns (NaN → empty cell) atomically: all or nothing."""
    directory = path.resolve().parent
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for row in zip(*(column.tolist() for column in columns), strict=True):
                writer.writerow([_format(v) for v in row])
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
