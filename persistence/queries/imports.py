"""Read paths of imports: batch reports, their rows, and the moderators' queue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import ImportBatch, ImportRow, ImportRowState, Result
from persistence.queries.pages import Page, PageRequest, encode_cursor
from persistence.tables.events import events, import_batches, import_rows, results


async def batches_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, ImportBatch]:
    rows = await session.scalars(sa.select(ImportBatch).where(import_batches.c.id.in_(ids)))
    return {b.id: b for b in rows if b.id is not None}


async def rows_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, ImportRow]:
    rows = await session.scalars(sa.select(ImportRow).where(import_rows.c.id.in_(ids)))
    return {r.id: r for r in rows if r.id is not None}


async def _page(
    session: AsyncSession,
    stmt: sa.Select[Any],
    conditions: list[sa.ColumnElement[bool]],
    key: sa.ColumnElement[int],
    page: PageRequest,
    cursor_of: str,
) -> Page[ImportRow]:
    paged = stmt.where(*conditions)
    if page.after is not None:
        paged = paged.where(key > int(page.after[0]))
    items_all = list((await session.scalars(paged.order_by(key).limit(page.first + 1))).all())
    total = await session.scalar(
        sa.select(sa.func.count()).select_from(import_rows).where(*conditions)
    )
    items = items_all[: page.first]
    return Page(
        items=items,
        cursors=[encode_cursor([getattr(r, cursor_of)]) for r in items],
        has_next_page=len(items_all) > page.first,
        has_previous_page=page.after is not None,
        total_count=int(total or 0),
    )


async def batch_rows(
    session: AsyncSession, batch_id: int, state: ImportRowState | None, page: PageRequest
) -> Page[ImportRow]:
    """A batch's rows in file order, optionally of one state."""
    conditions = [import_rows.c.batch_id == batch_id]
    if state is not None:
        conditions.append(import_rows.c.state == state)
    return await _page(
        session, sa.select(ImportRow), conditions, import_rows.c.row_number, page, "row_number"
    )


async def unmatched_rows(
    session: AsyncSession, event_id: int | None, page: PageRequest
) -> Page[ImportRow]:
    """The moderators' queue, oldest first."""
    conditions: list[sa.ColumnElement[bool]] = [import_rows.c.state == ImportRowState.UNMATCHED]
    if event_id is not None:
        conditions.append(
            import_rows.c.batch_id.in_(
                sa.select(import_batches.c.id).where(import_batches.c.event_id == event_id)
            )
        )
    return await _page(session, sa.select(ImportRow), conditions, import_rows.c.id, page, "id")


async def event_batches(
    session: AsyncSession, event_id: int, page: PageRequest
) -> Page[ImportBatch]:
    conditions = [import_batches.c.event_id == event_id]
    stmt = sa.select(ImportBatch).where(*conditions)
    if page.after is not None:
        stmt = stmt.where(import_batches.c.id < int(page.after[0]))
    found = list(
        await session.scalars(stmt.order_by(import_batches.c.id.desc()).limit(page.first + 1))
    )
    total = await session.scalar(
        sa.select(sa.func.count()).select_from(import_batches).where(*conditions)
    )
    items = found[: page.first]
    return Page(
        items=items,
        cursors=[encode_cursor([b.id]) for b in items],
        has_next_page=len(found) > page.first,
        has_previous_page=page.after is not None,
        total_count=int(total or 0),
    )


async def event_results(session: AsyncSession, event_id: int, page: PageRequest) -> Page[Result]:
    """An event's results, best place first, then by id."""
    conditions = [results.c.event_id == event_id]
    stmt = sa.select(Result).where(*conditions)
    if page.after is not None:
        stmt = stmt.where(results.c.id > int(page.after[0]))
    found = list(await session.scalars(stmt.order_by(results.c.id).limit(page.first + 1)))
    total = await session.scalar(sa.select(sa.func.count()).select_from(results).where(*conditions))
    items = found[: page.first]
    return Page(
        items=items,
        cursors=[encode_cursor([r.id]) for r in items],
        has_next_page=len(found) > page.first,
        has_previous_page=page.after is not None,
        total_count=int(total or 0),
    )


async def organizer_of_batches(session: AsyncSession, batch_ids: Sequence[int]) -> dict[int, int]:
    rows = await session.execute(
        sa.select(import_batches.c.id, events.c.organizer_id)
        .join(events, events.c.id == import_batches.c.event_id)
        .where(import_batches.c.id.in_(batch_ids))
    )
    return {batch_id: organizer for batch_id, organizer in rows}
