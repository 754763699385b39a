"""The one-call questionnaire index set and the scale layout it takes."""

from __future__ import annotations

import numpy as np
import pytest

from domain.analytics.careless import (
    ScaleLayout,
    compute_careless_indices,
    evenodd,
    irv,
    irv_split,
    longstring,
    mahad,
    psychsyn,
)
from tests.unit.analytics import load_reference


def test_scale_layout_parses_k_by_m() -> None:
    layout = ScaleLayout.parse("10x5")
    assert (layout.n_scales, layout.items_per_scale, layout.n_items) == (10, 5, 50)
    assert layout.factors == [5] * 10
    for bad in ("10", "10x", "x5", "10x5x2", "ax5", "0x5"):
        with pytest.raises(ValueError):
            ScaleLayout.parse(bad)


def test_the_set_equals_the_individual_indices() -> None:
    data = load_reference("careless_testing_na.csv")
    result = compute_careless_indices(data, [5] * 10, irv_parts=3, confidence=0.95)
    runs = longstring(data)
    np.testing.assert_array_equal(result.longstr, runs.longstr)
    np.testing.assert_array_equal(result.avgstr, runs.avgstr)
    np.testing.assert_array_equal(result.irv, irv(data))
    np.testing.assert_array_equal(result.irv_parts, irv_split(data, 3))
    distance = mahad(data, confidence=0.95)
    np.testing.assert_allclose(result.mahad_dsq, distance.d_sq, rtol=1e-12)
    np.testing.assert_array_equal(result.mahad_flag, distance.flagged)
    eo = evenodd(data, [5] * 10)
    np.testing.assert_array_equal(result.evenodd, eo.value)
    np.testing.assert_array_equal(result.evenodd_pairs, eo.n_pairs)
    np.testing.assert_array_equal(result.psychsyn, psychsyn(data).value)
    assert np.isnan(result.psychant).all()
    assert result.notes == ("psychant: No Psychometric Antonyms found.",)
    assert result.answered[102] == 0 and result.answered[0] == 50


def test_chunk_size_does_not_change_any_value() -> None:
    data = load_reference("careless_testing_na.csv")
    whole = compute_careless_indices(data, [5] * 10)
    chunked = compute_careless_indices(data, [5] * 10, chunk_rows=7)
    for name in ("longstr", "avgstr", "irv", "irv_parts", "evenodd", "psychsyn"):
        np.testing.assert_array_equal(getattr(chunked, name), getattr(whole, name))
    np.testing.assert_allclose(chunked.mahad_dsq, whole.mahad_dsq, rtol=1e-12)


def test_split_irv_can_be_left_out() -> None:
    data = load_reference("careless_dataset.csv")
    assert compute_careless_indices(data, [5] * 10, irv_parts=0).irv_parts.shape == (200, 0)
