"""SVG tile-grid map of the regions: one square per region at a fixed grid cell.

A tile grid instead of a geographic map because Russia's subjects differ in area by
four orders of magnitude: on a real map Moscow is invisible and Yakutia dominates,
while here every region gets the same visual weight, which is what an index per
region deserves. The output is a standalone SVG document (xmlns, width, height,
viewBox) that a browser shows as it is, built by string formatting in a fixed order
so that equal inputs give byte-identical output. All text is XML-escaped.

Colour scale for location quotients (:data:`LQ_SCALE`): nine bins symmetric on a
logarithmic scale around 1.0 — a region twice as keen as the nation is as far from
neutral as one half as keen — with boundaries 1/2, 1/1.5, 1/1.2, 1/1.05, 1.05, 1.2,
1.5, 2, coloured with ColorBrewer's diverging BrBG (brown below 1, teal above,
near-white for 0.95–1.05; colour-blind safe). Regions without data are mid grey;
small-sample regions keep their colour but are hatched and get a dashed outline.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

TILE = 40  # tile side, px
GAP = 3  # space between tiles, px
MARGIN = 16
TOP = 56  # room for the title above the grid
LEGEND_GAP = 28
LEGEND_WIDTH = 210
SWATCH = 14
LEGEND_STEP = 20
NO_DATA = "#b3b3b3"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
HATCH_ID = "tile-map-small-sample"


@dataclass(frozen=True, slots=True)
class Tile:
    """One region on the map; ``value`` None (or NaN) means no data."""

    region_code: str
    label: str
    row: int
    col: int
    value: float | None
    small_sample: bool = False


@dataclass(frozen=True, slots=True)
class ColourScale:
    """Binned colour scale: ``edges`` are the k − 1 inner bin boundaries (increasing).

    Bin i holds edges[i−1] ≤ value < edges[i]; the first bin is open below, the last
    open above.
    """

    edges: tuple[float, ...]
    colours: tuple[str, ...]
    decimals: int = 2

    def __post_init__(self) -> None:
        if len(self.colours) != len(self.edges) + 1:
            raise ValueError("a scale needs exactly one more colour than inner edges")
        if any(b <= a for a, b in zip(self.edges, self.edges[1:], strict=False)):
            raise ValueError("edges must be strictly increasing")

    def colour(self, value: float) -> str:
        """Fill colour of a finite value."""
        return self.colours[bisect_right(self.edges, value)]

    def bins(self) -> list[tuple[str, str]]:
        """(range label, colour) per bin, lowest first."""
        fmt = f"{{:.{self.decimals}f}}"
        labels = [f"< {fmt.format(self.edges[0])}"]
        labels += [
            f"{fmt.format(a)} – {fmt.format(b)}"
            for a, b in zip(self.edges, self.edges[1:], strict=False)
        ]
        labels.append(f"≥ {fmt.format(self.edges[-1])}")
        return list(zip(labels, self.colours, strict=True))


_BRBG9 = (
    "#8c510a",
    "#bf812d",
    "#dfc27d",
    "#f6e8c3",
    "#f5f5f5",
    "#c7eae5",
    "#80cdc1",
    "#35978f",
    "#01665e",
)
_BLUES9 = (
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
)
_RATIOS = (2.0, 1.5, 1.2, 1.05)
LQ_SCALE = ColourScale(
    edges=(*(1.0 / r for r in _RATIOS), *reversed(_RATIOS)),
    colours=_BRBG9,
)


def sequential_scale(lower: float, upper: float, bins: int = 5, decimals: int = 2) -> ColourScale:
    """Equal-width bins between ``lower`` and ``upper`` in ColorBrewer Blues (for shares)."""
    if not 2 <= bins <= len(_BLUES9) or not upper > lower:
        raise ValueError("need 2–9 bins and upper > lower")
    step = (upper - lower) / bins
    colours = tuple(_BLUES9[round(i * (len(_BLUES9) - 1) / (bins - 1))] for i in range(bins))
    return ColourScale(tuple(lower + step * i for i in range(1, bins)), colours, decimals)


def _text(value: str) -> str:
    return escape(value)


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _ink(fill: str) -> str:
    """Dark or white text, whichever reads better on ``fill`` (relative luminance)."""
    channels = [int(fill[i : i + 2], 16) / 255.0 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#ffffff" if luminance < 0.2 else "#1a1a1a"


def _check(tiles: Sequence[Tile]) -> None:
    codes = [t.region_code for t in tiles]
    if len(set(codes)) != len(codes):
        raise ValueError("each region may appear on the map once")
    cells = [(t.row, t.col) for t in tiles]
    if len(set(cells)) != len(cells):
        raise ValueError("two regions share a grid cell")


def render_tile_map(
    tiles: Sequence[Tile],
    *,
    title: str,
    legend_title: str,
    scale: ColourScale = LQ_SCALE,
    small_sample_label: str = "small sample",
    no_data_label: str = "no data",
) -> str:
    """Render the map as a standalone SVG document string."""
    _check(tiles)
    ordered = sorted(tiles, key=lambda t: (t.row, t.col))
    min_row = min((t.row for t in tiles), default=0)
    min_col = min((t.col for t in tiles), default=0)
    rows = max((t.row for t in tiles), default=0) - min_row + 1
    cols = max((t.col for t in tiles), default=0) - min_col + 1
    pitch = TILE + GAP
    legend_x = MARGIN + cols * pitch + LEGEND_GAP
    entries = [*reversed(scale.bins()), (no_data_label, NO_DATA), (small_sample_label, "")]
    legend_bottom = TOP + 24 + len(entries) * LEGEND_STEP
    width = legend_x + LEGEND_WIDTH + MARGIN
    height = max(TOP + rows * pitch, legend_bottom) + MARGIN

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="{_attr(FONT)}">',
        f"<title>{_text(title)}</title>",
        "<defs>",
        f'<pattern id="{HATCH_ID}" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)">',
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#000000" stroke-opacity="0.45" '
        'stroke-width="2"/>',
        "</pattern>",
        "</defs>",
        f'<rect class="background" x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text class="title" x="{MARGIN}" y="{MARGIN + 18}" font-size="18" '
        f'font-weight="bold" fill="#1a1a1a">{_text(title)}</text>',
        '<g class="tiles">',
    ]
    for tile in ordered:
        x = MARGIN + (tile.col - min_col) * pitch
        y = TOP + (tile.row - min_row) * pitch
        out.extend(_tile(tile, x, y, scale, (no_data_label, small_sample_label)))
    out.append("</g>")
    out.extend(_legend(entries, legend_x, legend_title))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _tile(tile: Tile, x: int, y: int, scale: ColourScale, notes: tuple[str, str]) -> list[str]:
    value = None if tile.value is None or math.isnan(tile.value) else tile.value
    fill = NO_DATA if value is None else scale.colour(value)
    shown = notes[0] if value is None else f"{value:.2f}"
    # A region without data is grey, never hatched: there is no small estimate to flag.
    small = tile.small_sample and value is not None
    note = f" ({notes[1]})" if small else ""
    tooltip = f"{tile.region_code} {tile.label}: {shown}{note}"
    outline = (
        'stroke="#1a1a1a" stroke-width="1.5" stroke-dasharray="3 2"'
        if small
        else 'stroke="#ffffff" stroke-width="1"'
    )
    ink = _ink(fill)
    lines = [
        f'<g class="region" data-region="{_attr(tile.region_code)}">',
        f"<title>{_text(tooltip)}</title>",
        f'<rect class="tile" x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="3" '
        f'fill="{fill}" {outline}/>',
    ]
    if small:
        lines.append(
            f'<rect class="hatch" x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="3" '
            f'fill="url(#{HATCH_ID})" pointer-events="none"/>'
        )
    lines.append(
        f'<text class="code" x="{x + TILE // 2}" y="{y + 17}" font-size="12" font-weight="bold" '
        f'text-anchor="middle" fill="{ink}">{_text(tile.region_code)}</text>'
    )
    if tile.label:
        lines.append(
            f'<text class="label" x="{x + TILE // 2}" y="{y + 31}" font-size="8" '
            f'text-anchor="middle" fill="{ink}">{_text(tile.label)}</text>'
        )
    lines.append("</g>")
    return lines


def _legend(entries: list[tuple[str, str]], x: int, legend_title: str) -> list[str]:
    lines = [
        '<g class="legend">',
        f'<text class="legend-title" x="{x}" y="{TOP + 10}" font-size="13" '
        f'font-weight="bold" fill="#1a1a1a">{_text(legend_title)}</text>',
    ]
    for i, (label, colour) in enumerate(entries):
        y = TOP + 24 + i * LEGEND_STEP
        if colour:
            swatch = f'fill="{colour}" stroke="#808080" stroke-width="0.5"'
            lines.append(
                f'<rect class="swatch" x="{x}" y="{y}" width="{SWATCH}" height="{SWATCH}" '
                f"{swatch}/>"
            )
        else:  # the small-sample marker: hatching and a dashed outline over white
            lines.append(
                f'<rect class="swatch" x="{x}" y="{y}" width="{SWATCH}" height="{SWATCH}" '
                'fill="#ffffff" stroke="#1a1a1a" stroke-width="1.5" stroke-dasharray="3 2"/>'
            )
            lines.append(
                f'<rect class="swatch-hatch" x="{x}" y="{y}" width="{SWATCH}" '
                f'height="{SWATCH}" fill="url(#{HATCH_ID})"/>'
            )
        lines.append(
            f'<text class="legend-label" x="{x + SWATCH + 8}" y="{y + 11}" font-size="11" '
            f'fill="#1a1a1a">{_text(label)}</text>'
        )
    lines.append("</g>")
    return lines
