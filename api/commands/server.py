"""`talent serve` and `talent migrate`."""

from __future__ import annotations

import argparse

import uvicorn
from alembic import command

from api.readiness import alembic_config
from api.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser("serve", help="serve the API (GraphQL at /graphql)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.add_argument(
        "--graceful-timeout",
        type=float,
        default=10.0,
        help="seconds to let in-flight requests finish on SIGTERM",
    )
    serve.set_defaults(func=run_serve)

    migrate = subparsers.add_parser("migrate", help="upgrade the database to the latest schema")
    migrate.add_argument("--revision", default="heads")
    migrate.set_defaults(func=run_migrate)


def run_serve(args: argparse.Namespace) -> int:
    Settings()  # fail fast on bad settings, before forking workers
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        timeout_graceful_shutdown=args.graceful_timeout,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
        # Subscription messages are small JSON frames sent to hundreds of sockets at
        # once: compressing each costs more CPU on a fan-out than it saves on the wire.
        ws_per_message_deflate=False,
    )
    return 0


def run_migrate(args: argparse.Namespace) -> int:
    settings = Settings()
    if settings.database_url.startswith("sqlite"):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(), args.revision)
    print(f"database at {args.revision}")
    return 0
