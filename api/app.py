"""The composition root: `create_app(settings)` wires every part, nothing happens at import."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from api.access_log_task import start_settle_task, stop_settle_task
from api.analytics_routes import analytics_routes
from api.auth import TokenService
from api.clock import SystemClock
from api.evidence import evidence_route
from api.gc_tenure import tenure_startup_objects
from api.graphql_view import TalentGraphQL
from api.identity_provider import OidcIdentityProvider
from api.keys import jwks, load_keys
from api.leaderboard_cache import LeaderboardCache
from api.logging_setup import configure_logging
from api.metrics import Metrics
from api.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from api.passwords import Argon2PasswordHasher
from api.privacy_task import start_privacy_task, stop_privacy_task
from api.ratings_wiring import RatingRuntime, build_ratings
from api.readiness import migration_state
from api.settings import Settings
from api.viewers import ViewerLoader
from domain.ports import Clock
from domain.services.accounts import TokenSettings
from graphql_schema.context import Services, UploadLimits
from graphql_schema.schema import SchemaLimits, build_schema
from persistence.blobs import LocalBlobStore
from persistence.database import create_engine, session_factory
from persistence.direct_connections import DirectConnections
from persistence.mappers import start_mappers
from persistence.unit_of_work import SqlAlchemyUnitOfWork

log = logging.getLogger("talent.app")

LEADERBOARD_HIT_CONNECTIONS = 4
"""Direct PostgreSQL connections per process for cached leaderboard hits (one statement
each, held for one round trip), on top of the engine's pool."""


@dataclass
class AppState:
    settings: Settings
    engine: AsyncEngine
    services: Services
    metrics: Metrics
    jwks: dict[str, object]
    ratings: RatingRuntime | None = None
    tokens: TokenService | None = None


def build_state(settings: Settings, clock: Clock | None = None) -> AppState:
    """Everything the app holds, built from settings; tests reuse it. `clock` moves
    the domain's 'now' (age rules, expiries, erasure dates) for tests; tokens keep
    real time, since python-jose checks them against it."""
    start_mappers()
    engine = create_engine(settings.database_url, pool_size=settings.db_pool_size)
    sessions = session_factory(engine)
    system_clock = SystemClock()
    keys = load_keys(settings)
    tokens = TokenService(
        keys,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=timedelta(seconds=settings.access_token_ttl_seconds),
        leeway_seconds=settings.jwt_leeway_seconds,
        clock=system_clock,
    )
    metrics = Metrics()
    ratings = build_ratings(settings, sessions, keys, metrics)
    services = Services(
        sessions=sessions,
        uow_factory=lambda: SqlAlchemyUnitOfWork(sessions),
        hasher=Argon2PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib
        ),
        issuer=tokens,
        clock=clock or system_clock,
        token_settings=TokenSettings(
            refresh_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds)
        ),
        authenticate=ViewerLoader(tokens, sessions).authenticate,
        observer=metrics,
        is_development=settings.is_development,
        blobs=LocalBlobStore(settings.blob_dir or settings.var_dir / "blobs"),
        uploads=UploadLimits(
            evidence_max_bytes=settings.evidence_max_bytes,
            import_chunk_rows=settings.import_chunk_rows,
        ),
        identity=OidcIdentityProvider.from_settings(settings),
        identity_nonce_ttl=timedelta(seconds=settings.idp_nonce_ttl_seconds),
        ratings=ratings.services,
    )
    return AppState(settings, engine, services, metrics, jwks(keys), ratings, tokens)


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Starlette:
    settings = settings or Settings()
    configure_logging(settings.log_level)
    state = build_state(settings, clock)
    schema = build_schema(
        SchemaLimits(
            max_depth=settings.max_query_depth,
            max_tokens=settings.max_query_tokens,
            max_aliases=settings.max_aliases,
            introspection=settings.introspection_enabled,
            mask_errors=not settings.is_development,
            suggestions=settings.is_development,
        )
    )
    graphql = TalentGraphQL(
        schema,
        state.services,
        development=settings.is_development,
        max_subscriptions=settings.max_subscriptions_per_connection,
        init_timeout_seconds=settings.ws_init_timeout_seconds,
    )

    leaderboard_cache = LeaderboardCache(
        graphql,
        state.services,
        state.services.sessions,
        size=settings.leaderboard_cache_size,
        verify=state.tokens.verify if state.tokens is not None else None,
        direct=DirectConnections.for_engine(state.engine, LEADERBOARD_HIT_CONNECTIONS),
    )

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        try:
            current, head = await asyncio.wait_for(migration_state(state.engine), timeout=5)
        except Exception as error:
            log.warning("readiness check failed: %s", type(error).__name__)
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        ready = current == head
        body = {
            "status": "ok" if ready else "unavailable",
            "database": "ok",
            "migration": current,
            "head": head,
        }
        return JSONResponse(body, 200 if ready else 503)

    async def metrics(_: Request) -> Response:
        return Response(state.metrics.render(), media_type=state.metrics.content_type)

    async def jwks_route(_: Request) -> Response:
        return JSONResponse(state.jwks, headers={"Cache-Control": "public, max-age=300"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        log.info("startup", extra={"fields": {"mode": settings.mode.value}})
        privacy = start_privacy_task(state.services, settings.privacy_run_interval_seconds)
        settler = start_settle_task(
            state.services.sessions, settings.access_log_settle_interval_seconds
        )
        if state.ratings is not None:
            await state.ratings.start()
        tenure_startup_objects(settings.gc_tenure)
        try:
            yield
        finally:
            await stop_privacy_task(privacy)
            if state.ratings is not None:
                await state.ratings.stop()
            await stop_settle_task(settler, state.services.sessions)
            await leaderboard_cache.close()
            await state.engine.dispose()
            log.info("shutdown complete")

    middleware = [
        Middleware(RequestContextMiddleware, metrics=state.metrics),
        Middleware(
            BodySizeLimitMiddleware,
            max_bytes=settings.max_body_bytes,
            upload_max_bytes=settings.max_upload_bytes,
        ),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=[
                    "authorization",
                    "content-type",
                    "x-request-id",
                    "graphql-preflight",
                    "apollo-require-preflight",
                    "x-apollo-operation-name",
                ],
            )
        )
    app = Starlette(
        routes=[
            Route("/graphql", leaderboard_cache, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/.well-known/jwks.json", jwks_route),
            Route("/files/evidence/{evidence_id}", evidence_route(state.services)),
            *analytics_routes(state.services),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.talent = state
    return app
