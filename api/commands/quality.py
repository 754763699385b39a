"""`talent quality-indices` and `talent person-fit`: data-quality indices from CSV files.

Both read a CSV with a header row and one row per respondent (empty cell = missing) and
write one output row per input row, in the same order. Bad input (a non-numeric or
out-of-range answer, a row of the wrong length, an empty file, mismatched side files)
ends with exit code 2 and a message naming the 1-based data row; nothing is written.
See docs/data-quality.md for what the indices mean.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from api.commands._csv_matrix import (
    CsvInputError,
    read_column,
    read_matrix,
    write_table,
)
from domain.analytics.response_matrix import FloatArray

if TYPE_CHECKING:
    from domain.analytics.personfit import ItemParameters

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the two quality commands to the `talent` parser."""
    indices = subparsers.add_parser(
        "quality-indices",
        help="careless-answering indices of a questionnaire (R careless 1.2.2 semantics)",
        description="Writes longstr, avgstr, irv, irv1..irvN, mahad_dsq, mahad_flag, "
        "evenodd, psychsyn and psychant per respondent.",
    )
    indices.add_argument("input", type=Path, help="answers CSV: header, one row per respondent")
    indices.add_argument(
        "--scales", required=True, help="KxM: K scales of M consecutive items, e.g. 10x5"
    )
    indices.add_argument(
        "--confidence", type=float, default=0.99, help="Mahalanobis flag level (default 0.99)"
    )
    indices.add_argument(
        "--irv-split",
        type=int,
        default=4,
        help="IRV of N consecutive item blocks, R cut() bins (default 4; 0 = none)",
    )
    indices.add_argument("--min", type=float, default=1.0, help="lowest valid answer (default 1)")
    indices.add_argument("--max", type=float, default=7.0, help="highest valid answer (default 7)")
    indices.add_argument(
        "--no-resample",
        action="store_true",
        help="do not re-draw undefined synonym scores (careless resample_na = FALSE)",
    )
    indices.add_argument("--seed", type=int, default=0, help="seed of that re-drawing")
    indices.add_argument("--output", type=Path, required=True, help="CSV to write")
    indices.set_defaults(func=run_quality_indices)

    fit = subparsers.add_parser(
        "person-fit",
        help="person-fit statistics of a 0/1 test (R PerFit 1.4.6 semantics)",
        description="Writes U3, ZU3, lz and lzstar per respondent (and rte with --times).",
    )
    fit.add_argument("input", type=Path, help="0/1 answers CSV: header, one row per respondent")
    fit.add_argument(
        "--params", type=Path, help="item parameters CSV, columns a,b[,c], one row per item"
    )
    fit.add_argument("--theta", type=Path, help="abilities CSV, column theta, one row per person")
    fit.add_argument("--times", type=Path, help="response times CSV shaped like the answers")
    fit.add_argument(
        "--rte-threshold",
        type=float,
        default=0.10,
        help="rapid when time < this share of the item's mean time (default 0.10, NT10)",
    )
    fit.add_argument("--seed", type=int, default=0, help="seed for imputing missing answers")
    fit.add_argument("--output", type=Path, required=True, help="CSV to write")
    fit.set_defaults(func=run_person_fit)


def _fail(command: str, message: str) -> int:
    print(f"talent {command}: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _write(command: str, path: Path, header: list[str], columns: list[FloatArray]) -> int:
    try:
        write_table(path, header, columns)
    except OSError as error:
        return _fail(command, f"{path}: cannot write ({error.strerror})")
    print(f"wrote {len(columns[0])} rows to {path}")
    return EXIT_OK


def run_quality_indices(args: argparse.Namespace) -> int:
    from domain.analytics.careless import ScaleLayout, compute_careless_indices  # scipy: slow

    """Compute the questionnaire indices; 0 on success, 2 on bad input."""
    command = "quality-indices"
    lowest, highest = args.min, args.max
    try:
        layout = ScaleLayout.parse(args.scales)
        if lowest > highest:
            raise ValueError("--min must not exceed --max")
        if not 0.0 < args.confidence < 1.0:
            raise ValueError("--confidence must lie strictly between 0 and 1")
        if args.irv_split < 0 or args.irv_split == 1:
            raise ValueError("--irv-split must be 0 (none) or at least 2 (R's cut())")

        def in_range(value: float) -> str | None:
            if lowest <= value <= highest:
                return None
            return f"{value:g} is outside the answer range {lowest:g}..{highest:g}"

        table = read_matrix(args.input, check=in_range)
        if len(table.header) != layout.n_items:
            raise CsvInputError(
                f"{args.input}: --scales {args.scales} means {layout.n_items} items, "
                f"the header has {len(table.header)} columns"
            )
        result = compute_careless_indices(
            table.values,
            layout.factors,
            confidence=args.confidence,
            irv_parts=args.irv_split,
            resample_na=not args.no_resample,
            seed=args.seed,
        )
    except ValueError as error:  # CsvInputError is a ValueError too
        return _fail(command, str(error))
    header = ["longstr", "avgstr", "irv"]
    header += [f"irv{p + 1}" for p in range(args.irv_split)]
    header += ["mahad_dsq", "mahad_flag", "evenodd", "psychsyn", "psychant"]
    flag = np.where(np.isnan(result.mahad_dsq), np.nan, result.mahad_flag.astype(np.float64))
    columns: list[FloatArray] = [result.longstr, result.avgstr, result.irv]
    columns += [result.irv_parts[:, p] for p in range(args.irv_split)]
    columns += [result.mahad_dsq, flag, result.evenodd, result.psychsyn, result.psychant]
    for note in result.notes:
        print(f"talent {command}: note: {note} (column left empty)", file=sys.stderr)
    return _write(command, args.output, header, columns)


def _read_params(path: Path, n_items: int) -> ItemParameters:
    from domain.analytics.personfit import ItemParameters

    table = read_matrix(path)
    missing = [name for name in ("a", "b") if name not in table.header]
    if missing:
        raise CsvInputError(f"{path}: the header lacks column(s) {', '.join(missing)}")
    if len(table.values) != n_items:
        raise CsvInputError(f"{path}: expected {n_items} item rows, found {len(table.values)}")
    names = ["a", "b"] + (["c"] if "c" in table.header else [])
    columns = {name: table.values[:, table.header.index(name)] for name in names}
    for name, column in columns.items():
        holes = np.flatnonzero(np.isnan(column))
        if holes.size:
            raise CsvInputError(f"{path}: row {holes[0] + 1}, column {name!r}: value missing")
    return ItemParameters.of(columns["a"], columns["b"], columns.get("c"))


def run_person_fit(args: argparse.Namespace) -> int:
    from domain.analytics.personfit import person_fit, response_time_effort  # scipy: slow

    """Compute U3, ZU3, lz, lz* (and RTE); 0 on success, 2 on bad input."""
    command = "person-fit"

    def dichotomous(value: float) -> str | None:
        return None if value in (0.0, 1.0) else f"{value:g} is not 0 or 1"

    def non_negative(value: float) -> str | None:
        return None if value >= 0 else f"{value:g} is a negative time"

    try:
        answers = read_matrix(args.input, check=dichotomous).values
        n, k = answers.shape
        params = _read_params(args.params, k) if args.params else None
        theta = read_column(args.theta, "theta", expected_rows=n) if args.theta else None
        rte = None
        if args.times:
            times = read_matrix(args.times, check=non_negative).values
            if times.shape != answers.shape:
                raise CsvInputError(
                    f"{args.times}: expected {n} rows × {k} columns like the answers, "
                    f"found {times.shape[0]} × {times.shape[1]}"
                )
            rte = response_time_effort(times, threshold_fraction=args.rte_threshold).rte
        result = person_fit(answers, params, theta, seed=args.seed)
    except ValueError as error:
        return _fail(command, str(error))
    header = ["U3", "ZU3", "lz", "lzstar"]
    columns = [result.u3, result.zu3, result.lz, result.lzstar]
    if rte is not None:
        header.append("rte")
        columns.append(rte)
    if result.imputed:
        print(
            f"talent {command}: note: missing answers were imputed (seed {args.seed})",
            file=sys.stderr,
        )
    return _write(command, args.output, header, columns)
