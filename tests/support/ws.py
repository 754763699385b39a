"""A graphql-transport-ws client for tests (the protocol the `graphql-ws` reference
client speaks), over the `websockets` library."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets

PROTOCOL = "graphql-transport-ws"


class Subscription:
    def __init__(self, ws: Any, operation_id: str) -> None:
        self.ws = ws
        self.id = operation_id

    @classmethod
    async def start(
        cls, url: str, token: str | None, query: str, variables: dict[str, Any]
    ) -> Subscription:
        ws = await websockets.connect(url, subprotocols=[PROTOCOL], max_size=2**22)
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables},
                }
            )
        )
        return cls(ws, "1")

    async def message(self, within: float = 20.0) -> dict[str, Any]:
        """The next `next`/`error`/`complete` message for this operation."""
        while True:
            raw = json.loads(await asyncio.wait_for(self.ws.recv(), within))
            if raw.get("type") == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                continue
            if raw.get("id") == self.id:
                return dict(raw)

    async def data(self, within: float = 20.0) -> dict[str, Any]:
        found = await self.message(within)
        assert found["type"] == "next" and not found["payload"].get("errors"), found
        return dict(found["payload"]["data"])

    async def quiet(self, within: float = 1.0) -> bool:
        """True when nothing arrives for `within` seconds."""
        try:
            await self.message(within)
        except TimeoutError:
            return True
        return False

    async def close(self) -> None:
        try:
            await self.ws.send(json.dumps({"id": self.id, "type": "complete"}))
        finally:
            await self.ws.close()
