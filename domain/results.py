"""Results of participants in events, and the import batches they arrive in.

Every imported row ends in exactly one state; nothing an organizer sent is
dropped without a trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class ResultStatus(StrEnum):
    WINNER = "WINNER"
    PRIZE_WINNER = "PRIZE_WINNER"
    FINALIST = "FINALIST"
    PARTICIPANT = "PARTICIPANT"


class ResultSource(StrEnum):
    IMPORT = "IMPORT"
    MANUAL = "MANUAL"


class CompletionGrade(StrEnum):
    """Courses and tests without places: completed, or completed with distinction."""

    COMPLETED = "COMPLETED"
    DISTINCTION = "DISTINCTION"


@dataclass(eq=False)
class Result:
    event_id: int
    participant_id: int
    status: ResultStatus
    source: ResultSource
    created_at: datetime
    updated_at: datetime
    score: Decimal | None = None
    max_score: Decimal | None = None
    place: int | None = None
    team: str | None = None
    completion: CompletionGrade | None = None
    import_row_id: int | None = None
    id: int | None = None


class ImportFormat(StrEnum):
    CSV = "CSV"
    JSON = "JSON"


class ImportBatchStatus(StrEnum):
    RECEIVED = "RECEIVED"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class ImportRowState(StrEnum):
    APPLIED = "APPLIED"
    UNMATCHED = "UNMATCHED"
    INVALID = "INVALID"


@dataclass(eq=False)
class ImportBatch:
    event_id: int
    uploaded_by_account_id: int
    filename: str
    format: ImportFormat
    sha256: str
    status: ImportBatchStatus
    created_at: datetime
    total_rows: int = 0
    applied_rows: int = 0
    unmatched_rows: int = 0
    invalid_rows: int = 0
    completed_at: datetime | None = None
    failure_reason: str | None = None
    id: int | None = None


@dataclass(eq=False)
class ImportRow:
    batch_id: int
    row_number: int
    row_hash: str
    state: ImportRowState
    created_at: datetime
    raw: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    participant_id: int | None = None
    result_id: int | None = None
    resolved_by_account_id: int | None = None
    resolved_at: datetime | None = None
    row_key: str | None = None
    id: int | None = None
