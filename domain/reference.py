"""Reference data: seasons, directions, regions, professions.

Seasons run from 1 September to 31 August and are named `2026/27`; ratings,
events and analytics are kept per season.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.errors import InvalidInput


class FederalDistrict(StrEnum):
    CENTRAL = "CENTRAL"
    NORTHWESTERN = "NORTHWESTERN"
    SOUTHERN = "SOUTHERN"
    NORTH_CAUCASIAN = "NORTH_CAUCASIAN"
    VOLGA = "VOLGA"
    URAL = "URAL"
    SIBERIAN = "SIBERIAN"
    FAR_EASTERN = "FAR_EASTERN"


@dataclass(eq=False)
class Season:
    code: str
    starts_on: date
    ends_on: date
    closed_at: datetime | None = None


@dataclass(eq=False)
class Direction:
    """A competency direction; its code never changes once used."""

    code: str
    title_ru: str
    title_en: str
    created_at: datetime


@dataclass(eq=False)
class Region:
    """A federal subject: two-digit code, ISO 3166-2:RU code where one exists."""

    code: str
    name_ru: str
    name_en: str
    federal_district: FederalDistrict
    iso_code: str | None = None
    grid_row: int = 0
    grid_col: int = 0


@dataclass(eq=False)
class Profession:
    code: str
    title_ru: str
    title_en: str
    sphere: str
    is_digital: bool


_SEASON = re.compile(r"^(\d{4})/(\d{2})$")
_DIRECTION_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,63}$")


def season_for(day: date) -> str:
    """The season code a day falls in: 1 Sep 2026 .. 31 Aug 2027 is `2026/27`."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def season_bounds(code: str) -> tuple[date, date]:
    """First and last day of a season; refuses malformed codes such as `2026/28`."""
    match = _SEASON.match(code)
    if not match:
        raise InvalidInput("A season code looks like 2026/27.", field="season")
    start = int(match.group(1))
    if int(match.group(2)) != (start + 1) % 100:
        raise InvalidInput("A season spans two consecutive years, like 2026/27.", field="season")
    return date(start, 9, 1), date(start + 1, 8, 31)


def validate_direction_code(code: str) -> str:
    if not _DIRECTION_CODE.match(code):
        raise InvalidInput(
            "A direction code is upper-case letters, digits and underscores.", field="code"
        )
    return code
