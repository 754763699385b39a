"""How data-quality flags reach the rating.

`shared/spec/rating.md`: responses flagged as careless or as rapid guessing and not
cleared by a moderator do not count. Questionnaire responses never feed a rating
(they are career-guidance surveys); a knowledge test's attempts are the responses
behind an event's results when the test names that event (`knowledge_tests.event_id`,
the TEST import's `event` column). So: a participant's result in that event, and an
achievement they linked to it, are left out while an attempt of theirs at the test
has an uncleared flag (`FLAGGED` or `CONFIRMED`).

Whatever can change that — a flag rule run, a moderator's decision, an attempt whose
changed answers dropped its flag, a test linked to another event — writes
`quality.exclusions_changed {participant_ids}` in its own transaction, and the rating
consumer reprices those participants (`domain.services.rating_updates`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from domain.outbox import OutboxMessage
from domain.ports import UnitOfWork

EXCLUSIONS_CHANGED = "quality.exclusions_changed"


def announce_exclusions(uow: UnitOfWork, participant_ids: Collection[int], now: datetime) -> None:
    """Write `quality.exclusions_changed` for these participants with the unit of
    work's change (nothing when there are none)."""
    if participant_ids:
        uow.outbox.add(
            OutboxMessage(
                topic=EXCLUSIONS_CHANGED,
                created_at=now,
                payload={"participant_ids": sorted(participant_ids)},
            )
        )
