"""A moderator resolves an UNMATCHED import row by choosing its participant.

Resolving applies the row (the result is upserted like an imported one, with its
`results.applied` message) and is remembered: open rows with the same row key —
the same row uploaded again — follow the choice, and later uploads of that row
apply to the chosen participant directly (`ImportRepository.resolved_before`).
"""

from __future__ import annotations

from domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.imports import parse_row
from domain.outbox import OutboxMessage
from domain.policy import Viewer, can_resolve_import_rows, require_signed_in
from domain.ports import Clock, UnitOfWork
from domain.results import ImportRow, ImportRowState
from domain.services.imports import RESULTS_APPLIED


async def resolve_import_row(
    uow: UnitOfWork, viewer: Viewer, row_id: int, participant_id: int, clock: Clock
) -> ImportRow:
    """A moderator picks the participant of an UNMATCHED row, which applies it.
    Open rows with the same key (the same row uploaded again) follow the choice."""
    require_signed_in(viewer)
    if viewer.account_id is None or not can_resolve_import_rows(viewer):
        raise Forbidden("Only moderators resolve unmatched rows.")
    async with uow:
        row = await uow.imports.get_row(row_id)
        if row is None:
            raise NotFound("No such import row.", field="rowId")
        if row.state != ImportRowState.UNMATCHED:
            raise Conflict("This row is not waiting for a participant any more.", field="rowId")
        batch = await uow.imports.get_batch(row.batch_id)
        participant = await uow.participants.get(participant_id)
        if batch is None or participant is None or participant.erased_at is not None:
            raise NotFound("No such participant.", field="participantId")
        parsed = parse_row(batch.event_id, row.row_number, row.raw)
        if parsed.values is None:
            raise InvalidInput("The row's values are not valid.", field="rowId")
        earlier, _ = await uow.imports.seen_in_batch(batch.id or 0, [participant_id], [])
        if participant_id in earlier:
            raise Conflict(
                f"This participant already has a result in row {earlier[participant_id]} "
                "of the same file.",
                field="participantId",
            )
        now = clock.now()
        rows = [row, *await uow.imports.open_rows_with_key(row.row_key or "", row.id or 0)]
        for item in rows:
            assert item.id is not None
            if not await uow.imports.resolve_row(item.id, participant_id, viewer.account_id, now):
                raise Conflict("Another moderator resolved this row just now.", field="rowId")
            item_batch = await uow.imports.get_batch(item.batch_id)
            if item_batch is not None:
                item_batch.unmatched_rows -= 1
                item_batch.applied_rows += 1
        row.participant_id = participant_id
        row.state = ImportRowState.APPLIED
        row.resolved_by_account_id = viewer.account_id
        row.resolved_at = now
        if await uow.imports.apply_row(row, batch.event_id, parsed.values, now):
            uow.outbox.add(
                OutboxMessage(
                    topic=RESULTS_APPLIED,
                    created_at=now,
                    payload={"event_id": batch.event_id, "participant_ids": [participant_id]},
                )
            )
        await uow.commit()
        return row
