"""Settings, read from `TALENT_*` environment variables and an optional `.env`.

This is the only module that reads the environment. Production mode refuses
the conveniences of development: generated keys, demo accounts, GraphiQL.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""Where `./var/` lives by default, so commands work from any working directory."""


class Mode(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every setting the service has; see the README's settings table."""

    model_config = SettingsConfigDict(
        env_prefix="TALENT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    mode: Mode = Mode.DEVELOPMENT
    database_url: str = Field(default="")
    var_dir: Path = PROJECT_ROOT / "var"

    jwt_issuer: str = "talent-footprint"
    jwt_audience: str = "talent-footprint-api"
    jwt_private_keys: str = Field(
        default="",
        description="PEM private keys (ES256), separated by blank lines; the first signs.",
    )
    jwt_private_key_files: str = Field(
        default="", description="Comma-separated paths of PEM private keys; the first signs."
    )
    access_token_ttl_seconds: int = Field(default=900, ge=60, le=86400)
    refresh_token_ttl_seconds: int = Field(default=30 * 86400, ge=3600, le=365 * 86400)
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=59)

    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    cors_origins: list[str] = Field(default_factory=list)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    max_upload_bytes: int = Field(default=20_000_000, ge=1024)
    max_query_depth: int = Field(default=12, ge=2)
    max_query_tokens: int = Field(default=2000, ge=50)
    max_aliases: int = Field(default=30, ge=1)
    max_subscriptions_per_connection: int = Field(default=20, ge=1)
    ws_init_timeout_seconds: float = Field(default=10.0, gt=0)
    introspection: bool | None = None
    db_pool_size: int = Field(default=10, ge=1)
    blob_dir: Path | None = Field(
        default=None, description="Evidence files; `<var_dir>/blobs` when unset."
    )
    evidence_max_bytes: int = Field(default=10_000_000, ge=1024)
    import_chunk_rows: int = Field(default=5000, ge=1, le=50_000)
    # The state identity provider (an OpenID Connect provider), issue 3.
    idp_issuer: str = Field(default="", description="Expected `iss` of ID tokens.")
    idp_audience: str = Field(default="", description="Expected `aud`: our client id.")
    idp_jwks_url: str = Field(default="", description="The provider's JWKS URL.")
    idp_jwks_file: str = Field(default="", description="Or a JWKS file (tests, air-gapped).")
    idp_algorithms: str = Field(default="RS256,ES256", description="Accepted `alg` values.")
    idp_leeway_seconds: int = Field(default=30, ge=0, le=59)
    idp_nonce_ttl_seconds: int = Field(default=600, ge=30, le=3600)
    idp_jwks_cache_seconds: int = Field(default=300, ge=0, le=86400)
    idp_wards_claim: str = Field(default="wards", description="Claim asserting guardianship.")
    privacy_run_interval_seconds: float = Field(
        default=3600.0,
        ge=0,
        description="How often the server runs due erasures and expiries (0: never).",
    )
    access_log_settle_interval_seconds: float = Field(
        default=1.0,
        ge=0,
        description="How often the server moves journaled access-log entries into the "
        "per-participant log (0: only when the log is read and at shutdown).",
    )
    rating_event_retention_seconds: int = Field(
        default=30 * 86400, ge=60, description="Rating events older than this are purged."
    )
    rating_poll_seconds: float = Field(
        default=0.25,
        gt=0,
        description="Outbox check interval of the rating consumer (PostgreSQL also listens).",
    )
    rating_feed_poll_seconds: float = Field(default=5.0, gt=0)
    rating_consumer: bool = Field(
        default=True, description="Run the rating consumer here (one process leads at a time)."
    )
    leaderboard_cache_size: int = Field(
        default=512, ge=0, description="Cached leaderboard responses per process (0: off)."
    )
    gc_tenure: bool = Field(
        default=False,
        description="Freeze startup objects and raise the collector's thresholds "
        "(`api/gc_tenure.py`): fewer collection stalls during a fan-out.",
    )
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _defaults_and_production_guards(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.var_dir / 'talent.db'}"
        if self.blob_dir is None:
            self.blob_dir = self.var_dir / "blobs"
        if (self.idp_jwks_url or self.idp_jwks_file) and not (
            self.idp_issuer and self.idp_audience
        ):
            raise ValueError("TALENT_IDP_ISSUER and TALENT_IDP_AUDIENCE go with the JWKS setting")
        if self.mode is Mode.PRODUCTION and not (
            self.jwt_private_keys or self.jwt_private_key_files
        ):
            raise ValueError(
                "TALENT_JWT_PRIVATE_KEYS or TALENT_JWT_PRIVATE_KEY_FILES is required in production"
            )
        return self

    @property
    def identity_provider_configured(self) -> bool:
        jwks = self.idp_jwks_url or self.idp_jwks_file
        return bool(self.idp_issuer and self.idp_audience and jwks)

    @property
    def is_development(self) -> bool:
        return self.mode is Mode.DEVELOPMENT

    @property
    def introspection_enabled(self) -> bool:
        return self.is_development if self.introspection is None else self.introspection

    @property
    def sync_database_url(self) -> str:
        """The same database through a synchronous driver, for Alembic's offline tools."""
        return self.database_url.replace("+aiosqlite", "").replace("+psycopg_async", "+psycopg")
