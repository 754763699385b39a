"""graphql-transport-ws with shared `next` frames encoded once per viewer class.

A rating batch sends the same message to every subscriber of one viewer class
(`graphql_schema/shared_results.py`); strawberry's handler would `json.dumps` the
whole `{"id", "type", "payload"}` frame once per subscriber. Here a `next` frame
whose payload is only a shared result's data is assembled from the payload's JSON,
encoded once with the view's own encoder, and the subscription's id: the same
bytes strawberry would have sent (keys in the same order, the same separators).
Everything else goes through strawberry unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message

from graphql_schema.context import Context
from graphql_schema.shared_results import SharedData


class TextWebSocketAdapter(ASGIWebSocketAdapter):
    """strawberry's ASGI adapter, plus sending text that is already encoded."""

    async def send_text(self, text: str) -> None:
        try:
            await self.ws.send_text(text)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class SharedFramesHandler(BaseGraphQLTransportWSHandler[Context, None]):
    async def send_message(self, message: Message) -> None:
        frame = shared_frame(message, self.view.encode_json)
        if frame is None or not isinstance(self.websocket, TextWebSocketAdapter):
            await super().send_message(message)
            return
        await self.websocket.send_text(frame)


def shared_frame(message: Any, encode: Callable[[object], str | bytes]) -> str | None:
    """The text of a `next` frame whose payload is only a shared result's data (no
    errors, no extensions), the payload encoded once for all; None for any other."""
    if message.get("type") != "next":
        return None
    payload = message.get("payload")
    if not isinstance(payload, dict) or len(payload) != 1:
        return None
    data = payload.get("data")
    if not isinstance(data, SharedData):
        return None
    encoded = data.payload_json(encode)
    return f'{{"id":{json.dumps(message["id"])},"type":"next","payload":{encoded}}}'
