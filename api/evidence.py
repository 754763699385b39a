"""`GET /files/evidence/{id}`: an evidence file, to those the policy lets see it.

Files are scans of diplomas with personal data: only the participant, its
confirmed guardians and staff get them (`domain.policy.evidence_files_visible`).
Anyone else — including a caller without a token — gets the same 404 as for a
file that does not exist. Served as an attachment with `nosniff`, so a browser
never renders an uploaded file inside our origin.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.graphql_view import bearer_token
from api.middleware import graphql_error_body
from domain.achievements import Achievement, EvidenceKind
from domain.errors import Unauthenticated
from domain.policy import (
    ANONYMOUS,
    ParticipantFacts,
    Viewer,
    achievement_visible,
    evidence_files_visible,
    relation_of,
)
from graphql_schema.context import Services
from persistence.queries.achievements import evidence_by_id
from persistence.queries.people import confirmed_ward_ids


def evidence_route(services: Services) -> Callable[[Request], Awaitable[Response]]:
    async def download(request: Request) -> Response:
        raw_id = request.path_params.get("evidence_id", "")
        token = bearer_token(request.headers.get("authorization"))
        viewer: Viewer = ANONYMOUS
        if token is not None:
            try:
                viewer = await services.authenticate(token) if token else ANONYMOUS
            except Unauthenticated as error:
                return Response(graphql_error_body(error.message, "UNAUTHENTICATED"), 401,
                                media_type="application/json")  # fmt: skip
        if not raw_id.isdigit() or len(raw_id) > 18 or viewer.account_id is None:
            return _missing()
        found = await _allowed_file(services.sessions, viewer, int(raw_id))
        if found is None:
            return _missing()
        key, content_type, filename = found
        content = await services.blobs.read(key)
        if content is None:
            return _missing()
        return Response(
            content,
            media_type=content_type,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(filename)}",
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, no-store",
            },
        )

    return download


async def _allowed_file(
    sessions: async_sessionmaker[AsyncSession], viewer: Viewer, evidence_id: int
) -> tuple[str, str, str] | None:
    async with sessions() as session:
        item = await evidence_by_id(session, evidence_id)
        if item is None or item.kind != EvidenceKind.FILE or item.deleted_at is not None:
            return None
        achievement = await session.get(Achievement, item.achievement_id)
        if achievement is None:
            return None
        wards: frozenset[int] = frozenset()
        if viewer.guardian_id is not None:
            wards = await confirmed_ward_ids(session, viewer.guardian_id)
    pid = achievement.participant_id
    relation = relation_of(viewer, ParticipantFacts(pid, is_ward=pid in wards))
    if not (achievement_visible(relation, str(achievement.status))
            and evidence_files_visible(relation)):  # fmt: skip
        return None
    if item.storage_key is None:
        return None
    return (
        item.storage_key,
        item.content_type or "application/octet-stream",
        item.filename or "file",
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def _missing() -> Response:
    return JSONResponse({"error": "not found"}, status_code=404)
