"""Sanity checks for the reference CSV files loaded by the seed migration.

Plain csv-module checks only: no project imports, so a broken file is reported
here before the migration ever runs.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[2] / "migrations" / "data"
REGIONS_CSV = DATA_DIR / "regions.csv"
PROFESSIONS_CSV = DATA_DIR / "professions.csv"

REGION_COLUMNS = [
    "code",
    "iso_code",
    "name_ru",
    "name_en",
    "federal_district",
    "grid_row",
    "grid_col",
]
PROFESSION_COLUMNS = ["code", "title_ru", "title_en", "sphere", "is_digital"]

FEDERAL_DISTRICTS = {
    "CENTRAL",
    "NORTHWESTERN",
    "SOUTHERN",
    "NORTH_CAUCASIAN",
    "VOLGA",
    "URAL",
    "SIBERIAN",
    "FAR_EASTERN",
}
SPHERES = {
    "IT",
    "ENGINEERING",
    "MANUFACTURING",
    "MEDICINE",
    "EDUCATION",
    "SCIENCE",
    "CREATIVE",
    "BUSINESS",
    "AGRICULTURE",
    "TRANSPORT",
    "CONSTRUCTION",
    "SERVICE",
    "LAW_SECURITY",
    "MEDIA",
    "ECOLOGY",
    "SPORT",
}
# Subjects that are not (yet) listed in ISO 3166-2:RU.
REGIONS_WITHOUT_ISO = {"90", "91", "92", "93", "94", "95"}


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def _duplicates(values: list[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


@pytest.fixture(scope="module")
def regions() -> list[dict[str, str]]:
    header, rows = _read(REGIONS_CSV)
    assert header == REGION_COLUMNS
    return rows


@pytest.fixture(scope="module")
def professions() -> list[dict[str, str]]:
    header, rows = _read(PROFESSIONS_CSV)
    assert header == PROFESSION_COLUMNS
    return rows


def test_files_are_utf8_without_bom() -> None:
    for path in (REGIONS_CSV, PROFESSIONS_CSV):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), path.name
        raw.decode("utf-8")


# --- regions ---------------------------------------------------------------


def test_region_count(regions: list[dict[str, str]]) -> None:
    assert len(regions) == 89


def test_region_rows_are_complete(regions: list[dict[str, str]]) -> None:
    for row in regions:
        assert None not in row, row  # no extra cells
        for column in REGION_COLUMNS:
            if column == "iso_code":
                continue
            assert row[column] and row[column] == row[column].strip(), (column, row)


def test_region_codes(regions: list[dict[str, str]]) -> None:
    codes = [r["code"] for r in regions]
    assert _duplicates(codes) == []
    assert all(re.fullmatch(r"\d{2}", c) for c in codes), codes
    for expected in ("01", "50", "77", "78", "79", "83", "86", "87", "89", "91", "92", "95"):
        assert expected in codes
    assert "99" not in codes  # Baikonur is not a federal subject


def test_region_iso_codes(regions: list[dict[str, str]]) -> None:
    iso = [r["iso_code"] for r in regions if r["iso_code"]]
    assert _duplicates(iso) == []
    assert all(re.fullmatch(r"RU-[A-Z]{2,3}", c) for c in iso), iso
    assert len(iso) == 83
    by_code = {r["code"]: r["iso_code"] for r in regions}
    assert by_code["77"] == "RU-MOW"
    assert by_code["78"] == "RU-SPE"
    assert by_code["50"] == "RU-MOS"
    assert by_code["86"] == "RU-KHM"


def test_regions_without_iso_code(regions: list[dict[str, str]]) -> None:
    missing = {r["code"] for r in regions if not r["iso_code"]}
    assert missing == REGIONS_WITHOUT_ISO


def test_region_names_unique(regions: list[dict[str, str]]) -> None:
    assert _duplicates([r["name_ru"] for r in regions]) == []
    assert _duplicates([r["name_en"] for r in regions]) == []


def test_federal_districts(regions: list[dict[str, str]]) -> None:
    districts = {r["federal_district"] for r in regions}
    assert districts == FEDERAL_DISTRICTS
    by_code = {r["code"]: r["federal_district"] for r in regions}
    assert by_code["03"] == "FAR_EASTERN"  # Buryatia
    assert by_code["75"] == "FAR_EASTERN"  # Zabaykalsky Krai
    for code in REGIONS_WITHOUT_ISO:
        assert by_code[code] == "SOUTHERN"


def test_grid_cells(regions: list[dict[str, str]]) -> None:
    cells = []
    for r in regions:
        assert re.fullmatch(r"\d+", r["grid_row"]), r
        assert re.fullmatch(r"\d+", r["grid_col"]), r
        cells.append((int(r["grid_row"]), int(r["grid_col"])))
    assert _duplicates([f"{row},{col}" for row, col in cells]) == []
    rows = {row for row, _ in cells}
    cols = {col for _, col in cells}
    assert min(rows) == 0 and max(rows) < 14
    assert min(cols) == 0 and max(cols) < 22


def test_grid_roughly_preserves_geography(regions: list[dict[str, str]]) -> None:
    pos = {r["code"]: (int(r["grid_row"]), int(r["grid_col"])) for r in regions}
    cols = [c for _, c in pos.values()]
    assert pos["39"][1] == min(cols)  # Kaliningrad far west
    assert pos["87"][1] == max(cols)  # Chukotka far east
    moscow, oblast = pos["77"], pos["50"]
    assert max(abs(moscow[0] - oblast[0]), abs(moscow[1] - oblast[1])) == 1
    assert pos["51"][0] < pos["23"][0]  # Murmansk north of Krasnodar


# --- professions -----------------------------------------------------------


def test_profession_count(professions: list[dict[str, str]]) -> None:
    assert len(professions) >= 100


def test_profession_rows_are_complete(professions: list[dict[str, str]]) -> None:
    for row in professions:
        assert None not in row, row
        for column in PROFESSION_COLUMNS:
            assert row[column] and row[column] == row[column].strip(), (column, row)


def test_profession_codes(professions: list[dict[str, str]]) -> None:
    codes = [p["code"] for p in professions]
    assert _duplicates(codes) == []
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*", c) for c in codes), codes


def test_profession_titles_unique(professions: list[dict[str, str]]) -> None:
    assert _duplicates([p["title_ru"] for p in professions]) == []


def test_profession_spheres(professions: list[dict[str, str]]) -> None:
    counts = Counter(p["sphere"] for p in professions)
    assert set(counts) <= SPHERES
    assert set(counts) == SPHERES  # every sphere is used
    assert min(counts.values()) >= 3


def test_profession_is_digital(professions: list[dict[str, str]]) -> None:
    values = [p["is_digital"] for p in professions]
    assert set(values) <= {"true", "false"}
    share = values.count("true") / len(values)
    assert 0.25 <= share <= 0.45
    assert all(p["is_digital"] == "true" for p in professions if p["sphere"] == "IT")
