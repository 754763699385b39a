"""Who read a participant's personal data: the access log (152-FZ accountability)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(eq=False)
class AccessLogEntry:
    viewer_account_id: int
    participant_id: int
    operation: str
    at: datetime
    fields: list[str] = field(default_factory=list)
    request_id: str | None = None
    id: int | None = None
