"""`talent quality-indices` and `talent person-fit`, run through `api.cli.main`."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pytest

from api.cli import main
from domain.analytics.careless import compute_careless_indices
from domain.analytics.personfit import person_fit, response_time_effort
from tests.unit.analytics import REFERENCE_DIR, load_reference

INDEX_COLUMNS = ["longstr", "avgstr", "irv", "irv1", "irv2", "irv3", "irv4"]
INDEX_COLUMNS += ["mahad_dsq", "mahad_flag", "evenodd", "psychsyn", "psychant"]


def read_output(path: Path) -> tuple[list[str], np.ndarray]:
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    values = np.array([[float(c) if c else math.nan for c in row] for row in rows[1:]])
    return rows[0], values


def write_csv(path: Path, rows: Iterable[Sequence[object]]) -> Path:
    path.write_text("\n".join(",".join(str(c) for c in row) for row in rows) + "\n")
    return path


def test_quality_indices_writes_every_index_per_respondent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = load_reference("careless_testing_na.csv")
    out = tmp_path / "indices.csv"
    code = main(
        [
            "quality-indices",
            str(REFERENCE_DIR / "careless_testing_na.csv"),
            "--scales",
            "10x5",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    header, values = read_output(out)
    assert header == INDEX_COLUMNS
    assert values.shape == (200, 12)
    expected = compute_careless_indices(data, [5] * 10)
    np.testing.assert_array_equal(values[:, 0], expected.longstr)
    np.testing.assert_array_equal(values[:, 2], expected.irv)
    np.testing.assert_array_equal(values[:, 3:7], expected.irv_parts)
    np.testing.assert_array_equal(values[:, 7], expected.mahad_dsq)
    np.testing.assert_array_equal(values[:, 9], expected.evenodd)
    np.testing.assert_array_equal(values[:, 10], expected.psychsyn)
    defined = ~np.isnan(expected.mahad_dsq)
    np.testing.assert_array_equal(values[defined, 8], expected.mahad_flag[defined])
    # row 103 answered nothing: only the run lengths are defined, as in R
    assert values[102, :2].tolist() == [1.0, 1.0] and np.isnan(values[102, 2:]).all()
    assert np.isnan(values[:, 11]).all()
    assert "No Psychometric Antonyms found" in capsys.readouterr().err


def test_irv_split_option(tmp_path: Path) -> None:
    source = str(REFERENCE_DIR / "careless_dataset.csv")
    load_reference("careless_dataset.csv")
    out = tmp_path / "o.csv"
    assert (
        main(
            [
                "quality-indices",
                source,
                "--scales",
                "10x5",
                "--irv-split",
                "3",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    assert read_output(out)[0][:6] == ["longstr", "avgstr", "irv", "irv1", "irv2", "irv3"]
    assert (
        main(
            [
                "quality-indices",
                source,
                "--scales",
                "10x5",
                "--irv-split",
                "0",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    assert read_output(out)[0][:4] == ["longstr", "avgstr", "irv", "mahad_dsq"]


GOOD_ROW = [1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("rows", "extra", "message"),
    [
        ([GOOD_ROW, GOOD_ROW, [1, 2, "x", 4, 5, 4, 3, 2, 1, 2, 3, 4]], [], "row 3, column 'q3'"),
        ([GOOD_ROW, [1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3, 9]], [], "row 2, column 'q12': 9 is outside"),
        ([GOOD_ROW, [1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3, 4]], ["--max", "4"], "row 1, column 'q5'"),
        ([GOOD_ROW, GOOD_ROW[:11]], [], "row 2: expected 12 values, found 11"),
        ([GOOD_ROW, ["nan", *GOOD_ROW[1:]]], [], "row 2, column 'q1': 'nan' is not a number"),
        ([], [], "no data rows"),
        ([GOOD_ROW], ["--scales", "3x5"], "means 15 items"),
        ([GOOD_ROW], ["--scales", "three"], "10x5"),
        ([GOOD_ROW], ["--confidence", "1.5"], "--confidence"),
        ([GOOD_ROW], ["--irv-split", "1"], "--irv-split"),
    ],
)
def test_quality_indices_rejects_bad_input_naming_the_row(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: list[list[object]],
    extra: list[str],
    message: str,
) -> None:
    source = write_csv(tmp_path / "in.csv", [[f"q{j}" for j in range(1, 13)], *rows])
    out = tmp_path / "out.csv"
    args = ["quality-indices", str(source), "--scales", "2x6", "--output", str(out), *extra]
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_an_empty_file_is_bad_input_and_an_old_output_survives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "empty.csv"
    source.write_text("")
    out = tmp_path / "out.csv"
    out.write_text("previous result\n")
    assert main(["quality-indices", str(source), "--scales", "2x6", "--output", str(out)]) == 2
    assert "empty" in capsys.readouterr().err
    assert out.read_text() == "previous result\n"


def test_an_unwritable_output_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = np.random.default_rng(1).integers(1, 6, size=(40, 12)).tolist()
    source = write_csv(tmp_path / "in.csv", [[f"q{j}" for j in range(1, 13)], *answers])
    out = tmp_path / "missing-directory" / "out.csv"
    assert main(["quality-indices", str(source), "--scales", "2x6", "--output", str(out)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_person_fit_with_given_parameters_and_abilities(tmp_path: Path) -> None:
    header = [f"i{j}" for j in range(1, 7)]
    source = write_csv(tmp_path / "x.csv", [header, [0, 0, 0, 1, 1, 1], [1, 1, 1, 0, 0, 0]])
    params = write_csv(
        tmp_path / "ip.csv",
        [
            ["a", "b", "c"],
            *(
                [a, b, 0]
                for a, b in zip(
                    [1, 1.2, 0.8, 1.5, 1, 0.9], [-1.5, -1, -0.5, 0, 0.5, 1], strict=True
                )
            ),
        ],
    )
    theta = write_csv(tmp_path / "theta.csv", [["theta"], [0.3], [0.0]])
    out = tmp_path / "fit.csv"
    code = main(
        [
            "person-fit",
            str(source),
            "--params",
            str(params),
            "--theta",
            str(theta),
            "--output",
            str(out),
        ]
    )
    assert code == 0
    columns, values = read_output(out)
    assert columns == ["U3", "ZU3", "lz", "lzstar"]
    assert values[:, 2].tolist() == [-3.6273, 1.2551]


def test_person_fit_estimates_what_is_not_given_and_adds_rte(tmp_path: Path) -> None:
    data = load_reference("perfit_IntelligenceData.csv")
    rng = np.random.default_rng(0)
    times = rng.lognormal(3, 0.3, size=data.shape)
    times[:5] = 0.5
    times_path = write_csv(tmp_path / "t.csv", [[f"I{j}" for j in range(1, 27)], *times.tolist()])
    out = tmp_path / "fit.csv"
    code = main(
        [
            "person-fit",
            str(REFERENCE_DIR / "perfit_IntelligenceData.csv"),
            "--times",
            str(times_path),
            "--output",
            str(out),
        ]
    )
    assert code == 0
    columns, values = read_output(out)
    assert columns == ["U3", "ZU3", "lz", "lzstar", "rte"]
    expected = person_fit(data)
    np.testing.assert_array_equal(values[:, 0], expected.u3)
    np.testing.assert_array_equal(values[:, 3], expected.lzstar)
    np.testing.assert_array_equal(values[:, 4], response_time_effort(times).rte)
    assert (values[:5, 4] == 0).all()


@pytest.mark.parametrize(
    ("answers", "side", "message"),
    [
        ([[0, 1, 2], [1, 0, 1]], {}, "row 1, column 'i3': 2 is not 0 or 1"),
        ([[0, 1, 1], [1, 0, 1]], {"params": [["a", "b"], [1, 0], [1, 1]]}, "expected 3 item rows"),
        ([[0, 1, 1], [1, 0, 1]], {"params": [["a", "c"], [1, 0]]}, "lacks column(s) b"),
        ([[0, 1, 1], [1, 0, 1]], {"theta": [["ability"], [0], [1]]}, "no column 'theta'"),
        ([[0, 1, 1], [1, 0, 1]], {"theta": [["theta"], [0]]}, "expected 2 data rows"),
        ([[0, 1, 1], [1, 0, 1]], {"times": [["a", "b", "c"], [1, 2, 3]]}, "expected 2 rows"),
        (
            [[0, 1, 1], [1, 0, 1]],
            {"times": [["a", "b", "c"], [1, 2, 3], [1, -2, 3]]},
            "row 2, column 'b': -2 is a negative time",
        ),
    ],
)
def test_person_fit_rejects_bad_input(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    answers: list[list[int]],
    side: dict[str, list[list[object]]],
    message: str,
) -> None:
    source = write_csv(tmp_path / "x.csv", [["i1", "i2", "i3"], *answers])
    out = tmp_path / "fit.csv"
    args = ["person-fit", str(source), "--output", str(out)]
    for option, rows in side.items():
        args += [f"--{option}", str(write_csv(tmp_path / f"{option}.csv", rows))]
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
