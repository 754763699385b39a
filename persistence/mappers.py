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
from domain.achievements import (
    Achievement,
    AchievementDirection,
    AchievementTransition,
    Evidence,
)
from domain.analytics_records import (
    AnalyticsImport,
    KnowledgeTest,
    KnowledgeTestAttempt,
    KnowledgeTestItem,
    ProfessionalTrial,
    ProfessionChoice,
    QualityFlag,
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireResponse,
    RespondentSeason,
)
from domain.consents import Consent, ConsentDocument, ConsentHistoryEntry
from domain.events import Event, EventDirection, Registration
from domain.guardians import Guardian, GuardianLink
from domain.identity import IdentityNonce, ParticipantVerification
from domain.outbox import OutboxMessage
from domain.participants import Participant
from domain.ratings import (
    Diploma,
    RatingBoard,
    RatingEntry,
    RatingEvent,
    RatingRules,
)
from domain.reference import Direction, Profession, Region, Season
from domain.results import ImportBatch, ImportRow, Result
from persistence.tables import accounts as t_accounts
from persistence.tables import achievements as t_achievements
from persistence.tables import analytics as t_analytics
from persistence.tables import audit as t_audit
from persistence.tables import consents as t_consents
from persistence.tables import events as t_events
from persistence.tables import identity as t_identity
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
    (IdentityNonce, t_identity.idp_nonces),
    (ParticipantVerification, t_identity.participant_verifications),
    (Event, t_events.events),
    (EventDirection, t_events.event_directions),
    (Registration, t_events.registrations),
    (ImportBatch, t_events.import_batches),
    (ImportRow, t_events.import_rows),
    (Result, t_events.results),
    (Achievement, t_achievements.achievements),
    (AchievementDirection, t_achievements.achievement_directions),
    (Evidence, t_achievements.evidence),
    (AchievementTransition, t_achievements.achievement_transitions),
    (RatingRules, t_ratings.rating_rules),
    (RatingEntry, t_ratings.rating_entries),
    (RatingEvent, t_ratings.rating_events),
    (RatingBoard, t_ratings.rating_boards),
    (Diploma, t_ratings.diplomas),
    (AccessLogEntry, t_audit.access_log),
    (OutboxMessage, t_audit.outbox),
    (Questionnaire, t_analytics.questionnaires),
    (QuestionnaireItem, t_analytics.questionnaire_items),
    (QuestionnaireResponse, t_analytics.questionnaire_responses),
    (KnowledgeTest, t_analytics.knowledge_tests),
    (KnowledgeTestItem, t_analytics.knowledge_test_items),
    (KnowledgeTestAttempt, t_analytics.knowledge_test_attempts),
    (ProfessionalTrial, t_analytics.professional_trials),
    (ProfessionChoice, t_analytics.profession_choices),
    (RespondentSeason, t_analytics.respondent_seasons),
    (QualityFlag, t_analytics.quality_flags),
    (AnalyticsImport, t_analytics.analytics_imports),
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
