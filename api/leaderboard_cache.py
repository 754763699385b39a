"""A response cache for leaderboard pages, in front of the GraphQL endpoint.

Per-field execution of a 100-row page costs more than everything else together,
so whole responses are cached per process, keyed by the viewer's class (the
public; one university; staff; any other signed-in account on its own), the
query text, its variables and operation name. Correctness comes first, so every
hit is checked against current data before it is served:

- the viewer is authenticated anew (a deactivated account stops at once; a changed
  role, organization, participant or guardian is a different viewer);
- the validity token must be unchanged: the version of each board the page read, and
  whether an outbox message that changes pages without moving a board — a consent
  change, a verification, an erasure, a profile change (pages filtered by region or
  grade), an event edit, a guardian link — was committed since the page was built
  (`persistence.queries.rating_cache`: an import or a decision elsewhere, or a change
  on another board, leaves the page cached);
- the earliest expiry of a consent the page relied on must not have passed;
- reads of personal data by logged viewers are written to the access log again,
  as if the page had been built (the data is withheld if that write fails).

Only POSTed queries whose root fields are all `leaderboard`, selecting only fields
whose changes the validity token sees (`api/cacheable_selections.py`), are cached,
and only error-free answers.

On PostgreSQL a hit is one statement on a direct autocommit connection
(`serve_hit`): the viewer is taken from the verified token's claims and its account
checked in the statement (active, same role, organization, participant and
guardian as the entry's viewer class needs: exactly what `authenticate` would
return), together with the validity token, and the journal row is inserted by the
same statement only if all of it holds. Anything else — a stale entry, a changed
account, an error — takes the general path below, which authenticates from the
database and validates and journals in separate statements (SQLite always does).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import OperationDefinitionNode, OperationType, parse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import AccessClaims
from api.cacheable_selections import LEADERBOARD, within
from api.graphql_view import bearer_token
from api.middleware import graphql_error_body
from domain.accounts import Role
from domain.errors import Unauthenticated
from domain.policy import ANONYMOUS, Viewer, is_logged
from graphql_schema.context import Services
from graphql_schema.ratings.services import HINTS_KEY, CacheHints
from persistence.access_journal import AccessReads, grouped_reads, journal_reads
from persistence.direct_connections import DirectConnections
from persistence.queries.rating_cache import (
    HitJournal,
    HitViewer,
    Token,
    boards_document,
    current_token,
    serve_hit,
    still_valid,
)

log = logging.getLogger("talent.cache")
CACHEABLE_ROOTS = frozenset({"leaderboard", "__typename"})


@lru_cache(maxsize=512)
def cacheable_operation(query: str, operation_name: str | None) -> str | None:
    """`query Name (roots)` if the chosen operation is a query of leaderboards only."""
    try:
        document = parse(query, no_location=True, max_tokens=5000)
    except Exception:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1 or len(document.definitions) != 1:
        return None  # fragments or several operations: not worth the risk
    operation = operations[0]
    if operation.operation is not OperationType.QUERY:
        return None
    roots = [getattr(s, "name", None) for s in operation.selection_set.selections]
    names = [r.value for r in roots if r is not None]
    if len(names) != len(roots) or not set(names) <= CACHEABLE_ROOTS or "leaderboard" not in names:
        return None
    if not within(operation.selection_set, {"leaderboard": LEADERBOARD}):
        return None  # it reaches data whose changes the validity check cannot see
    return f"query {operation_name or '-'} ({', '.join(names)})"


@dataclass
class Entry:
    token: Token
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    valid_until: float | None
    reads: dict[int, set[str]] = field(default_factory=dict)
    operation: str = ""
    viewer: Viewer = ANONYMOUS
    """The viewer the page was built for (its participant and guardian matter)."""
    boards: str = ""
    """`boards_document(token)`, for the one-statement hit."""
    reads_document: str = "[]"
    """`grouped_reads(reads)` as JSON, for the one-statement hit's journal row."""


def viewer_class(viewer: Viewer) -> str:
    if viewer.account_id is None:
        return "public"
    if viewer.participant_id is not None or viewer.guardian_id is not None:
        return f"account:{viewer.account_id}"  # a page may show its own rows differently
    if viewer.role is Role.UNIVERSITY:
        return f"university:{viewer.organization_id}"
    if viewer.role in (Role.MODERATOR, Role.ADMIN):
        return "staff"
    return f"account:{viewer.account_id}"


def claimed_class(claims: AccessClaims | None) -> str:
    """`viewer_class` of the viewer the token claims to be, if its account has no
    participant or guardian (the entry's viewer then says which it has, and a hit
    checks the account against it)."""
    if claims is None:
        return "public"
    if claims.role is Role.UNIVERSITY:
        return f"university:{claims.organization_id}"
    if claims.role in (Role.MODERATOR, Role.ADMIN):
        return "staff"
    return f"account:{claims.account_id}"


class LeaderboardCache:
    def __init__(
        self,
        app: ASGIApp,
        services: Services,
        sessions: async_sessionmaker[AsyncSession],
        *,
        size: int,
        verify: Callable[[str], AccessClaims] | None = None,
        direct: DirectConnections | None = None,
    ) -> None:
        """`verify` checks an access token's signature and claims (`TokenService.verify`)
        and `direct` gives the one-statement hit's connections (PostgreSQL): with both,
        hits take the fast path."""
        self.app = app
        self.services = services
        self.sessions = sessions
        self.size = size
        self.verify = verify
        self.direct = direct
        self.entries: OrderedDict[tuple[str, ...], Entry] = OrderedDict()
        self.hits = 0
        self.misses = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.size == 0 or scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        replay = _replayer(body, receive)
        request = _json(body) if _is_json(scope) else None
        operation = None
        if request is not None and isinstance(request.get("query"), str):
            name = request.get("operationName")
            operation = cacheable_operation(
                request["query"], name if isinstance(name, str) else None
            )
        if request is None or operation is None:
            await self.app(scope, replay, send)
            return
        request_key = (
            hashlib.sha256(request["query"].encode()).hexdigest(),
            json.dumps(request.get("variables") or {}, sort_keys=True, default=str),
            str(request.get("operationName")),
        )
        if self.direct is not None and self.verify is not None:
            if await self._fast_hit(scope, send, request_key):
                return
        viewer = await self._viewer(scope)
        if viewer is None:
            await self.app(scope, replay, send)  # the endpoint answers the bad token
            return
        key = (viewer_class(viewer), *request_key)
        async with self.sessions() as session:
            entry = self.entries.get(key)
            if entry is not None and self._fresh(entry) and await still_valid(session, entry.token):
                self.entries.move_to_end(key)
                await self._serve(scope, send, viewer, entry)
                return
            token = await current_token(session)
        await self._build(scope, replay, send, key, token, viewer, operation)

    async def _fast_hit(self, scope: Scope, send: Send, request_key: tuple[str, ...]) -> bool:
        """Serve a hit in one statement if everything holds; False: take the general path
        (a miss, a stale entry, a bad token, a changed account, a failed statement)."""
        assert self.direct is not None and self.verify is not None
        token = _authorization(scope)
        if token == "":
            return False
        claims: AccessClaims | None = None
        if token is not None:
            try:
                claims = self.verify(token)
            except Unauthenticated:
                return False
        key = (claimed_class(claims), *request_key)
        entry = self.entries.get(key)
        if entry is None or not self._fresh(entry):
            return False
        hit_viewer = None
        journal = None
        if claims is not None:
            hit_viewer = HitViewer(
                account_id=claims.account_id,
                role=claims.role.value,
                organization_id=claims.organization_id,
                participant_id=entry.viewer.participant_id,
                guardian_id=entry.viewer.guardian_id,
            )
            if entry.reads and claims.role in _LOGGED_ROLES:
                request_id = str(scope.get("state", {}).get("request_id", ""))[:64] or None
                journal = HitJournal(
                    reads=entry.reads_document,
                    operation=entry.operation,
                    request_id=request_id,
                    at=self.services.clock.now(),
                )
        try:
            async with self.direct.connection() as connection:
                served = await serve_hit(connection, entry.token, entry.boards, hit_viewer, journal)
        except Exception:
            log.warning("one-statement cache hit failed; taking the general path", exc_info=True)
            return False
        if not served:
            return False
        self.entries.move_to_end(key)
        self.hits += 1
        await _send(send, entry.status, entry.body)
        return True

    def _fresh(self, entry: Entry) -> bool:
        return entry.valid_until is None or time.time() < entry.valid_until

    async def _viewer(self, scope: Scope) -> Viewer | None:
        token = _authorization(scope)
        if token is None:
            return ANONYMOUS
        if not token:
            return None
        try:
            return await self.services.authenticate(token)
        except Unauthenticated:
            return None

    async def _serve(self, scope: Scope, send: Send, viewer: Viewer, entry: Entry) -> None:
        self.hits += 1
        body = entry.body
        if entry.reads and is_logged(viewer) and viewer.account_id is not None:
            try:
                await self._log_reads(scope, viewer, entry)
            except Exception:
                log.exception("access log write failed: the cached response is withheld")
                body = graphql_error_body(
                    "The read could not be recorded in the access log; try again.",
                    "INTERNAL_SERVER_ERROR",
                )
        await _send(send, entry.status, body)

    async def _log_reads(self, scope: Scope, viewer: Viewer, entry: Entry) -> None:
        """The same journal row a built response writes (`persistence/access_journal.py`):
        committed before the cached body leaves."""
        assert viewer.account_id is not None
        request_id = str(scope.get("state", {}).get("request_id", ""))[:64] or None
        await journal_reads(
            self.sessions,
            AccessReads(
                viewer_account_id=viewer.account_id,
                operation=entry.operation,
                request_id=request_id,
                at=self.services.clock.now(),
                reads=entry.reads,
            ),
        )

    async def _build(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: tuple[str, ...],
        token: Token,
        viewer: Viewer,
        operation: str,
    ) -> None:
        self.misses += 1
        hints = CacheHints()
        scope.setdefault("state", {})[HINTS_KEY] = hints
        captured: dict[str, Any] = {"body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["start"] = message
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        await self.app(scope, receive, capture)
        start = captured.get("start")
        if start is None or start["status"] != 200 or not hints.cacheable or not hints.boards:
            return
        answer = _json(captured["body"])
        if answer is None or answer.get("errors"):
            return
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() == b"content-type"]
        reads = hints.recorder.copied
        token = token.scoped(hints.boards, None if hints.filtered else hints.participants)
        self.entries[key] = Entry(
            token=token,
            status=200,
            headers=headers,
            body=captured["body"],
            valid_until=hints.valid_until,
            reads=reads,
            operation=operation,
            viewer=viewer,
            boards=boards_document(token),
            reads_document=json.dumps(grouped_reads(reads)),
        )
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)

    async def close(self) -> None:
        if self.direct is not None:
            await self.direct.close()


_LOGGED_ROLES = frozenset(role for role in Role if is_logged(Viewer(role=role)))


def _authorization(scope: Scope) -> str | None:
    """The bearer token of the request; None without one, '' for a malformed header."""
    for name, value in scope.get("headers") or []:
        if name == b"authorization":
            return bearer_token(value.decode("latin-1"))
    return None


async def _send(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-talent-cache", b"hit"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replayer(body: bytes, original: Receive) -> Receive:
    """The body already read, then the client's own channel (for a disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers") or []:
        if name == b"content-type":
            return value.split(b";")[0].strip().lower() == b"application/json"
    return False


def _json(body: bytes) -> dict[str, Any] | None:
    try:
        found = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return found if isinstance(found, dict) else None
