"""The regional index over a small hand-made season, through GraphQL, the CSV export
and the SVG map: every figure equals the value computed here from the documented
formulas (docs/regional-index.md), and small regions are withheld from the public."""

from __future__ import annotations

import csv
import io
import math

import httpx
import pytest
import sqlalchemy as sa
from scipy import stats

from domain.accounts import Role
from persistence.tables import analytics as t
from persistence.tables.reference import regions
from tests.support import arrange
from tests.support.graphql import GraphQLClient

SEASON = "2024/25"
NOW = arrange.NOW
# region: (respondents choosing SOFTWARE_DEVELOPER, choosing DESIGN_ENGINEER, with club activity)
DATA = {"77": (7, 3, 6), "78": (3, 7, 2), "66": (5, 5, 4), "01": (3, 0, 0)}
CELLS = """query($season: String!) { regionalIndex(season: $season) {
  respondents validRespondents excludedRespondents minN disclosureMinN
  target(kind: DIGITAL) { region { code } target { kind code } n k share nationalShare lq
    shrunkenShare shrunkenShareLower shrunkenShareUpper shrunkenLq shrunkenLqLower shrunkenLqUpper
    smallSample withheld rank rankedRegions
    bands { bands { band n k share withheld } contrast difference differenceLower differenceUpper } }
  topProfessions(region: "77") { target { code title } k }
  additionalEducation { region { code } n withActivity share withheld }
  educationDigitalCorrelation { rho regions } } }"""


@pytest.fixture(scope="module")
async def season_data(state) -> None:  # type: ignore[no-untyped-def]
    """Arranged directly: the import path has its own tests."""
    async with state.services.sessions() as s:
        done = await s.scalar(
            sa.select(sa.func.count())
            .select_from(t.profession_choices)
            .where(t.profession_choices.c.season_code == SEASON)
        )
    if done:
        return
    for region, (software, design, active) in DATA.items():
        pids = await arrange.participants(
            state.services.sessions, [{} for _ in range(software + design)]
        )
        async with state.services.sessions() as s, s.begin():
            await s.execute(
                sa.insert(t.profession_choices),
                [
                    {
                        "participant_id": p,
                        "season_code": SEASON,
                        "created_at": NOW,
                        "profession_code": "SOFTWARE_DEVELOPER"
                        if i < software
                        else "DESIGN_ENGINEER",
                    }
                    for i, p in enumerate(pids)
                ],
            )
            await s.execute(
                sa.insert(t.respondent_seasons),
                [
                    {
                        "participant_id": p,
                        "season_code": SEASON,
                        "region_code": region,
                        "average_mark": (4.8 if i < software else 3.0) if region == "77" else None,
                        "club_activity": i < active,
                        "updated_at": NOW,
                    }
                    for i, p in enumerate(pids)
                ],
            )
            await s.execute(
                sa.update(t.analytics_revision).values(revision=t.analytics_revision.c.revision + 1)
            )


def _expected() -> dict[str, dict[str, float]]:
    """The documented method of moments and beta posterior, computed independently."""
    n = {r: s + d for r, (s, d, _) in DATA.items()}
    k = {r: s for r, (s, _, _) in DATA.items()}
    big_n, big_k = sum(n.values()), sum(k.values())
    p0 = big_k / big_n
    r_count = len(DATA)
    chi = sum((k[r] - n[r] * p0) ** 2 / (n[r] * p0 * (1 - p0)) for r in DATA)
    d = big_n - sum(v * v for v in n.values()) / big_n - (r_count - 1)
    if chi <= r_count - 1:
        m = big_n
    else:
        m = min(max(1 / ((chi - (r_count - 1)) / d) - 1, 1.0), big_n)
    out = {}
    for r in DATA:
        a, b = p0 * m + k[r], (1 - p0) * m + n[r] - k[r]
        out[r] = {
            "n": n[r],
            "k": k[r],
            "share": k[r] / n[r],
            "p0": p0,
            "lq": k[r] / n[r] / p0,
            "shrunken": (k[r] + p0 * m) / (n[r] + m),
            "lower": stats.beta.ppf(0.025, a, b),
            "upper": stats.beta.ppf(0.975, a, b),
        }
    return out


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


async def test_index_equals_hand_computed_values(
    client: GraphQLClient,
    make_staff,
    season_data: None,  # type: ignore[no-untyped-def]
) -> None:
    admin = (await make_staff(Role.ADMIN)).access_token
    data = (await client.query(CELLS, {"season": SEASON}, token=admin)).ok()["regionalIndex"]
    assert data["respondents"] == data["validRespondents"] == 33
    assert data["excludedRespondents"] == 0 and data["disclosureMinN"] == 0 and data["minN"] == 30
    expected = _expected()
    cells = {c["region"]["code"]: c for c in data["target"]}
    assert len(cells) == 89 and cells["50"]["n"] == 0 and cells["50"]["shrunkenLq"] is None
    order = sorted(DATA, key=lambda r: -expected[r]["shrunken"])
    for region, want in expected.items():
        cell = cells[region]
        assert (cell["n"], cell["k"]) == (want["n"], want["k"])
        assert cell["share"] == pytest.approx(want["share"], abs=1e-12)
        assert cell["nationalShare"] == pytest.approx(18 / 33, abs=1e-12)
        assert cell["lq"] == pytest.approx(want["lq"], abs=1e-12)
        assert cell["shrunkenShare"] == pytest.approx(want["shrunken"], abs=1e-9)
        assert cell["shrunkenShareLower"] == pytest.approx(want["lower"], abs=1e-6)
        assert cell["shrunkenShareUpper"] == pytest.approx(want["upper"], abs=1e-6)
        assert cell["shrunkenLq"] == pytest.approx(want["shrunken"] / want["p0"], abs=1e-9)
        assert cell["shrunkenLqUpper"] == pytest.approx(want["upper"] / want["p0"], abs=1e-6)
        assert cell["smallSample"] is True and cell["withheld"] is False
        assert cell["rank"] == order.index(region) + 1 and cell["rankedRegions"] == 4
    moscow = cells["77"]["bands"]
    assert moscow["contrast"] == ["HIGH", "LOW"]
    assert [(b["band"], b["n"], b["k"]) for b in moscow["bands"]] == [
        ("LOW", 3, 0),
        ("MIDDLE", 0, 0),
        ("HIGH", 7, 7),
    ]
    (l1, u1), (l2, u2) = _wilson(7, 7), _wilson(0, 3)
    assert moscow["difference"] == pytest.approx(1.0)
    assert moscow["differenceLower"] == pytest.approx(
        1.0 - math.sqrt((1 - l1) ** 2 + (u2 - 0) ** 2), abs=1e-9
    )
    assert moscow["differenceUpper"] == pytest.approx(
        1.0 + math.sqrt((u1 - 1) ** 2 + (0 - l2) ** 2), abs=1e-9
    )
    assert [(p["target"]["code"], p["k"]) for p in data["topProfessions"]] == [
        ("SOFTWARE_DEVELOPER", 7),
        ("DESIGN_ENGINEER", 3),
    ]
    assert data["topProfessions"][0]["target"]["title"] == "Разработчик программного обеспечения"
    education = {e["region"]["code"]: e for e in data["additionalEducation"]}
    assert education["77"]["share"] == pytest.approx(0.6) and education["01"]["withActivity"] == 0
    shares = [DATA[r][2] / expected[r]["n"] for r in DATA]
    digital = [expected[r]["shrunken"] / expected[r]["p0"] for r in DATA]
    rho = stats.spearmanr(shares, digital).statistic
    assert data["educationDigitalCorrelation"]["rho"] == pytest.approx(rho, abs=1e-9)
    assert data["educationDigitalCorrelation"]["regions"] == 4
    with_trials = (
        "query($s: String!) { regionalIndex(season: $s, includeTrials: true) { validRespondents } }"
    )
    assert (await client.query(with_trials, {"s": SEASON})).ok()["regionalIndex"][
        "validRespondents"
    ] == 33


async def test_public_viewers_do_not_see_tiny_regions(
    client: GraphQLClient, season_data: None
) -> None:
    data = (await client.query(CELLS, {"season": SEASON})).ok()["regionalIndex"]
    assert data["disclosureMinN"] == 10
    cells = {c["region"]["code"]: c for c in data["target"]}
    tiny = cells["01"]
    assert tiny["n"] == 3 and tiny["withheld"] is True
    assert all(
        tiny[f] is None
        for f in ("k", "share", "lq", "shrunkenShare", "shrunkenLq", "rank", "bands")
    )
    moscow = cells["77"]
    assert moscow["k"] == 7 and moscow["withheld"] is False
    low = moscow["bands"]["bands"][0]
    assert low["withheld"] is True and low["k"] is None and moscow["bands"]["difference"] is None
    unknown = await client.query('{ regionalIndex(season: "1899/00") { season } }')
    assert unknown.ok()["regionalIndex"] is None


async def test_csv_export_streams_the_same_figures(
    live_server,
    make_staff,
    season_data: None,  # type: ignore[no-untyped-def]
) -> None:
    expected = _expected()
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        public = await http.get(
            "/exports/regional-index.csv", params={"season": SEASON, "target": "DIGITAL"}
        )
        assert public.status_code == 200 and public.headers["content-type"].startswith("text/csv")
        rows = {r["region_code"]: r for r in csv.DictReader(io.StringIO(public.text))}
        assert len(rows) == 89
        assert rows["77"]["k"] == "7" and rows["77"]["share"] == "0.700000"
        assert rows["77"]["shrunken_share"] == f"{expected['77']['shrunken']:.6f}"
        assert rows["01"]["n"] == "3" and rows["01"]["k"] == "" and rows["01"]["withheld"] == "true"
        admin = (await make_staff(Role.ADMIN)).access_token
        full = await http.get(
            "/exports/regional-index.csv",
            params={"season": SEASON, "target": "DIGITAL"},
            headers={"Authorization": f"Bearer {admin}"},
        )
        staff_rows = {r["region_code"]: r for r in csv.DictReader(io.StringIO(full.text))}
        assert staff_rows["01"]["k"] == "3" and staff_rows["01"]["withheld"] == "false"
        everything = await http.get("/exports/regional-index.csv", params={"season": SEASON})
        assert everything.text.count("\n") > 89 * 10
        assert (
            await http.get(
                "/exports/regional-index.csv",
                params={"season": SEASON, "target": "PROFESSION:NOPE"},
            )
        ).status_code == 400
        assert (
            await http.get("/exports/regional-index.csv", params={"season": "1899/00"})
        ).status_code == 404
        bad = await http.get(
            "/exports/regional-index.csv",
            params={"season": SEASON},
            headers={"Authorization": "Bearer nope"},
        )
        assert bad.status_code == 401


async def test_svg_map_has_title_legend_and_every_region(
    live_server, state, season_data: None
) -> None:  # type: ignore[no-untyped-def]
    async with state.services.sessions() as s:
        codes = list(await s.scalars(sa.select(regions.c.code)))
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        response = await http.get(
            "/maps/professions.svg", params={"season": SEASON, "profession": "SOFTWARE_DEVELOPER"}
        )
        assert response.status_code == 200 and response.headers["content-type"].startswith(
            "image/svg+xml"
        )
        svg = response.text
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
        assert "Разработчик программного обеспечения" in svg and SEASON in svg
        assert 'class="legend"' in svg and "Индекс популярности" in svg
        for code in codes:
            assert f'data-region="{code}"' in svg and f">{code}</text>" in svg
        for params in ({"sphere": "IT"}, {"digital": "true", "lang": "en"}):
            assert (
                await http.get("/maps/professions.svg", params={"season": SEASON, **params})
            ).status_code == 200
        assert (
            await http.get("/maps/professions.svg", params={"season": SEASON})
        ).status_code == 400
        missing = await http.get(
            "/maps/professions.svg", params={"season": SEASON, "profession": "NOPE"}
        )
        assert missing.status_code == 404
