"""Imperative mapping of the plain domain classes onto the tables.

The domain never learns it is stored (cosmicpython style). No relationships are
mapped: aggregates refer to each other by id, so nothing can lazy-load behind a
resolver's back. `start_mappers()` is idempotent.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import registry

from domain.access_log import AccessLogEntry
from domain.accounts import Account, Organization, RefreshToken
from domain.achievements import Achievement, AchievementDirection, Evidence
from domain.consents import Consent, ConsentDocument, ConsentHistoryEntry
from domain.events import Event, EventDirection, Registration
from domain.guardians import Guardian, GuardianLink
from domain.outbox import OutboxMessage
from domain.participants import Participant
from domain.ratings import RatingContribution, RatingEntry, RatingEvent, RatingRules
from domain.reference import Direction, Profession, Region, Season
from domain.results import ImportBatch, ImportRow, Result
from persistence.tables import accounts as t_accounts
from persistence.tables import achievements as t_achievements
from persistence.tables import audit as t_audit
from persistence.tables import consents as t_consents
from persistence.tables import events as t_events
from persistence.tables import people as t_people
from persistence.tables import ratings as t_ratings
from persistence.tables import reference as t_reference

mapper_registry = registry()

_MAPPINGS: list[tuple[type, sa.Table]] = [
    (Season, t_reference.seasons),
    (Direction, t_reference.directions),
    (Region, t_reference.regions),
    (Profession, t_reference.professions),
    (Organization, t_accounts.organizations),
    (Account, t_accounts.accounts),
    (RefreshToken, t_accounts.refresh_tokens),
    (Participant, t_people.participants),
    (Guardian, t_people.guardians),
    (GuardianLink, t_people.guardian_links),
    (ConsentDocument, t_consents.consent_documents),
    (Consent, t_consents.consents),
    (ConsentHistoryEntry, t_consents.consent_history),
    (Event, t_events.events),
    (EventDirection, t_events.event_directions),
    (Registration, t_events.registrations),
    (ImportBatch, t_events.import_batches),
    (ImportRow, t_events.import_rows),
    (Result, t_events.results),
    (Achievement, t_achievements.achievements),
    (AchievementDirection, t_achievements.achievement_directions),
    (Evidence, t_achievements.evidence),
    (RatingRules, t_ratings.rating_rules),
    (RatingEntry, t_ratings.rating_entries),
    (RatingContribution, t_ratings.rating_contributions),
    (RatingEvent, t_ratings.rating_events),
    (AccessLogEntry, t_audit.access_log),
    (OutboxMessage, t_audit.outbox),
]

_started = False


def start_mappers() -> None:
    """Map every domain class once per process (mapping twice is an error)."""
    global _started
    if _started:
        return
    for cls, table in _MAPPINGS:
        mapper_registry.map_imperatively(cls, table)
    _started = True
