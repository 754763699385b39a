"""A clock the test moves: the domain's 'now' for age rules, expiries and erasure."""

from __future__ import annotations

from datetime import datetime, timedelta


class MutableClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def set(self, now: datetime) -> None:
        self.current = now

    def advance(self, delta: timedelta) -> None:
        self.current += delta
