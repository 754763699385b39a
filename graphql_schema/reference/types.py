"""Reference data types: seasons, directions, regions, professions."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from domain import reference as ref


@strawberry.enum(description="Language of a title: Russian or English.")
class Lang(Enum):
    RU = "RU"
    EN = "EN"


FederalDistrictEnum = strawberry.enum(ref.FederalDistrict, name="FederalDistrict")


@strawberry.type(name="Season", description="An academic year, 1 September to 31 August.")
class SeasonType:
    code: str
    starts_on: date
    ends_on: date
    is_closed: bool

    @classmethod
    def from_domain(cls, season: ref.Season) -> SeasonType:
        return cls(
            code=season.code,
            starts_on=season.starts_on,
            ends_on=season.ends_on,
            is_closed=season.closed_at is not None,
        )


@strawberry.type(name="Direction", description="A competency direction of the rating.")
class DirectionType:
    code: str
    title_ru: str
    title_en: str

    @strawberry.field(description="The title in the asked language (Russian by default).")
    def title(self, lang: Lang = Lang.RU) -> str:
        return self.title_ru if lang is Lang.RU else self.title_en

    @classmethod
    def from_domain(cls, direction: ref.Direction) -> DirectionType:
        return cls(code=direction.code, title_ru=direction.title_ru, title_en=direction.title_en)


@strawberry.type(name="Region", description="A federal subject of the Russian Federation.")
class RegionType:
    code: str = strawberry.field(description="Two-digit subject code, e.g. 77 for Moscow.")
    iso_code: str | None = strawberry.field(description="ISO 3166-2:RU code where one exists.")
    name_ru: str
    name_en: str
    federal_district: ref.FederalDistrict

    @strawberry.field(description="The name in the asked language (Russian by default).")
    def name(self, lang: Lang = Lang.RU) -> str:
        return self.name_ru if lang is Lang.RU else self.name_en

    @classmethod
    def from_domain(cls, region: ref.Region) -> RegionType:
        return cls(
            code=region.code,
            iso_code=region.iso_code,
            name_ru=region.name_ru,
            name_en=region.name_en,
            federal_district=ref.FederalDistrict(region.federal_district),
        )


@strawberry.type(name="Profession", description="A profession students may choose.")
class ProfessionType:
    code: str
    title_ru: str
    title_en: str
    sphere: str
    is_digital: bool

    @strawberry.field(description="The title in the asked language (Russian by default).")
    def title(self, lang: Lang = Lang.RU) -> str:
        return self.title_ru if lang is Lang.RU else self.title_en

    @classmethod
    def from_domain(cls, profession: ref.Profession) -> ProfessionType:
        return cls(
            code=profession.code,
            title_ru=profession.title_ru,
            title_en=profession.title_en,
            sphere=profession.sphere,
            is_digital=profession.is_digital,
        )


def current_season_code(today: date) -> str:
    return ref.season_for(today)
