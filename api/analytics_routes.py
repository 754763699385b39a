"""Plain-HTTP views of the regional index: the CSV export and the SVG tile map.

    GET /exports/regional-index.csv?season=2026/27
        [&target=DIGITAL|PROFESSION:<code>|SPHERE:<name>][&trials=true]
    GET /maps/professions.svg?season=2026/27
        &(profession=<code>|sphere=<name>|digital=true)[&trials=true][&lang=en]

Both are public like the GraphQL `regionalIndex` and apply the same disclosure rule: a
region with fewer respondents than the viewer's threshold shows only its n (CSV: the
count-derived cells empty and `withheld` true; map: a grey tile). A valid staff bearer
token lifts the threshold; a bad token is refused (401), never served as anonymous.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from api.graphql_view import bearer_token
from api.middleware import graphql_error_body
from domain.analytics.regional_index import DIGITAL, Target, TargetKind, to_csv_rows
from domain.analytics.tile_map import Tile, render_tile_map
from domain.errors import Unauthenticated
from domain.policy import ANONYMOUS, Viewer, index_disclosure_min_n
from graphql_schema.context import Services
from persistence.queries.reference import seasons
from persistence.queries.regional_index import SeasonIndex

# Columns that stay in a withheld row: identity, n and national figures.
_KEPT = {
    "season",
    "target_kind",
    "target_code",
    "region_code",
    "n",
    "national_n",
    "national_k",
    "national_share",
    "small_sample",
    "ranked_regions",
    "prior_fit",
    "prior_concentration",
    "band_contrast",
}


def _bad_request(message: str, status: int = 400) -> Response:
    code = "NOT_FOUND" if status == 404 else "BAD_USER_INPUT"
    return Response(graphql_error_body(message, code), status, media_type="application/json")


async def _viewer(services: Services, request: Request) -> Viewer:
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        return ANONYMOUS
    if not token:
        raise Unauthenticated("The Authorization header must be `Bearer <token>`.")
    return await services.authenticate(token)


def _parse_target(text: str) -> Target | None:
    if text == "DIGITAL":
        return DIGITAL
    kind, _, code = text.partition(":")
    if kind in ("PROFESSION", "SPHERE") and code:
        return Target(TargetKind(kind), code)
    return None


def withhold(header: Sequence[str], row: list[str], min_n: int) -> list[str]:
    """Blank the count-derived cells of a region below the disclosure threshold, and of
    each band below it; append the `withheld` flag."""
    cells = dict(zip(header, row, strict=True))
    hidden = int(cells["n"]) < min_n
    out = []
    for name, value in zip(header, row, strict=True):
        band_hidden = False
        for prefix in ("k_", "share_"):
            if name.startswith(prefix) and f"n_{name[len(prefix) :]}" in cells:
                band_hidden = int(cells[f"n_{name[len(prefix) :]}"] or 0) < min_n
        contrast_hidden = name.startswith("band_difference") and any(
            int(cells.get(f"n_{band}", "0") or 0) < min_n
            for band in cells.get("band_contrast", "").split("-")
        )
        blank = (hidden and name not in _KEPT and not name.startswith("n_")) or band_hidden
        out.append("" if blank or contrast_hidden else value)
    return [*out, "true" if hidden else "false"]


def _csv_lines(data: SeasonIndex, targets: list[Target] | None, min_n: int) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rows = to_csv_rows(data.report, targets)
    header = next(rows)
    writer.writerow([*header, "withheld"])
    for count, row in enumerate(rows, start=1):
        writer.writerow(withhold(header, row, min_n))
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def analytics_routes(services: Services) -> list[Route]:
    """The two routes, bound to the app's services."""

    async def load(request: Request) -> tuple[SeasonIndex, Viewer] | Response:
        try:
            viewer = await _viewer(services, request)
        except Unauthenticated as error:
            return Response(
                graphql_error_body(error.message, "UNAUTHENTICATED"),
                401,
                media_type="application/json",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        season = request.query_params.get("season", "")
        async with services.sessions() as session:
            known = {s.code for s in await seasons(session)}
        if season not in known:
            return _bad_request(f"Unknown season {season!r}; use e.g. ?season=2026/27.", 404)
        trials = request.query_params.get("trials", "false").lower() == "true"
        return await services.index_cache.get(services.sessions, season, trials), viewer

    async def export_csv(request: Request) -> Response:
        loaded = await load(request)
        if isinstance(loaded, Response):
            return loaded
        data, viewer = loaded
        targets = None
        if "target" in request.query_params:
            target = _parse_target(request.query_params["target"])
            if target is None or target not in data.report.index.targets:
                return _bad_request(
                    "Unknown target; use DIGITAL, PROFESSION:<code> or SPHERE:<name>."
                )
            targets = [target]
        filename = f"regional-index-{data.report.season.replace('/', '-')}.csv"
        return StreamingResponse(
            _csv_lines(data, targets, index_disclosure_min_n(viewer)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    async def map_svg(request: Request) -> Response:
        loaded = await load(request)
        if isinstance(loaded, Response):
            return loaded
        data, viewer = loaded
        params = request.query_params
        english = params.get("lang", "ru").lower() == "en"
        titles = {p.code: (p.title_en if english else p.title_ru) for p in data.catalogue}
        if params.get("profession"):
            target, name = Target(TargetKind.PROFESSION, params["profession"]), None
            name = titles.get(params["profession"])
        elif params.get("sphere"):
            target, name = Target(TargetKind.SPHERE, params["sphere"]), params["sphere"]
        elif params.get("digital", "").lower() == "true":
            target, name = DIGITAL, ("digital professions" if english else "цифровые профессии")
        else:
            return _bad_request("Give ?profession=<code>, ?sphere=<name> or ?digital=true.")
        if target not in data.report.index.targets:
            return _bad_request(f"Unknown {target.kind.value.lower()} {target.code!r}.", 404)
        min_n = index_disclosure_min_n(viewer)
        regions = {r.code: r for r in data.regions}
        tiles = [
            Tile(
                region_code=cell.region_code,
                label=(regions[cell.region_code].iso_code or "").removeprefix("RU-"),
                row=regions[cell.region_code].grid_row,
                col=regions[cell.region_code].grid_col,
                value=None if cell.n < min_n else cell.shrunken_lq,
                small_sample=cell.small_sample,
            )
            for cell in data.report.index.by_target(target)
        ]
        season = data.report.season
        if english:
            title = f"Popularity of {name} among students, season {season}"
            legend, no_data = "Popularity index (LQ)", "no data"
        else:
            title = f"Популярность: {name}, сезон {season}"
            legend, no_data = "Индекс популярности (LQ)", "нет данных"
        if min_n:
            no_data += f" / n < {min_n}"
        svg = render_tile_map(
            tiles,
            title=title,
            legend_title=legend,
            no_data_label=no_data,
            small_sample_label="small sample (n < 30)" if english else "малая выборка (n < 30)",
        )
        return Response(svg, media_type="image/svg+xml; charset=utf-8")

    return [
        Route("/exports/regional-index.csv", export_csv, methods=["GET"]),
        Route("/maps/professions.svg", map_svg, methods=["GET"]),
    ]
