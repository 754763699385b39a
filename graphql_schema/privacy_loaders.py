"""Per-request loaders of the data permission decisions need (issue 3).

Consents, links and organizer relations are read once per request for all the
rows it touches, from current data: a consent revoked by the previous request
is already gone from this one. Never cached across requests — nor for the life of
a subscription: a long-lived context must decide each message from facts read for
that message (see `graphql_schema/ratings/views.py`), not from these caches.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from strawberry.dataloader import DataLoader

from domain.consents import Consent, ConsentDocument, ConsentHistoryEntry, ConsentPurpose
from domain.guardians import GuardianLink
from domain.policy import Viewer
from domain.ports import Clock
from graphql_schema.loaders import Reader, _by_key
from persistence.queries import privacy as queries


class PrivacyLoaders:
    def __init__(self, read: Reader, viewer: Callable[[], Viewer], clock: Clock) -> None:
        self._read = read
        self._viewer = viewer
        self._clock = clock
        self._now: datetime | None = None
        self.consents: DataLoader[int, list[Consent]] = DataLoader(
            _by_key(read, queries.consents_of)
        )
        self.consent: DataLoader[int, Consent | None] = DataLoader(
            _by_key(read, queries.consents_by_ids)
        )
        self.document: DataLoader[int, ConsentDocument | None] = DataLoader(
            _by_key(read, queries.documents_by_ids)
        )
        self.history_entry: DataLoader[int, ConsentHistoryEntry | None] = DataLoader(
            _by_key(read, queries.history_by_ids)
        )
        self.links_of_participant: DataLoader[int, list[GuardianLink]] = DataLoader(
            _by_key(read, queries.links_of_participants)
        )
        self.links_of_guardian: DataLoader[int, list[GuardianLink]] = DataLoader(
            _by_key(read, queries.links_of_guardians)
        )
        self.link: DataLoader[int, GuardianLink | None] = DataLoader(
            _by_key(read, queries.links_by_ids)
        )
        self.access_entry: DataLoader[int, queries.AccessLogRow | None] = DataLoader(
            _by_key(read, queries.access_entries_by_ids)
        )
        self.organizer_related: DataLoader[int, bool] = DataLoader(self._organizer_related)
        self.primed_consents: dict[int, frozenset[ConsentPurpose]] = {}
        """Purposes in force that a list query already evaluated for this viewer."""

    @property
    def now(self) -> datetime:
        """One 'now' per request, so every decision in it sees the same moment."""
        if self._now is None:
            self._now = self._clock.now()
        return self._now

    async def _organizer_related(self, participant_ids: list[int]) -> list[bool]:
        organization_id = self._viewer().organization_id
        if organization_id is None:
            return [False] * len(participant_ids)
        found: set[int] = await self._read(
            lambda s: queries.organizer_related_ids(s, organization_id, participant_ids)
        )
        return [pid in found for pid in participant_ids]
