"""A result import cut into chunks of any size settles every row as one chunk would.

Each database settles a chunk its own way (PostgreSQL in SQL, SQLite through
`domain.import_outcomes.settle`), and a duplicate or an earlier moderator choice may
sit in an earlier, already committed chunk; the report must not depend on where the
chunk boundaries fall.
"""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from domain.accounts import Role
from domain.policy import Viewer
from domain.services.import_resolution import resolve_import_row
from domain.services.imports import import_results
from persistence.tables.events import import_rows, results
from persistence.tables.people import participants
from tests.support import arrange


async def _world(state: Any) -> tuple[int, dict[str, int], str]:
    sessions = state.services.sessions
    tag = uuid.uuid4().hex[:8]
    org = await arrange.organization(sessions)
    event_id = await arrange.event(sessions, org, title=f"Chunks {tag}")
    ids = await arrange.participants(
        sessions,
        [
            {"last_name": f"Альфа{tag}", "first_name": "А", "email": f"a.{tag}@chunks.test"},
            {"last_name": f"Бета{tag}", "first_name": "Б", "email": f"b.{tag}@chunks.test"},
            {"last_name": f"Близнец{tag}", "first_name": "Пётр", "birth_date": date(2010, 5, 5)},
            {"last_name": f"Близнец{tag}", "first_name": "Петр", "birth_date": date(2010, 5, 5)},
            {"last_name": f"Стёртый{tag}", "first_name": "С", "email": f"e.{tag}@chunks.test"},
        ],
    )
    people = dict(zip(["a", "b", "twin1", "twin2", "erased"], ids, strict=True))
    async with sessions() as s, s.begin():
        await s.execute(
            sa.update(participants)
            .where(participants.c.id == people["erased"])
            .values(erased_at=datetime(2026, 11, 1, tzinfo=UTC))
        )
    return event_id, people, tag


def _file(people: dict[str, int], tag: str, extra: list[str] | None = None) -> bytes:
    lines = [
        "participant_id;email;last_name;first_name;birth_date;status;score",
        f"{people['a']};;;;;WINNER;10",  # 2 applied
        f";B.{tag}@CHUNKS.TEST;;;;PARTICIPANT;5",  # 3 applied
        f"{people['a']};;;;;WINNER;10",  # 4 the same row as row 2
        f";;близнец{tag};ПЕТР;05.05.2010;FINALIST;",  # 5 two participants match
        f";a.{tag}@chunks.test;;;;PARTICIPANT;1",  # 6 participant a had a result in row 2
        f"{people['erased']};;;;;WINNER;",  # 7 erased: nobody
        f";nobody.{tag}@chunks.test;;;;WINNER;",  # 8 nobody
        f"{people['b']};;;;;чемпион;",  # 9 unknown status
        f"{people['b']};;;;;PARTICIPANT;7",  # 10 participant b had a result in row 3
        f";;близнец{tag};петр;2010-05-05;FINALIST;",  # 11 the same row as row 5
        *(extra or []),
    ]
    return ("\n".join(lines) + "\n").encode()


EXPECTED = [
    (2, "APPLIED", None),
    (3, "APPLIED", None),
    (4, "INVALID", "DUPLICATE_ROW: the same row as row 2"),
    (5, "UNMATCHED", "AMBIGUOUS_PARTICIPANT: more than one participant matches; a moderator will choose"),
    (6, "INVALID", "DUPLICATE_ROW: this participant already has a result in row 2"),
    (7, "UNMATCHED", "UNKNOWN_PARTICIPANT: no participant matches"),
    (8, "UNMATCHED", "UNKNOWN_PARTICIPANT: no participant matches"),
    (9, "INVALID", "UNKNOWN_STATUS: unknown status `чемпион`"),
    (10, "INVALID", "DUPLICATE_ROW: this participant already has a result in row 3"),
    (11, "INVALID", "DUPLICATE_ROW: the same row as row 5"),
]  # fmt: skip


async def _report(state: Any, batch_id: int) -> list[tuple[int, str, str | None]]:
    async with state.services.sessions() as s:
        rows = await s.execute(
            sa.select(import_rows.c.row_number, import_rows.c.state, import_rows.c.reason)
            .where(import_rows.c.batch_id == batch_id)
            .order_by(import_rows.c.row_number)
        )
        return [(n, str(st), reason) for n, st, reason in rows]


async def test_the_report_does_not_depend_on_chunk_boundaries(state, make_staff) -> None:  # type: ignore[no-untyped-def]
    admin = await make_staff(Role.ADMIN)
    viewer = Viewer(account_id=admin.account_id, role=Role.ADMIN)
    for chunk_rows in (1, 2, 3, 4, 1000):
        event_id, people, tag = await _world(state)
        batch = await import_results(
            state.services.uow_factory, viewer, event_id, io.BytesIO(_file(people, tag)),
            "chunks.csv", state.services.clock, chunk_rows=chunk_rows,
        )  # fmt: skip
        assert batch.id is not None
        assert await _report(state, batch.id) == EXPECTED, chunk_rows
        counts = (batch.total_rows, batch.applied_rows, batch.unmatched_rows, batch.invalid_rows)
        assert counts == (10, 2, 3, 5), chunk_rows
        async with state.services.sessions() as s:
            applied = await s.execute(
                sa.select(results.c.participant_id, results.c.score).where(
                    results.c.event_id == event_id
                )
            )
            scores = {pid: float(score) for pid, score in applied}
        assert scores == {people["a"]: 10.0, people["b"]: 5.0}, chunk_rows


async def test_a_moderator_choice_follows_the_row_into_later_uploads(state, make_staff) -> None:  # type: ignore[no-untyped-def]
    admin = await make_staff(Role.ADMIN)
    moderator = await make_staff(Role.MODERATOR)
    viewer = Viewer(account_id=admin.account_id, role=Role.ADMIN)
    event_id, people, tag = await _world(state)
    first = await import_results(
        state.services.uow_factory, viewer, event_id, io.BytesIO(_file(people, tag)),
        "first.csv", state.services.clock, chunk_rows=3,
    )  # fmt: skip
    async with state.services.sessions() as s:
        twins_row = await s.scalar(
            sa.select(import_rows.c.id).where(
                import_rows.c.batch_id == first.id, import_rows.c.row_number == 5
            )
        )
    await resolve_import_row(
        state.services.uow_factory(),
        Viewer(account_id=moderator.account_id, role=Role.MODERATOR),
        int(twins_row),
        people["twin2"],
        state.services.clock,
    )
    # a corrected file (another SHA-256): the twins row now applies to the chosen twin
    second = await import_results(
        state.services.uow_factory, viewer, event_id,
        io.BytesIO(_file(people, tag, extra=[f";nobody2.{tag}@chunks.test;;;;WINNER;"])),
        "second.csv", state.services.clock, chunk_rows=2,
    )  # fmt: skip
    assert second.id is not None and second.id != first.id
    report = await _report(state, second.id)
    assert report[3] == (5, "APPLIED", None)
    assert report[-1] == (12, "UNMATCHED", "UNKNOWN_PARTICIPANT: no participant matches")
    async with state.services.sessions() as s:
        chosen = await s.scalar(
            sa.select(import_rows.c.participant_id).where(
                import_rows.c.batch_id == second.id, import_rows.c.row_number == 5
            )
        )
    assert chosen == people["twin2"]
    assert (second.applied_rows, second.unmatched_rows) == (3, 3)


async def test_characters_that_cannot_be_stored_make_the_row_invalid_not_the_upload(  # type: ignore[no-untyped-def]
    state, make_staff
) -> None:
    """A NUL character (CSV or JSON) or an unpaired surrogate (JSON `\\ud800`) cannot be
    stored as text in PostgreSQL; it failed the whole upload there (and was stored
    as is on SQLite). Now its row is INVALID with `BAD_TEXT`, shown with U+FFFD, and
    the other rows apply."""
    admin = await make_staff(Role.ADMIN)
    viewer = Viewer(account_id=admin.account_id, role=Role.ADMIN)
    event_id, people, _tag = await _world(state)
    csv_file = (
        f"participant_id;status;team\n{people['a']};WINNER;x\x00y\n"
        f"{people['b']};PARTICIPANT;\\u0000 typed\n"
    ).encode()
    batch_id = await _upload(state, viewer, event_id, csv_file, "nul.csv")
    reason = "`team` holds a NUL character or an unpaired surrogate"
    report = await _report(state, batch_id)
    assert [(n, st) for n, st, _ in report] == [(2, "INVALID"), (3, "APPLIED")]
    assert str(report[0][2]).startswith(f"BAD_TEXT: {reason}")
    json_file = (
        '[{"participant_id": %d, "status": "WINNER", "team": "a\\ud800b"},'
        ' {"participant_id": %d, "status": "WINNER", "te\\u0000am": "c"}]'
        % (people["a"], people["a"])
    ).encode()
    batch_id = await _upload(state, viewer, event_id, json_file, "nul.json")
    report = await _report(state, batch_id)
    assert [(n, st) for n, st, _ in report] == [(1, "INVALID"), (2, "INVALID")]
    assert str(report[0][2]).startswith(f"BAD_TEXT: {reason}")
    assert str(report[1][2]).startswith("BAD_TEXT: `te\ufffdam` holds")
    async with state.services.sessions() as s:
        raw = await s.scalar(
            sa.select(import_rows.c.raw).where(
                import_rows.c.batch_id == batch_id, import_rows.c.row_number == 1
            )
        )
        scores = dict(
            (await s.execute(
                sa.select(results.c.participant_id, results.c.team)
                .where(results.c.event_id == event_id)
            )).all()
        )  # fmt: skip
    assert raw["team"] == "a\ufffdb"
    assert scores == {people["b"]: "\\u0000 typed"}


async def _upload(state: Any, viewer: Viewer, event_id: int, data: bytes, name: str) -> int:
    batch = await import_results(
        state.services.uow_factory, viewer, event_id, io.BytesIO(data), name, state.services.clock
    )
    assert batch.id is not None
    return batch.id
