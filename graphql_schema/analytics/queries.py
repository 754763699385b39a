"""Queries: instruments, the moderators' flag list, and the regional index of a season."""

from __future__ import annotations

import strawberry

from domain.analytics.regional_index import DIGITAL, Target, TargetKind, TopBy
from domain.analytics_records import FlagSubject, QualityFlagStatus
from domain.errors import InvalidInput
from domain.policy import index_disclosure_min_n, may_review_quality_flags
from graphql_schema.analytics.index_types import (
    AdditionalEducationFigures,
    BandSplitFigures,
    IndexTarget,
    RankCorrelationFigures,
    RegionIndexCell,
    TopProfessionsBy,
)
from graphql_schema.analytics.types import KnowledgeTestType, QualityFlagType, QuestionnaireType
from graphql_schema.context import Context
from graphql_schema.errors import forbidden
from graphql_schema.pagination import Connection, connection_from_page
from persistence.queries import quality as queries
from persistence.queries.pages import page_request
from persistence.queries.regional_index import SeasonIndex


@strawberry.type(name="RegionalIndex", description="The profession-choice index of one season.")
class RegionalIndexView:
    season: str
    respondents: int = strawberry.field(description="Respondents read (flagged ones excluded).")
    valid_respondents: int = strawberry.field(description="With a known region and profession.")
    excluded_respondents: int = strawberry.field(
        description="Left out for an uncleared quality flag in this season."
    )
    min_n: int = strawberry.field(description="Regions below this n are marked small.")
    disclosure_min_n: int = strawberry.field(
        description="Regions below this n show only n to this viewer (0 = all shown)."
    )
    data: strawberry.Private[SeasonIndex]

    def _target_of(self, kind: TargetKind, code: str | None) -> Target:
        if kind is TargetKind.DIGITAL:
            return DIGITAL
        if not code:
            raise InvalidInput("Name the profession or sphere.", field="code")
        return Target(kind, code)

    def _titles(self) -> dict[str, str]:
        return {p.code: p.title_ru for p in self.data.catalogue}

    @strawberry.field(description="Every target the index has, in report order.")
    def targets(self) -> list[IndexTarget]:
        titles = self._titles()
        return [IndexTarget.of(t, titles) for t in self.data.report.index.targets]

    @strawberry.field(description="Every region for one target (null for an unknown target).")
    def target(self, kind: TargetKind, code: str | None = None) -> list[RegionIndexCell] | None:
        report = self.data.report
        target = self._target_of(kind, code)
        try:
            cells = report.index.by_target(target)
        except KeyError:
            return None
        meta = IndexTarget.of(target, self._titles())
        regions = {r.code: r for r in self.data.regions}
        return [
            RegionIndexCell.of(
                cell,
                regions[cell.region_code],
                meta,
                report.bands.comparison(cell.region_code, target),
                self.disclosure_min_n,
            )
            for cell in cells
        ]

    @strawberry.field(description="National shares per performance band for one target.")
    def national_bands(self, kind: TargetKind, code: str | None = None) -> BandSplitFigures | None:
        target = self._target_of(kind, code)
        if target not in self.data.report.index.targets:
            return None
        return BandSplitFigures.of(self.data.report.bands.comparison(None, target), 0)

    @strawberry.field(description="A region's leading professions (null for an unknown region).")
    def top_professions(
        self, region: str, limit: int = 5, by: TopProfessionsBy = TopProfessionsBy.SHARE
    ) -> list[RegionIndexCell] | None:
        index = self.data.report.index
        regions = {r.code: r for r in self.data.regions}
        if region not in regions:
            return None
        if not 1 <= limit <= 50:
            raise InvalidInput("limit is 1–50.", field="limit")
        if index.n[index.region_position(region)] < self.disclosure_min_n:
            return []
        titles = self._titles()
        return [
            RegionIndexCell.of(cell, regions[region], IndexTarget.of(cell.target, titles), None, 0)
            for cell in index.top_professions(region, limit, TopBy(by.value))
        ]

    @strawberry.field(description="Additional education per region.")
    def additional_education(self) -> list[AdditionalEducationFigures]:
        regions = {r.code: r for r in self.data.regions}
        return [
            AdditionalEducationFigures.of(level, regions[level.region_code], self.disclosure_min_n)
            for level in self.data.report.additional_education.levels
        ]

    @strawberry.field(
        description="Spearman's ρ between additional education and the digital index."
    )
    def education_digital_correlation(self) -> RankCorrelationFigures:
        c = self.data.report.additional_education.correlation
        return RankCorrelationFigures(
            rho=c.rho, p_value=c.p_value, regions=c.regions, method=c.method
        )


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(description="Questionnaire definitions (items, scales, reverse keys).")
    async def questionnaires(self, info: strawberry.Info[Context, None]) -> list[QuestionnaireType]:
        rows = await info.context.read(queries.questionnaires)
        return [QuestionnaireType.from_domain(h, items) for h, items in rows]

    @strawberry.field(
        description="Test definitions with their answer keys: moderators and admins only."
    )
    async def knowledge_tests(
        self, info: strawberry.Info[Context, None]
    ) -> list[KnowledgeTestType] | None:
        if not may_review_quality_flags(info.context.viewer):
            raise forbidden("knowledgeTests")
        rows = await info.context.read(queries.knowledge_tests)
        return [KnowledgeTestType.from_domain(h, items) for h, items in rows]

    @strawberry.field(
        description="Quality flags for review, oldest first (moderators and admins only)."
    )
    async def quality_flags(
        self,
        info: strawberry.Info[Context, None],
        status: QualityFlagStatus | None = QualityFlagStatus.FLAGGED,
        season: str | None = None,
        subject: FlagSubject | None = None,
        instrument: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[QualityFlagType] | None:
        if not may_review_quality_flags(info.context.viewer):
            raise forbidden("qualityFlags")
        page = page_request(first, after, 1)
        flt = queries.FlagFilter(status, season, subject, instrument)
        result = await info.context.read(lambda s: queries.list_flags(s, flt, page))
        return connection_from_page(result, QualityFlagType.from_view)

    @strawberry.field(
        description="The regional profession-choice index of a season. Public: aggregate "
        "figures, with small regions withheld from non-staff viewers (docs/decisions.md)."
    )
    async def regional_index(
        self, info: strawberry.Info[Context, None], season: str, include_trials: bool = False
    ) -> RegionalIndexView | None:
        seasons = await info.context.loaders.seasons()
        if season not in seasons:
            return None
        services = info.context.services
        data = await services.index_cache.get(services.sessions, season, include_trials)
        report = data.report
        return RegionalIndexView(
            season=season,
            respondents=report.respondents,
            valid_respondents=report.valid_respondents,
            excluded_respondents=data.excluded,
            min_n=report.config.min_n,
            disclosure_min_n=index_disclosure_min_n(info.context.viewer),
            data=data,
        )
