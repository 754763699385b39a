"""The SVG tile-grid map: a valid standalone document with one tile per region."""

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from domain.analytics.tile_map import (
    LQ_SCALE,
    NO_DATA,
    ColourScale,
    Tile,
    render_tile_map,
    sequential_scale,
)

SVG = "{http://www.w3.org/2000/svg}"
TILES = [
    Tile("77", "МОС", 3, 4, 1.0),
    Tile("78", "СПБ", 2, 3, 2.5),
    Tile("14", "ЯКУ", 1, 9, 0.4, small_sample=True),
    Tile("01", "АДЫ", 5, 2, None),
    Tile("02", "БАШ", 4, 6, float("nan")),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(SVG + tag) if e.get("class") == cls]


def tile_of(root: ET.Element, code: str) -> ET.Element:
    (group,) = [g for g in root.iter(SVG + "g") if g.get("data-region") == code]
    return group


@pytest.fixture(scope="module")
def root() -> ET.Element:
    return parse(render_tile_map(TILES, title="Digital professions", legend_title="LQ"))


def test_standalone_document(root):
    assert root.tag == SVG + "svg"
    width, height = int(root.get("width")), int(root.get("height"))
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert width > 0 and height > 0


def test_one_tile_and_one_code_label_per_region(root):
    tiles = by_class(root, "rect", "tile")
    assert len(tiles) == len(TILES)
    codes = [t.text or "" for t in by_class(root, "text", "code")]
    assert sorted(codes) == sorted(t.region_code for t in TILES)
    for tile in TILES:
        group = tile_of(root, tile.region_code)
        assert len(by_class(group, "rect", "tile")) == 1
        assert [t.text for t in by_class(group, "text", "code")] == [tile.region_code]


def test_tiles_sit_on_their_grid_cells(root):
    def position(code):
        (rect,) = by_class(tile_of(root, code), "rect", "tile")
        return int(rect.get("x", "")), int(rect.get("y", ""))

    x77, y77 = position("77")  # row 3, col 4
    x78, y78 = position("78")  # row 2, col 3
    x14, y14 = position("14")  # row 1, col 9
    assert x77 > x78 and y77 > y78
    assert y14 < y78 < y77
    assert (x14 - x77) == 5 * (x77 - x78)  # equal pitch per column


def test_title_and_legend(root):
    (title,) = by_class(root, "text", "title")
    assert title.text == "Digital professions"
    assert root.find(SVG + "title").text == "Digital professions"
    legend = by_class(root, "g", "legend")[0]
    assert by_class(legend, "text", "legend-title")[0].text == "LQ"
    labels = [t.text for t in by_class(legend, "text", "legend-label")]
    # nine colour bins (highest first), then "no data" and the small-sample marker
    assert len(labels) == 11
    assert labels[0] == "≥ 2.00" and labels[8] == "< 0.50"
    assert labels[4] == "0.95 – 1.05"
    assert labels[-2:] == ["no data", "small sample"]


def fill(root, code):
    (rect,) = by_class(tile_of(root, code), "rect", "tile")
    return rect.get("fill")


def test_colours_follow_the_diverging_scale(root):
    assert fill(root, "77") == "#f5f5f5"  # 1.0: neutral middle bin
    assert fill(root, "78") == "#01665e"  # 2.5: darkest teal, above 1
    assert fill(root, "14") == "#8c510a"  # 0.4: darkest brown, below 1
    assert fill(root, "01") == NO_DATA
    assert fill(root, "02") == NO_DATA  # NaN counts as no data


def test_scale_is_symmetric_in_log_around_one():
    assert LQ_SCALE.colour(1.0) == LQ_SCALE.colour(1.04) == LQ_SCALE.colour(0.96)
    for ratio in (1.1, 1.3, 1.7, 3.0):
        above = LQ_SCALE.colours.index(LQ_SCALE.colour(ratio))
        below = LQ_SCALE.colours.index(LQ_SCALE.colour(1.0 / ratio * 0.999))
        assert above - 4 == 4 - below
    assert LQ_SCALE.colour(2.0) == LQ_SCALE.colours[-1]  # lower bounds are inclusive


def test_small_sample_tiles_are_hatched(root):
    assert len(by_class(tile_of(root, "14"), "rect", "hatch")) == 1
    assert by_class(tile_of(root, "77"), "rect", "hatch") == []
    (rect,) = by_class(tile_of(root, "14"), "rect", "tile")
    assert rect.get("stroke-dasharray")
    assert root.find(f".//{SVG}pattern") is not None


def test_no_data_tiles_are_grey_not_hatched():
    root = parse(render_tile_map([Tile("04", "", 0, 0, None, True)], title="", legend_title=""))
    assert fill(root, "04") == NO_DATA
    assert by_class(tile_of(root, "04"), "rect", "hatch") == []


def test_text_is_escaped():
    tiles = [Tile("a<b", "&x", 0, 0, 1.2), Tile('q"', "<script>", 0, 1, None)]
    svg = render_tile_map(tiles, title="<b>T&C</b>", legend_title='"LQ" & co')
    root = parse(svg)
    assert "<script>" not in svg and "<b>" not in svg
    assert by_class(root, "text", "title")[0].text == "<b>T&C</b>"
    assert sorted(t.text or "" for t in by_class(root, "text", "code")) == ["a<b", 'q"']
    assert {g.get("data-region") for g in root.iter(SVG + "g")} >= {"a<b", 'q"'}


def test_output_is_deterministic_and_order_independent():
    first = render_tile_map(TILES, title="T", legend_title="L")
    again = render_tile_map(list(reversed(TILES)), title="T", legend_title="L")
    assert first == again


def test_conflicts_are_rejected():
    with pytest.raises(ValueError):
        render_tile_map(
            [Tile("1", "", 0, 0, 1.0), Tile("2", "", 0, 0, 1.0)], title="", legend_title=""
        )
    with pytest.raises(ValueError):
        render_tile_map(
            [Tile("1", "", 0, 0, 1.0), Tile("1", "", 0, 1, 1.0)], title="", legend_title=""
        )
    with pytest.raises(ValueError):
        ColourScale(edges=(1.0, 0.5), colours=("#000000", "#111111", "#222222"))


def test_sequential_scale_for_shares():
    scale = sequential_scale(0.0, 0.5, bins=5)
    assert [label for label, _ in scale.bins()] == [
        "< 0.10",
        "0.10 – 0.20",
        "0.20 – 0.30",
        "0.30 – 0.40",
        "≥ 0.40",
    ]
    assert scale.colour(0.0) != scale.colour(0.45)
    root = parse(render_tile_map(TILES, title="Share", legend_title="share", scale=scale))
    assert len(by_class(root, "text", "legend-label")) == 5 + 2


def test_empty_map_is_still_a_document():
    root = parse(render_tile_map([], title="Nothing yet", legend_title="LQ"))
    assert by_class(root, "rect", "tile") == []
    assert by_class(root, "text", "title")[0].text == "Nothing yet"


def test_full_russian_grid_if_reference_data_present():
    path = Path(__file__).resolve().parents[3] / "migrations" / "data" / "regions.csv"
    if not path.exists():
        pytest.skip("regions.csv not present")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    tiles = [
        Tile(r["code"], r["code"], int(r["grid_row"]), int(r["grid_col"]), 1.0 + i % 5 / 4)
        for i, r in enumerate(rows)
    ]
    root = parse(render_tile_map(tiles, title="Россия", legend_title="LQ"))
    assert len(by_class(root, "rect", "tile")) == len(rows) == 89
    assert len(by_class(root, "text", "code")) == 89
