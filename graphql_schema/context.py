"""The typed per-request context: services, the viewer, and per-request loaders.

Loaders are built per request (a module-level loader would cache one user's
rows for the next user: a permission leak). Reads open short sessions, so
strawberry's concurrent sibling resolvers never share one AsyncSession.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.identity import IdentityTokenVerifier
from domain.policy import ANONYMOUS, Viewer
from domain.ports import AccessTokenIssuer, BlobStore, Clock, PasswordHasher, UnitOfWork
from domain.services.accounts import Credentials, TokenSettings
from graphql_schema.access_log import AccessRecorder
from graphql_schema.loaders import Loaders
from graphql_schema.privacy_loaders import PrivacyLoaders
from persistence.queries.regional_index import RegionalIndexCache

if TYPE_CHECKING:
    from graphql_schema.ratings.services import RatingServices

T = TypeVar("T")


class OperationObserver(Protocol):
    """Where operation metrics go (Prometheus in `api`); the schema does not care."""

    def record(self, operation: str, kind: str, seconds: float, error_codes: list[str]) -> None: ...


@dataclass(frozen=True)
class UploadLimits:
    """Evidence file size and the rows per import transaction (issue 4)."""

    evidence_max_bytes: int
    import_chunk_rows: int


@dataclass(frozen=True)
class Services:
    """Process-wide collaborators, built once by the composition root (`api.app`)."""

    sessions: async_sessionmaker[AsyncSession]
    uow_factory: Callable[[], UnitOfWork]
    hasher: PasswordHasher
    issuer: AccessTokenIssuer
    clock: Clock
    token_settings: TokenSettings
    authenticate: Callable[[str], Awaitable[Viewer]]
    """Turns an access token into the current viewer, or raises `Unauthenticated`."""
    observer: OperationObserver
    is_development: bool
    blobs: BlobStore
    """Evidence files (issue 4); a local directory by default."""
    uploads: UploadLimits
    index_cache: RegionalIndexCache = field(default_factory=RegionalIndexCache)
    """Computed regional-index reports of this process (issue 5), keyed by data revision."""
    identity: IdentityTokenVerifier | None = None
    """The state identity provider's ID-token verifier (issue 3); None when not configured."""
    identity_nonce_ttl: timedelta = timedelta(minutes=10)
    ratings: RatingServices | None = None
    """The rating engine's stores, subscription feed and diploma signer (issue 6)."""

    @property
    def credentials(self) -> Credentials:
        return Credentials(self.hasher, self.issuer, self.clock, self.token_settings)


@dataclass
class Context:
    services: Services
    request: Any = None
    response: Any = None
    request_id: str = ""
    viewer: Viewer = ANONYMOUS
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(init=False)
    privacy: PrivacyLoaders = field(init=False)
    access: AccessRecorder = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.read)
        self.privacy = PrivacyLoaders(self.read, lambda: self.viewer, self.services.clock)
        self.access = AccessRecorder()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.services.sessions() as session:
            yield session

    async def read(self, query: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run one read query in its own short session."""
        async with self.services.sessions() as session:
            return await query(session)

    def uow(self) -> UnitOfWork:
        return self.services.uow_factory()
