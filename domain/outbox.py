"""Messages for other parts of the system, written with the change that caused them.

Writing the message in the same transaction as the change means a reader never
sees one without the other (the transactional outbox).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(eq=False)
class OutboxMessage:
    topic: str
    created_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    published_at: datetime | None = None
    id: int | None = None
