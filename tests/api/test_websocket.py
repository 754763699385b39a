"""Subscriptions over graphql-transport-ws: token in connection_init, 4403 on a bad one."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from domain.accounts import Role

PROTOCOL = "graphql-transport-ws"


async def _connect(live_server):  # type: ignore[no-untyped-def]
    return await websockets.connect(live_server.ws_url, subprotocols=[PROTOCOL])


async def test_bad_token_closes_with_4403(live_server) -> None:  # type: ignore[no-untyped-def]
    ws = await _connect(live_server)
    await ws.send(
        json.dumps(
            {"type": "connection_init", "payload": {"authorization": "Bearer forged.token.x"}}
        )
    )
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_authenticated_subscription_streams(live_server, make_staff) -> None:  # type: ignore[no-untyped-def]
    session = await make_staff(Role.UNIVERSITY, "WS University")
    ws = await _connect(live_server)
    await ws.send(
        json.dumps(
            {
                "type": "connection_init",
                "payload": {"authorization": f"Bearer {session.access_token}"},
            }
        )
    )
    assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
    await ws.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": "subscription { heartbeat(everySeconds: 1) }"},
            }
        )
    )
    first = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert first["type"] == "next" and first["payload"]["data"]["heartbeat"]
    await ws.send(json.dumps({"id": "1", "type": "complete"}))
    await ws.close()


async def test_subscription_without_token_is_refused_per_operation(live_server) -> None:  # type: ignore[no-untyped-def]
    ws = await _connect(live_server)
    await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
    await ws.send(
        json.dumps(
            {"id": "1", "type": "subscribe", "payload": {"query": "subscription { heartbeat }"}}
        )
    )
    message = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert message["type"] in ("error", "next")
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    await ws.close()


async def test_legacy_protocol_is_not_accepted(live_server) -> None:  # type: ignore[no-untyped-def]
    try:
        ws = await websockets.connect(live_server.ws_url, subprotocols=["graphql-ws"])
    except InvalidStatus:
        return
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(ws.recv(), 10)
