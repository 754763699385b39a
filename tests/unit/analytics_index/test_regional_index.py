"""The regional profession-choice index against hand-computed values.

The expected numbers are derived in the comments from the formulas in
docs/regional-index.md and evaluated here with plain arithmetic and scipy.stats
directly — never by calling the implementation under test.
"""

import csv
import io
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from domain.analytics.choice_synthetic import generate_choices
from domain.analytics.regional_index import (
    DIGITAL,
    ChoiceAnswer,
    ChoiceTable,
    IndexConfig,
    PerformanceBands,
    PriorFit,
    Profession,
    Target,
    TargetKind,
    TopBy,
    compute_regional_index,
    csv_header,
    encode_answers,
    table_from_columns,
    to_csv_rows,
)
from domain.analytics.regional_index_stats import newcombe_difference, wilson_interval

Z = stats.norm.ppf(0.975)
CATALOGUE = [
    Profession("IT1", "IT", True),
    Profession("IT2", "IT", True),
    Profession("MED", "MED", False),
    Profession("AGR", "AGR", False),
    Profession("ART", "ART", False),  # nobody chooses it
]
REGIONS = ["01", "02", "03", "04"]  # 04 has no respondents


def prof(code: str) -> Target:
    return Target(TargetKind.PROFESSION, code)


def answer(region, professions, mark, activity):
    return ChoiceAnswer(region, frozenset(professions), mark, activity)


HAND = [
    # region 01: n = 8; DIGITAL 6; IT1 4; IT2 3; MED 2; AGR 2; activity 4
    answer("01", {"IT1", "IT2"}, 4.8, True),  # HIGH; two IT choices count once for IT/DIGITAL
    answer("01", {"IT1"}, 4.6, True),  # HIGH
    answer("01", {"IT2", "MED"}, 4.5, False),  # HIGH (4.5 is the HIGH cut-off, inclusive)
    answer("01", {"IT1"}, 4.0, True),  # MIDDLE
    answer("01", {"IT2"}, 3.0, False),  # LOW
    answer("01", {"IT1", "AGR"}, None, True),  # no mark: in n, in no band
    answer("01", {"MED"}, 3.2, False),  # LOW
    answer("01", {"AGR"}, 3.49, False),  # LOW
    # region 02: n = 6; DIGITAL 1; IT1 1; MED 3; AGR 3; activity 2
    answer("02", {"IT1"}, 4.7, True),  # HIGH
    answer("02", {"MED"}, 4.9, False),  # HIGH
    answer("02", {"MED", "AGR"}, 3.0, False),  # LOW
    answer("02", {"AGR"}, 2.8, False),  # LOW
    answer("02", {"MED"}, 4.1, False),  # MIDDLE
    answer("02", {"AGR"}, 3.3, True),  # LOW
    # region 03: n = 4; DIGITAL 2; IT1 1; IT2 1; MED 2; AGR 1; activity 1
    answer("03", {"IT2"}, 4.5, True),  # HIGH
    answer("03", {"IT1", "MED"}, 3.9, False),  # MIDDLE
    answer("03", {"MED"}, 3.0, False),  # LOW
    answer("03", {"AGR"}, 4.4, False),  # MIDDLE
    # not valid: unknown region, outside the reference list, nothing chosen, unknown code
    answer(None, {"IT1"}, 4.0, True),
    answer("77", {"IT1"}, 4.0, True),
    answer("02", set(), 4.0, True),
    answer("03", {"XXX"}, 4.0, True),
]


@pytest.fixture(scope="module")
def report():
    return compute_regional_index(
        encode_answers(HAND), REGIONS, CATALOGUE, season="2026/27", config=IndexConfig(min_n=5)
    )


def test_counts_shares_and_location_quotients(report):
    ix = report.index
    assert report.respondents == 22
    assert report.valid_respondents == 18  # 8 + 6 + 4
    cells = {c.region_code: c for c in ix.by_target(DIGITAL)}
    assert [cells[r].n for r in REGIONS] == [8, 6, 4, 0]
    assert [cells[r].k for r in REGIONS] == [6, 1, 2, 0]
    # national share K/N = 9/18 = 0.5; LQ = (k/n) / 0.5
    assert cells["01"].national_share == pytest.approx(0.5)
    assert cells["01"].share == pytest.approx(6 / 8)
    assert cells["01"].lq == pytest.approx(1.5)
    assert cells["02"].lq == pytest.approx((1 / 6) / 0.5)
    assert cells["03"].lq == pytest.approx(1.0)
    # MED: K = 2 + 3 + 2 = 7 → p0 = 7/18; region 02 LQ = (3/6)/(7/18) = 9/7
    med = ix.cell("02", prof("MED"))
    assert (med.k, med.national_share, med.lq) == (3, pytest.approx(7 / 18), pytest.approx(9 / 7))
    # the IT sphere equals DIGITAL here (its only professions are the digital ones)
    it = ix.cell("01", Target(TargetKind.SPHERE, "IT"))
    assert (it.k, it.share) == (6, pytest.approx(0.75))
    assert ix.cell("01", prof("IT1")).k == 4
    assert ix.cell("01", prof("IT2")).k == 3


def test_small_sample_marks_but_keeps_regions(report):
    cells = {c.region_code: c for c in report.index.by_target(DIGITAL)}
    # min_n = 5: region 03 (n = 4) and 04 (n = 0) are marked, still present
    assert [cells[r].small_sample for r in REGIONS] == [False, False, True, True]
    assert cells["03"].shrunken_share is not None


def test_moment_prior_and_shrinkage_for_digital(report):
    # X² = Σ (k − n·p0)² / (n·p0·(1−p0)), p0 = 1/2:
    #   01: (6 − 4)² / 2 = 2;  02: (1 − 3)² / 1.5 = 8/3;  03: (2 − 2)² / 1 = 0  → X² = 14/3
    # D = N − Σn²/N − (R − 1) = 18 − 116/18 − 2 = 86/9
    # ρ = (X² − (R − 1)) / D = (8/3) / (86/9) = 12/43;  M = 1/ρ − 1 = 31/12;  α = β = 31/24
    summary = report.index.summary(DIGITAL)
    assert summary.prior_fit is PriorFit.MOMENT
    assert summary.chi_square == pytest.approx(14 / 3)
    assert summary.rho == pytest.approx(12 / 43)
    assert summary.prior_concentration == pytest.approx(31 / 12)
    alpha = beta = 31 / 24
    for region, n, k in (("01", 8, 6), ("02", 6, 1), ("03", 4, 2)):
        cell = report.index.cell(region, DIGITAL)
        posterior = stats.beta(alpha + k, beta + n - k)
        assert cell.shrunken_share == pytest.approx((k + alpha) / (n + 31 / 12))
        assert cell.shrunken_share_lower == pytest.approx(posterior.ppf(0.025))
        assert cell.shrunken_share_upper == pytest.approx(posterior.ppf(0.975))
        assert cell.shrunken_lq == pytest.approx((k + alpha) / (n + 31 / 12) / 0.5)
        assert cell.shrunken_lq_lower == pytest.approx(posterior.ppf(0.025) / 0.5)
        assert cell.shrunken_lq_upper == pytest.approx(posterior.ppf(0.975) / 0.5)
        # shrinkage: between the raw share and the national share
        assert min(k / n, 0.5) <= cell.shrunken_share <= max(k / n, 0.5)


def test_fallback_prior_when_no_overdispersion(report):
    # AGR: k = 2, 3, 1 of n = 8, 6, 4; p0 = 6/18 = 1/3, n·p0·(1−p0) = 16/9, 4/3, 8/9
    # X² = (2 − 8/3)²/(16/9) + (3 − 2)²/(4/3) + (1 − 4/3)²/(8/9) = 1/4 + 3/4 + 1/8 = 9/8 ≤ 2
    # → NO_OVERDISPERSION, M = N = 18, α = 6, β = 12
    summary = report.index.summary(prof("AGR"))
    assert summary.prior_fit is PriorFit.NO_OVERDISPERSION
    assert summary.chi_square == pytest.approx(9 / 8)
    assert summary.prior_concentration == pytest.approx(18)
    cell = report.index.cell("02", prof("AGR"))
    assert cell.shrunken_share == pytest.approx((3 + 6) / (6 + 18))
    assert cell.shrunken_share_upper == pytest.approx(stats.beta(9, 15).ppf(0.975))


def test_cap_on_prior_concentration():
    capped = compute_regional_index(
        encode_answers(HAND),
        REGIONS,
        CATALOGUE,
        season="2026/27",
        config=IndexConfig(max_concentration=2.0),
    )
    summary = capped.index.summary(DIGITAL)
    assert summary.prior_fit is PriorFit.CAPPED  # 31/12 > 2
    assert summary.prior_concentration == 2.0
    assert capped.index.cell("01", DIGITAL).shrunken_share == pytest.approx((6 + 1) / (8 + 2))


def test_ranks_follow_the_shrunken_share(report):
    # DIGITAL means: 01 (6 + 31/24)/(8 + 31/12) = 0.689, 02 0.267, 03 (2 + 31/24)/(4 + 31/12) = 0.5
    ranks = {c.region_code: (c.rank, c.ranked_regions) for c in report.index.by_target(DIGITAL)}
    assert ranks == {"01": (1, 3), "02": (3, 3), "03": (2, 3), "04": (None, 3)}


def test_competition_ranking_shares_ties():
    answers = [
        answer(region, {"A"} if i < k else {"B"}, 4.0, False)
        for region, k in (("r1", 3), ("r2", 1), ("r3", 1), ("r4", 0))
        for i in range(5)
    ]
    catalogue = [Profession("A", "X", False), Profession("B", "Y", False)]
    result = compute_regional_index(
        encode_answers(answers), ["r1", "r2", "r3", "r4"], catalogue, season="s"
    )
    ranks = [c.rank for c in result.index.by_target(Target(TargetKind.PROFESSION, "A"))]
    assert ranks == [1, 2, 2, 4]


def test_top_professions(report):
    top = report.index.top_professions("02", limit=2)
    # region 02: MED 3, AGR 3 (tie → by code: AGR first), IT1 1
    assert [c.target.code for c in top] == ["AGR", "MED"]
    by_lq = report.index.top_professions("01", limit=5, by=TopBy.SHRUNKEN_LQ)
    assert by_lq[0].target.code in {"IT1", "IT2"}
    assert "ART" not in [c.target.code for c in by_lq]  # nobody chose it
    lqs = [c.shrunken_lq for c in by_lq]
    assert lqs == sorted(lqs, reverse=True)


def test_region_without_respondents_has_no_estimate(report):
    cell = report.index.cell("04", DIGITAL)
    assert (cell.n, cell.k, cell.share, cell.lq) == (0, 0, None, None)
    assert (cell.shrunken_share, cell.shrunken_lq_lower, cell.rank) == (None, None, None)


def test_profession_nobody_chose(report):
    summary = report.index.summary(prof("ART"))
    assert (summary.national_k, summary.national_share) == (0, 0.0)
    assert summary.prior_fit is PriorFit.DEGENERATE
    for cell in report.index.by_target(prof("ART"))[:3]:
        assert (cell.share, cell.lq, cell.shrunken_lq, cell.rank) == (0.0, None, None, None)
        assert cell.shrunken_share == 0.0


def test_all_regions_identical_fall_back_and_tie():
    # every region: 2 of 5 choose A → X² = 0 → NO_OVERDISPERSION, M = N = 15
    answers = [
        answer(region, {"A"} if i < 2 else {"B"}, 4.0, False)
        for region in ("r1", "r2", "r3")
        for i in range(5)
    ]
    catalogue = [Profession("A", "X", True), Profession("B", "Y", False)]
    result = compute_regional_index(
        encode_answers(answers), ["r1", "r2", "r3"], catalogue, season="s"
    )
    summary = result.index.summary(DIGITAL)
    assert summary.prior_fit is PriorFit.NO_OVERDISPERSION
    assert summary.prior_concentration == 15
    for cell in result.index.by_target(DIGITAL):
        assert cell.shrunken_share == pytest.approx(0.4)  # (2 + 0.4·15)/(5 + 15)
        assert cell.shrunken_lq == pytest.approx(1.0)
        assert cell.shrunken_share_lower == pytest.approx(stats.beta(8, 12).ppf(0.025))
        assert cell.rank == 1


def test_single_region_and_universal_choice():
    answers = [answer("r1", {"A"}, 4.0, False), answer("r1", {"A", "B"}, 4.0, False)]
    catalogue = [Profession("A", "X", False), Profession("B", "Y", False)]
    result = compute_regional_index(encode_answers(answers), ["r1", "r2"], catalogue, season="s")
    assert result.index.summary(prof("B")).prior_fit is PriorFit.TOO_FEW_REGIONS
    everyone = result.index.cell("r1", prof("A"))  # p0 = 1: point mass, LQ 1
    assert result.index.summary(prof("A")).prior_fit is PriorFit.DEGENERATE
    assert (everyone.shrunken_share, everyone.shrunken_lq, everyone.lq) == (1.0, 1.0, 1.0)


def test_empty_season():
    table = encode_answers([])
    result = compute_regional_index(table, REGIONS, CATALOGUE, season="s")
    assert result.valid_respondents == 0
    cell = result.index.cell("01", DIGITAL)
    assert (cell.n, cell.share, cell.national_share, cell.rank) == (0, None, None, None)
    assert result.additional_education.correlation.rho is None


def test_band_split_and_newcombe_difference(report):
    # DIGITAL by band, region 01: HIGH 3/3, LOW 1/3 (LOW = marks 3.0, 3.2, 3.49)
    comparison = report.bands.comparison("01", DIGITAL)
    shares = {b.band: (b.n, b.k) for b in comparison.bands}
    assert shares == {"LOW": (3, 1), "MIDDLE": (1, 1), "HIGH": (3, 3)}
    assert comparison.contrast == ("HIGH", "LOW")
    lo, hi = _newcombe(3, 3, 1, 3)
    assert comparison.difference == pytest.approx(2 / 3)
    assert comparison.difference_lower == pytest.approx(lo)
    assert comparison.difference_upper == pytest.approx(hi)
    # nationally: HIGH 5/6 (01: 3/3, 02: 1/2, 03: 1/1), LOW 1/7 (01: 1/3, 02: 0/3, 03: 0/1)
    national = report.bands.comparison(None, DIGITAL)
    assert [(b.n, b.k) for b in national.bands] == [(7, 1), (4, 2), (6, 5)]
    lo, hi = _newcombe(5, 6, 1, 7)
    assert national.difference == pytest.approx(5 / 6 - 1 / 7)
    assert (national.difference_lower, national.difference_upper) == (
        pytest.approx(lo),
        pytest.approx(hi),
    )
    assert int(report.bands.unbanded_n[0]) == 1  # the respondent without a mark
    # region 04: no respondents in any band → undefined difference, not an error
    assert report.bands.comparison("04", DIGITAL).difference is None


def _wilson(k, n):
    # Wilson (1927): (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


def _newcombe(k1, n1, k2, n2):
    # Newcombe (1998) method 10: d ∓ √((p1 − l1)² + (u2 − p2)²) / √((u1 − p1)² + (p2 − l2)²)
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = _wilson(k1, n1), _wilson(k2, n2)
    d = p1 - p2
    return d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [  # published in Newcombe (1998), Stat Med 17:873, table II, method 10
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((6, 7, 2, 7), (0.0582, 0.8062)),
        ((5, 56, 0, 29), (-0.0381, 0.1926)),
        ((0, 10, 0, 20), (-0.1611, 0.2775)),
        ((10, 10, 0, 20), (0.6791, 1.0000)),
    ],
)
def test_newcombe_matches_published_values(counts, expected):
    _, lower, upper = newcombe_difference(*counts)
    assert (float(lower), float(upper)) == (
        pytest.approx(expected[0], abs=6e-5),
        pytest.approx(expected[1], abs=6e-5),
    )


def test_wilson_matches_published_value():
    lower, upper = wilson_interval(81, 263)  # Newcombe (1998a): 0.2553 to 0.3662
    assert (float(lower), float(upper)) == (
        pytest.approx(0.2553, abs=6e-5),
        pytest.approx(0.3662, abs=6e-5),
    )


def test_additional_education_and_spearman(report):
    education = report.additional_education
    # activity among valid respondents: 01 4/8, 02 2/6, 03 1/4 (invalid answers not counted)
    shares = [level.share for level in education.levels]
    assert shares == [pytest.approx(0.5), pytest.approx(1 / 3), pytest.approx(0.25), None]
    # ranks of activity 3, 2, 1; of the shrunken digital index 3, 1, 2 → d = 0, 1, −1
    # ρ = 1 − 6·Σd² / (n(n² − 1)) = 1 − 12/24 = 0.5;  t = 0.5·√(1/0.75), 1 df
    correlation = education.correlation
    assert correlation.regions == 3
    assert correlation.rho == pytest.approx(0.5)
    t = 0.5 * math.sqrt(1 / 0.75)
    assert correlation.p_value == pytest.approx(2 * stats.t.sf(t, 1))
    reference = stats.spearmanr([0.5, 1 / 3, 0.25], [0.689, 0.267, 0.5])
    assert correlation.p_value == pytest.approx(reference.pvalue)
    assert education.level("01").digital_index == pytest.approx(
        report.index.cell("01", DIGITAL).shrunken_lq
    )


def test_csv_export(report):
    rows = list(to_csv_rows(report))
    header = rows[0]
    assert header == csv_header(report)
    assert header[:4] == ["season", "target_kind", "target_code", "region_code"]
    assert "share_HIGH" in header and header[-1] == "additional_education_share"
    targets = len(CATALOGUE) + 4 + 1  # professions, spheres AGR ART IT MED, DIGITAL
    assert len(rows) == 1 + targets * len(REGIONS)
    assert all(len(row) == len(header) for row in rows)
    digital = [dict(zip(header, row, strict=True)) for row in to_csv_rows(report, [DIGITAL])][1:]
    first = digital[0]
    assert (first["region_code"], first["n"], first["k"], first["share"]) == (
        "01",
        "8",
        "6",
        "0.750000",
    )
    assert (first["lq"], first["rank"], first["small_sample"]) == ("1.500000", "1", "false")
    assert (first["n_HIGH"], first["k_HIGH"], first["band_contrast"]) == ("3", "3", "HIGH-LOW")
    assert digital[3]["share"] == "" and digital[3]["rank"] == ""  # region 04: no data
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == rows


def test_counts_match_a_naive_recount():
    catalogue = [
        Profession(f"P{i}", ("IT", "ENG", "MED", "AGR")[i % 4], i % 4 == 0) for i in range(12)
    ]
    regions = [f"{i:02d}" for i in range(1, 9)]
    data = generate_choices(regions, catalogue, 3000, seed=5)
    table = data.table
    bands = PerformanceBands()
    result = compute_regional_index(table, regions, catalogue, season="s")
    chosen = defaultdict(set)
    for respondent, profession in zip(
        table.choice_respondent, table.choice_profession, strict=True
    ):
        chosen[int(respondent)].add(catalogue[int(profession)])
    n: defaultdict[str, int] = defaultdict(int)
    k: defaultdict[tuple[str, str], int] = defaultdict(int)
    for respondent, professions in chosen.items():
        region = regions[int(table.region[respondent])]
        mark = float(table.average_mark[respondent])
        band = "NONE" if math.isnan(mark) else bands.labels[sum(mark >= c for c in bands.cutoffs)]
        n[region] += 1
        k[region, band] += any(p.is_digital for p in professions)
        k[region, "MED"] += any(p.sphere == "MED" for p in professions)
    for region in regions:
        cell = result.index.cell(region, DIGITAL)
        assert cell.n == n[region]
        assert cell.k == sum(k[region, b] for b in (*bands.labels, "NONE"))
        assert result.index.cell(region, Target(TargetKind.SPHERE, "MED")).k == k[region, "MED"]
        high = result.bands.comparison(region, DIGITAL).bands[-1]
        assert high.k == k[region, "HIGH"]


def test_duplicate_choice_pairs_count_once():
    table = ChoiceTable(
        region_codes=("01",),
        profession_codes=("A",),
        region=np.array([0, 0]),
        average_mark=np.array([4.0, 4.0]),
        additional_education=np.array([False, False]),
        choice_respondent=np.array([0, 0, 0]),
        choice_profession=np.array([0, 0, 0]),
    )
    result = compute_regional_index(table, ["01"], [Profession("A", "X", True)], season="s")
    assert result.index.cell("01", DIGITAL).k == 1
    assert result.index.cell("01", DIGITAL).n == 1  # respondent 1 chose nothing


def test_invalid_inputs_are_rejected():
    with pytest.raises(ValueError):
        compute_regional_index(encode_answers([]), ["01", "01"], CATALOGUE, season="s")
    with pytest.raises(ValueError):
        PerformanceBands(labels=("A", "B"), cutoffs=(4.0, 3.0))
    with pytest.raises(ValueError):
        IndexConfig(contrast=("HIGH", "TOP"))
    with pytest.raises(ValueError):
        ChoiceTable(
            ("01",),
            ("A",),
            np.array([3]),
            np.array([4.0]),
            np.array([False]),
            np.array([0]),
            np.array([0]),
        )


def test_result_arrays_are_read_only(report):
    with pytest.raises(ValueError):
        report.index.k[0, 0] = 99


def test_reference_data_files_if_present():
    data = Path(__file__).resolve().parents[3] / "migrations" / "data"
    if not (data / "regions.csv").exists() or not (data / "professions.csv").exists():
        pytest.skip("reference data files not present")
    with (data / "regions.csv").open(encoding="utf-8") as handle:
        regions = [row["code"] for row in csv.DictReader(handle)]
    with (data / "professions.csv").open(encoding="utf-8") as handle:
        catalogue = [
            Profession(
                row["code"],
                row["sphere"],
                row["is_digital"].strip().lower() in {"true", "1", "t", "yes"},
            )
            for row in csv.DictReader(handle)
        ]
    data_ = generate_choices(regions, catalogue, 20_000, seed=1)
    result = compute_regional_index(data_.table, regions, catalogue, season="2026/27")
    assert result.valid_respondents == 20_000
    assert len(result.index.by_target(DIGITAL)) == len(regions)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.sets(st.integers(0, 3), max_size=3), st.floats(2.0, 5.0)),
        max_size=40,
    )
)
def test_invariants_on_random_tables(rows):
    catalogue = [Profession(f"P{i}", "S" + str(i % 2), i < 2) for i in range(4)]
    answers = [answer(f"r{r}", {f"P{p}" for p in ps}, mark, r % 2 == 0) for r, ps, mark in rows]
    result = compute_regional_index(
        encode_answers(answers), ["r0", "r1", "r2", "r3"], catalogue, season="s"
    )
    index = result.index
    for target in index.targets:
        for cell in index.by_target(target):
            assert 0 <= cell.k <= cell.n
            if cell.shrunken_share is None:
                assert cell.n == 0 and cell.rank is None
                continue
            p0, share = cell.national_share, cell.share
            lower, upper = cell.shrunken_share_lower, cell.shrunken_share_upper
            assert p0 is not None and share is not None
            assert lower is not None and upper is not None
            assert 0.0 <= lower <= upper <= 1.0
            m = index.summary(target).prior_concentration
            if m is not None and min(m * p0 + cell.k, m * (1 - p0) + cell.n - cell.k) >= 1:
                # a log-concave Beta (a, b ≥ 1) has its mean inside the central 95%; a very
                # skewed one need not, so only then is this an invariant
                assert lower <= cell.shrunken_share <= upper
            low, high = min(share, p0), max(share, p0)
            assert low - 1e-12 <= cell.shrunken_share <= high + 1e-12
            if cell.rank is not None:
                assert 1 <= cell.rank <= cell.ranked_regions


def test_columns_from_a_read_path_give_the_same_index(report):
    rows = HAND
    respondent, profession = [], []
    for i, a in enumerate(rows):
        for code in sorted(a.professions):
            respondent.append(i)
            profession.append(code)
    table = table_from_columns(
        [a.region_code for a in rows],
        [a.average_mark for a in rows],
        [a.additional_education for a in rows],
        respondent,
        profession,
    )
    again = compute_regional_index(
        table, REGIONS, CATALOGUE, season="2026/27", config=IndexConfig(min_n=5)
    )
    assert list(to_csv_rows(again)) == list(to_csv_rows(report))
