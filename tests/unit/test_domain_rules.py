"""Plain domain rules, no I/O."""

from __future__ import annotations

from datetime import date

import pytest

from domain.accounts import normalize_email, validate_password
from domain.errors import InvalidInput
from domain.participants import age_on, validate_grade, validate_nickname
from domain.reference import season_bounds, season_for


@pytest.mark.parametrize(
    "birth,day,age",
    [
        (date(2012, 11, 23), date(2026, 11, 22), 13),  # the day before the 14th birthday
        (date(2012, 11, 23), date(2026, 11, 23), 14),  # on it
        (date(2008, 11, 23), date(2026, 11, 22), 17),
        (date(2008, 11, 23), date(2026, 11, 23), 18),
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # leap-day birthdays count from 1 March
        (date(2008, 2, 29), date(2026, 3, 1), 18),
    ],
)
def test_age_on_boundaries(birth: date, day: date, age: int) -> None:
    assert age_on(birth, day) == age


@pytest.mark.parametrize(
    "day,season",
    [
        (date(2026, 8, 31), "2025/26"),
        (date(2026, 9, 1), "2026/27"),
        (date(2027, 1, 15), "2026/27"),
        (date(2099, 12, 31), "2099/00"),
    ],
)
def test_season_for(day: date, season: str) -> None:
    assert season_for(day) == season


def test_season_bounds_and_bad_codes() -> None:
    assert season_bounds("2026/27") == (date(2026, 9, 1), date(2027, 8, 31))
    for bad in ("2026-27", "2026/28", "26/27", ""):
        with pytest.raises(InvalidInput):
            season_bounds(bad)


def test_input_validation() -> None:
    assert normalize_email("  Alice@Example.COM ") == "alice@example.com"
    with pytest.raises(InvalidInput):
        normalize_email("alice@")
    with pytest.raises(InvalidInput):
        validate_password("short")
    with pytest.raises(InvalidInput):
        validate_password("x" * 257)
    assert validate_nickname(" robo_kid ") == "robo_kid"
    with pytest.raises(InvalidInput):
        validate_nickname("<script>")
    with pytest.raises(InvalidInput):
        validate_grade(13)
