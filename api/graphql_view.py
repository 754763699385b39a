"""The GraphQL endpoint: strawberry's ASGI view with our authentication rules.

HTTP: a bad or expired bearer token is refused as UNAUTHENTICATED (401), never
served as anonymous. Multipart uploads (the GraphQL multipart request spec) need
a preflight-forcing header (CSRF protection). WebSocket: only
`graphql-transport-ws`; the token comes in `connection_init`, and a bad one
closes the socket with 4403.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.middleware import graphql_error_body
from api.ws_frames import SharedFramesHandler, TextWebSocketAdapter
from domain.errors import Unauthenticated
from domain.policy import ANONYMOUS, Viewer
from graphql_schema.context import Context, Services


def bearer_token(value: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` value; '' for a malformed header."""
    if value is None:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else ""


PREFLIGHT_HEADERS = ("graphql-preflight", "apollo-require-preflight", "x-apollo-operation-name")


def csrf_safe(request: Request) -> bool:
    """A browser sends `multipart/form-data` cross-site without a CORS preflight; a
    custom header forces the preflight, which our CORS rules then decide. JSON
    bodies are preflighted anyway (non-simple content type)."""
    content_type = request.headers.get("content-type", "").lower()
    if not content_type.startswith("multipart/"):
        return True
    return any(request.headers.get(name, "").strip() for name in PREFLIGHT_HEADERS)


class TalentGraphQL(GraphQL[Context, None]):
    websocket_adapter_class = TextWebSocketAdapter
    graphql_transport_ws_handler_class = SharedFramesHandler

    def __init__(
        self,
        schema: BaseSchema,
        services: Services,
        *,
        development: bool,
        max_subscriptions: int,
        init_timeout_seconds: float,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if development else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=init_timeout_seconds),
            max_subscriptions_per_connection=max_subscriptions,
            multipart_uploads_enabled=True,
        )
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        if not csrf_safe(request):
            refused = Response(
                graphql_error_body(
                    "File uploads need a preflighted request: send a `GraphQL-Preflight: 1` "
                    "(or `Apollo-Require-Preflight` / `X-Apollo-Operation-Name`) header.",
                    "BAD_USER_INPUT",
                ),
                status_code=400,
                media_type="application/json",
            )
            await refused(scope, receive, send)
            return
        try:
            viewer = await self._http_viewer(request)
        except Unauthenticated as error:
            response: Response = Response(
                graphql_error_body(error.message, "UNAUTHENTICATED"),
                status_code=401,
                media_type="application/json",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["viewer"] = viewer
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = Response(
                graphql_error_body(error.reason, "BAD_USER_INPUT"),
                status_code=error.status_code,
                media_type="application/json",
            )
        await response(scope, receive, send)

    async def _http_viewer(self, request: Request) -> Viewer:
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            return ANONYMOUS
        if not token:
            raise Unauthenticated("The Authorization header must be `Bearer <token>`.")
        return await self.services.authenticate(token)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        state = request.scope.get("state", {})
        return Context(
            services=self.services,
            request=request,
            response=response,
            request_id=str(state.get("request_id", "")),
            viewer=state.get("viewer", ANONYMOUS),
        )

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        params = context.connection_params or {}
        raw = params.get("authorization") or params.get("Authorization")
        if raw is None:
            return None
        token = bearer_token(str(raw)) if " " in str(raw) else str(raw)
        if not token:
            raise ConnectionRejectionError()
        try:
            context.viewer = await self.services.authenticate(token)
        except Unauthenticated as error:
            raise ConnectionRejectionError() from error
        return None
