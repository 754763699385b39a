"""Workflow and evidence rules: every illegal transition is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import product

import pytest

from domain.achievements import ALLOWED_TRANSITIONS, AchievementStatus, check_transition
from domain.errors import InvalidInput
from domain.events import (
    EVENT_TRANSITIONS,
    Event,
    EventKind,
    EventLevel,
    EventStatus,
    change_status,
)
from domain.evidence import check_evidence_file, detect_type, safe_filename, validate_link

NOW = datetime(2026, 11, 1, tzinfo=UTC)
LEGAL = {
    (AchievementStatus.DRAFT, AchievementStatus.SUBMITTED),
    (AchievementStatus.SUBMITTED, AchievementStatus.APPROVED),
    (AchievementStatus.SUBMITTED, AchievementStatus.REJECTED),
    (AchievementStatus.SUBMITTED, AchievementStatus.NEEDS_CHANGES),
    (AchievementStatus.NEEDS_CHANGES, AchievementStatus.SUBMITTED),
}


@pytest.mark.parametrize("current,to", list(product(AchievementStatus, AchievementStatus)))
def test_achievement_workflow_allows_exactly_the_spec(current, to) -> None:  # type: ignore[no-untyped-def]
    assert ((current, to) in LEGAL) == (to in ALLOWED_TRANSITIONS[current])
    if (current, to) in LEGAL:
        check_transition(current, to)
    else:
        with pytest.raises(InvalidInput):
            check_transition(current, to)


def _event(status: EventStatus) -> Event:
    return Event("T", EventKind.OLYMPIAD, EventLevel.SCHOOL, "2026/27", date(2026, 12, 1),
                 date(2026, 12, 1), True, 1, status, NOW, NOW)  # fmt: skip


@pytest.mark.parametrize("current,to", list(product(EventStatus, EventStatus)))
def test_event_lifecycle(current: EventStatus, to: EventStatus) -> None:
    event = _event(current)
    if to in EVENT_TRANSITIONS[current]:
        assert change_status(event, to, NOW) is current and event.status is to
    else:
        with pytest.raises(InvalidInput):
            change_status(event, to, NOW)
        assert event.status is current


@pytest.mark.parametrize(
    "head,expected",
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\0\0", "image/png"),
        (b"\xff\xd8\xff\xe0\0\x10JFIF", "image/jpeg"),
        (b"MZ\x90\0", None),
        (b"<html>", None),
    ],
)
def test_type_comes_from_magic_bytes(head: bytes, expected: str | None) -> None:
    kind = detect_type(head)
    assert (kind.content_type if kind else None) == expected


def test_empty_oversized_and_unknown_files_are_refused() -> None:
    with pytest.raises(InvalidInput, match="empty"):
        check_evidence_file(b"", 0, 100)
    with pytest.raises(InvalidInput, match="limit"):
        check_evidence_file(b"%PDF-", 101, 100)
    with pytest.raises(InvalidInput, match="PDF, PNG and JPEG"):
        check_evidence_file(b"MZ\x90\0", 50, 100)


def test_stored_name_is_safe_and_ends_in_the_real_type() -> None:
    kind = detect_type(b"\x89PNG\r\n\x1a\n")
    assert kind is not None
    assert safe_filename("../../etc/диплом.pdf", kind) == "диплом.png"
    assert safe_filename(None, kind) == "evidence.png"


def test_links_must_be_http() -> None:
    assert validate_link(" https://olymp.example/diploma/1 ") == "https://olymp.example/diploma/1"
    for bad in ("javascript:alert(1)", "ftp://x", "https://", "x" * 3000):
        with pytest.raises(InvalidInput):
            validate_link(bad)
