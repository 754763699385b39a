"""Due privacy work: consents past their expiry, and erasures whose date has come.

`talent privacy run-due` and the server's periodic task both call `run_due`.
Each erasure is its own transaction, idempotent (`erased_at` guards it), so
several processes may run it at once. Evidence files are deleted before the
transaction commits: if the commit then fails, the rows still name the files
and the next run deletes them again (a missing file is no error), so no file
can outlive the erasure unreferenced.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from domain.consents import ConsentStatus
from domain.outbox import OutboxMessage
from domain.ports import BlobStore, Clock, UnitOfWork
from domain.services.consents import expire_consent

log = logging.getLogger("talent.privacy")

BATCH = 200


@dataclass
class RunReport:
    expired_consents: int = 0
    erased_participants: int = 0
    deleted_files: int = 0


def anonymous_nickname() -> str:
    """Random, so nothing about the old nickname survives (it may have been a name)."""
    return f"anon-{secrets.token_hex(6)}"


async def expire_due_consents(uow_factory: Callable[[], UnitOfWork], clock: Clock) -> int:
    now = clock.now()
    count = 0
    while True:
        uow = uow_factory()
        async with uow:
            due = list(await uow.consents.due_to_expire(now, BATCH))
            for consent in due:
                participant = await uow.participants.get(consent.participant_id)
                assert participant is not None
                count += int(await expire_consent(uow, consent, participant, now))
            await uow.commit()
        if len(due) < BATCH:
            return count


async def erase_due(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, blobs: BlobStore | None
) -> tuple[int, int]:
    """Erase every participant whose erasure date has passed; (erased, files deleted)."""
    now = clock.now()
    uow = uow_factory()
    async with uow:
        due = list(await uow.privacy.due_erasures(now, 10_000))
    erased = files = 0
    for participant_id in due:
        uow = uow_factory()
        async with uow:
            keys = list(await uow.privacy.evidence_keys(participant_id))
            if keys and blobs is None:
                log.warning(
                    "no blob store configured: %d evidence file keys of participant %d are "
                    "cleared, the files themselves must be removed by the operator",
                    len(keys),
                    participant_id,
                )
            for key in keys if blobs is not None else ():
                assert blobs is not None
                await blobs.delete(key)
                files += 1
            revoked = await uow.privacy.erase(participant_id, now, anonymous_nickname())
            if revoked is None:
                continue
            for purpose in revoked:
                uow.outbox.add(
                    OutboxMessage(
                        topic="consent.changed",
                        payload={
                            "participant_id": participant_id,
                            "purpose": purpose.value,
                            "status": ConsentStatus.REVOKED.value,
                        },
                        created_at=now,
                    )
                )
            uow.outbox.add(
                OutboxMessage(
                    topic="participant.erased",
                    payload={"participant_id": participant_id},
                    created_at=now,
                )
            )
            await uow.commit()
            erased += 1
    return erased, files


async def run_due(
    uow_factory: Callable[[], UnitOfWork], clock: Clock, blobs: BlobStore | None = None
) -> RunReport:
    report = RunReport()
    report.expired_consents = await expire_due_consents(uow_factory, clock)
    report.erased_participants, report.deleted_files = await erase_due(uow_factory, clock, blobs)
    return report
