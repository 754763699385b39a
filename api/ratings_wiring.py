"""Composition of the rating engine's runtime: stores, pub/sub, the subscription
feed, the outbox consumer's background task, the diploma signer and the
leaderboard response cache. `api.app` calls these; tests reuse `build_ratings`."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import timedelta

from prometheus_client import Histogram
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.credentials import JoseDiplomaSigner
from api.keys import SigningKey
from api.metrics import Metrics
from api.settings import Settings
from domain.rating_engine.ports import WriteOutcome
from graphql_schema.ratings.services import RatingServices
from persistence.database import is_sqlite
from persistence.pubsub import RATING_CHANNEL, InProcessPubSub, PostgresPubSub, PubSub
from persistence.rating_consumer import RatingConsumer
from persistence.rating_feed import RatingFeed
from persistence.rating_store import rating_stores
from persistence.rating_worker import RatingWorker

DELAY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 30.0)


@dataclass
class RatingRuntime:
    services: RatingServices
    pubsub: PubSub
    feed: RatingFeed
    worker: RatingWorker | None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> None:
        await self.pubsub.start()
        await self.feed.start()
        if self.worker is not None:
            self.tasks.append(asyncio.create_task(self.worker.run(), name="talent-ratings"))

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()
        await self.feed.stop()
        await self.pubsub.stop()


def build_ratings(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    keys: list[SigningKey],
    metrics: Metrics | None = None,
) -> RatingRuntime:
    postgres = not is_sqlite(settings.database_url)
    pubsub: PubSub = PostgresPubSub(settings.database_url) if postgres else InProcessPubSub()

    async def published(outcome: WriteOutcome) -> None:
        """SQLite: tell this process's subscribers (PostgreSQL notifies in SQL)."""
        note = f"{outcome.season_code}|{outcome.direction_code}|{outcome.head_cursor}"
        await pubsub.publish(RATING_CHANNEL, note)

    stores = rating_stores(sessions, None if postgres else published)
    feed = RatingFeed(sessions, pubsub, poll_seconds=settings.rating_feed_poll_seconds)
    observe = None
    if metrics is not None:
        delay = Histogram(
            "talent_rating_outbox_delay_seconds",
            "From an outbox message's commit to the rating update that applied it",
            buckets=DELAY_BUCKETS,
            registry=metrics.registry,
        )
        observe = delay.observe
    worker = None
    if settings.rating_consumer:
        worker = RatingWorker(
            sessions,
            RatingConsumer(stores),
            pubsub,
            poll_seconds=settings.rating_poll_seconds,
            retention=timedelta(seconds=settings.rating_event_retention_seconds),
            stores=stores,
            observe_delay=observe,
        )
    services = RatingServices(
        stores=stores,
        feed=feed,
        signer=JoseDiplomaSigner(keys, issuer=settings.jwt_issuer),
        retention_seconds=settings.rating_event_retention_seconds,
    )
    return RatingRuntime(services, pubsub, feed, worker)
