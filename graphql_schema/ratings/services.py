"""What the rating resolvers need from the composition root (built in `api`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from domain.diplomas import CredentialSigner
from domain.rating_engine.ports import RatingStore
from graphql_schema.access_log import AccessRecorder
from persistence.rating_feed import RatingFeed


class CopyingRecorder(AccessRecorder):
    """Keeps a copy of what went to the access log, for the response cache to write
    again whenever it serves the same page to a logged viewer."""

    __slots__ = ("copied",)

    def __init__(self) -> None:
        super().__init__()
        self.copied: dict[int, set[str]] = {}

    def take(self) -> dict[int, set[str]]:
        reads = super().take()
        for participant_id, fields in reads.items():
            self.copied.setdefault(participant_id, set()).update(fields)
        return reads


@dataclass
class CacheHints:
    """What a leaderboard resolver tells the response cache about the page it
    built: the board it depends on and until when its permission decisions hold
    (the earliest expiry among the consents that opened something)."""

    boards: set[tuple[str, str]] = field(default_factory=set)
    participants: set[int] = field(default_factory=set)
    """Every participant with a row on the page (named or not)."""
    filtered: bool = False
    """A region or grade filter: anyone's change may move a row in or out."""
    valid_until: float | None = None
    cacheable: bool = True
    recorder: CopyingRecorder = field(default_factory=CopyingRecorder)

    def expires(self, at: float) -> None:
        self.valid_until = at if self.valid_until is None else min(self.valid_until, at)


@dataclass(frozen=True)
class RatingServices:
    stores: Callable[[], RatingStore]
    feed: RatingFeed
    signer: CredentialSigner
    retention_seconds: int
    max_top: int = 1000


HINTS_KEY = "talent.rating_cache_hints"
"""Where a request's `CacheHints` live in the ASGI scope's state."""
