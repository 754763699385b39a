"""Read path of the regional index: one season's answers as a ChoiceTable, and a cache.

Respondents of a season are the participants with profession choices in it (and, when
trials count as choices, with professional trials or festival visits in it), less
those with an uncleared quality flag in that season (`excluded_participant_ids`; the
rating's narrower rule is `domain.quality_exclusions`). A respondent's region is the
one of their season profile, else their participant region; the average mark comes
from the profile; additional education = club activity in the profile or any trial in
the season.

Reading a season of a million respondents takes seconds, so computed reports are cached
per process, keyed by season, the trials switch and the analytics revision (a counter
that every import, flag run and flag decision bumps in its own transaction): any
change, made by any process, makes the next read recompute.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.analytics.regional_index import (
    ChoiceTable,
    IndexConfig,
    Profession,
    RegionalIndexReport,
    compute_regional_index,
)
from domain.analytics_records import UNCLEARED
from domain.reference import Profession as CatalogueEntry
from domain.reference import Region
from persistence.analytics_matrix import current_revision, fetch_all
from persistence.tables import analytics as t
from persistence.tables.people import participants
from persistence.tables.reference import professions, regions

READ_BATCH = 50_000


async def excluded_participant_ids(session: AsyncSession, season: str) -> frozenset[int]:
    """Participants whose questionnaire response or test attempt of `season` carries an
    uncleared (FLAGGED or CONFIRMED) quality flag: left out of the season's index."""
    rows = await session.scalars(
        sa.select(t.quality_flags.c.participant_id)
        .where(t.quality_flags.c.season_code == season, t.quality_flags.c.status.in_(UNCLEARED))
        .distinct()
    )
    return frozenset(rows)


@dataclass(frozen=True)
class IndexInputs:
    table: ChoiceTable
    regions: tuple[Region, ...]
    catalogue: tuple[CatalogueEntry, ...]
    excluded: int  # respondents left out for an uncleared flag


async def reference_lists(
    session: AsyncSession,
) -> tuple[tuple[Region, ...], tuple[CatalogueEntry, ...]]:
    region_rows = await session.scalars(sa.select(Region).order_by(regions.c.code))
    catalogue = await session.scalars(sa.select(CatalogueEntry).order_by(professions.c.code))
    return tuple(region_rows), tuple(catalogue)


def _chosen(season: str, include_trials: bool) -> Any:
    """(participant, profession) pairs of the season: choices, and trials if asked."""
    choices = sa.select(
        t.profession_choices.c.participant_id, t.profession_choices.c.profession_code
    ).where(t.profession_choices.c.season_code == season)
    if not include_trials:
        return choices
    trials = sa.select(
        t.professional_trials.c.participant_id, t.professional_trials.c.profession_code
    ).where(t.professional_trials.c.season_code == season)
    return sa.union_all(choices, trials)


def _respondents(season: str, include_trials: bool) -> Any:
    """One row per respondent, by id: region, mark, additional education."""
    rs, tr = t.respondent_seasons, t.professional_trials
    ids: Any = sa.select(t.profession_choices.c.participant_id).where(
        t.profession_choices.c.season_code == season
    )
    if include_trials:
        ids = sa.union(ids, sa.select(tr.c.participant_id).where(tr.c.season_code == season))
    else:
        ids = ids.distinct()
    chosen = ids.subquery("chosen")
    tried = sa.select(tr.c.participant_id).where(tr.c.season_code == season).distinct()
    tried_sq = tried.subquery("tried")
    return (
        sa.select(
            chosen.c.participant_id,
            sa.func.coalesce(rs.c.region_code, participants.c.region_code),
            sa.cast(rs.c.average_mark, sa.Float),
            sa.func.coalesce(rs.c.club_activity, sa.false()),
            tried_sq.c.participant_id.is_not(None),
        )
        .select_from(chosen)
        .join(participants, participants.c.id == chosen.c.participant_id)
        .outerjoin(
            rs, sa.and_(rs.c.participant_id == chosen.c.participant_id, rs.c.season_code == season)
        )
        .outerjoin(tried_sq, tried_sq.c.participant_id == chosen.c.participant_id)
        .order_by(chosen.c.participant_id)
    )


async def load_index_inputs(
    session: AsyncSession, season: str, include_trials: bool
) -> IndexInputs:
    region_list, catalogue = await reference_lists(session)
    excluded = np.fromiter(await excluded_participant_ids(session, season), np.int64)
    pairs = await fetch_all(session, _chosen(season, include_trials))
    people = await fetch_all(session, _respondents(season, include_trials))
    region_codes = tuple(r.code for r in region_list)
    region_row = {code: i for i, code in enumerate(region_codes)}
    profession_codes = tuple(p.code for p in catalogue)
    profession_col = {code: i for i, code in enumerate(profession_codes)}
    ids = np.fromiter((row[0] for row in people), np.int64, count=len(people))
    kept = ~np.isin(ids, excluded)
    region = np.fromiter(
        (region_row.get(row[1], -1) if row[1] else -1 for row in people), np.int64, len(people)
    )
    marks = np.fromiter(
        (np.nan if row[2] is None else row[2] for row in people), np.float64, len(people)
    )
    activity = np.fromiter((bool(row[3]) or bool(row[4]) for row in people), np.bool_, len(people))
    choice_pid = np.fromiter((row[0] for row in pairs), np.int64, count=len(pairs))
    prof_index = np.fromiter(
        (profession_col.get(row[1], -1) for row in pairs), np.int64, count=len(pairs)
    )
    # respondents are numbered in the kept order; a choice of an excluded one drops out
    position = np.full(len(ids), -1, dtype=np.int64)
    position[kept] = np.arange(int(kept.sum()))
    at = np.searchsorted(ids, choice_pid)
    at = np.minimum(at, max(len(ids) - 1, 0))
    found = (ids[at] == choice_pid) if len(ids) else np.zeros(len(choice_pid), np.bool_)
    respondent = np.where(found, position[at], -1)
    keep = (respondent >= 0) & (prof_index >= 0)
    table = ChoiceTable(
        region_codes=region_codes,
        profession_codes=profession_codes,
        region=region[kept],
        average_mark=marks[kept],
        additional_education=activity[kept],
        choice_respondent=respondent[keep],
        choice_profession=prof_index[keep],
    )
    return IndexInputs(table, region_list, catalogue, int((~kept).sum()))


def to_domain_catalogue(catalogue: Sequence[CatalogueEntry]) -> list[Profession]:
    return [Profession(p.code, p.sphere, bool(p.is_digital)) for p in catalogue]


@dataclass(frozen=True)
class SeasonIndex:
    """A computed report with the reference data it was computed against."""

    report: RegionalIndexReport
    regions: tuple[Region, ...]
    catalogue: tuple[CatalogueEntry, ...]
    excluded: int
    revision: int


class RegionalIndexCache:
    """Per-process cache of season reports, keyed by (season, trials, revision)."""

    def __init__(self, capacity: int = 8, config: IndexConfig | None = None) -> None:
        self.capacity = capacity
        self.config = config or IndexConfig()
        self._reports: OrderedDict[tuple[str, bool, int], SeasonIndex] = OrderedDict()
        self._locks: dict[tuple[str, bool], asyncio.Lock] = {}

    async def get(
        self, sessions: async_sessionmaker[AsyncSession], season: str, include_trials: bool
    ) -> SeasonIndex:
        async with sessions() as session:
            revision = await current_revision(session)
        key = (season, include_trials, revision)
        if key in self._reports:
            self._reports.move_to_end(key)
            return self._reports[key]
        lock = self._locks.setdefault((season, include_trials), asyncio.Lock())
        async with lock:
            if key not in self._reports:
                async with sessions() as session:
                    inputs = await load_index_inputs(session, season, include_trials)
                report = compute_regional_index(
                    inputs.table,
                    [r.code for r in inputs.regions],
                    to_domain_catalogue(inputs.catalogue),
                    season=season,
                    config=self.config,
                )
                self._reports[key] = SeasonIndex(
                    report, inputs.regions, inputs.catalogue, inputs.excluded, revision
                )
                while len(self._reports) > self.capacity:
                    self._reports.popitem(last=False)
            return self._reports[key]
