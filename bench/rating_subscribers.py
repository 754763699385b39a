"""A subscriber process for `bench_rating_latency`: opens N graphql-transport-ws
connections, subscribes each to `ratingUpdates`, prints `ready` once all are
acknowledged, records the arrival time of every message, and on stdin EOF writes
them as JSON lines (subscriber, cursor, kind, wall-clock seconds) to a file. `kind`
is empty for a plain `next` message (found without decoding the frame), the events'
kinds for one with errors, ERROR or COMPLETE when the subscription ended."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import websockets

QUERY = """subscription($s: String!, $d: String!) { ratingUpdates(season: $s, direction: $d,
  top: 100) { cursor complete events { cursor kind newRank participant { id } } } }"""


Row = tuple[int, str, str, float]


async def subscriber(
    n: int, url: str, token: str, board: tuple[str, str], out: list[Row],
    ready: asyncio.Event, acks: list[int],
) -> None:  # fmt: skip
    for attempt in range(5):
        try:
            await _subscribe(n, url, token, board, out, ready, acks)
            return
        except (OSError, websockets.exceptions.WebSocketException, TimeoutError) as error:
            print(f"subscriber {n}: {type(error).__name__} {error}; retry {attempt}",
                  file=sys.stderr, flush=True)  # fmt: skip
            await asyncio.sleep(0.5 * (attempt + 1))


async def _subscribe(
    n: int, url: str, token: str, board: tuple[str, str], out: list[Row],
    ready: asyncio.Event, acks: list[int],
) -> None:  # fmt: skip
    season, direction = board
    async with websockets.connect(
        url, subprotocols=["graphql-transport-ws"], max_size=2**22, open_timeout=30
    ) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": QUERY, "variables": {"s": season, "d": direction}}}))  # fmt: skip
        if n not in acks:
            acks.append(n)
        if len(acks) == TOTAL[0]:
            ready.set()
        async for raw in ws:
            now = time.time()
            cursor = _next_cursor(raw)
            if cursor is not None:  # the common case, without decoding the frame
                out.append((n, cursor, "", now))
                continue
            message = json.loads(raw)
            if message.get("type") == "next":
                data = message["payload"].get("data") or {}
                update = data.get("ratingUpdates") or {}
                kinds = ",".join(e["kind"] for e in update.get("events", []))
                out.append((n, update.get("cursor", ""), kinds, now))
            elif message.get("type") in ("error", "complete"):
                print(f"subscriber {n}: {message.get('type')} {message.get('payload')}",
                      file=sys.stderr, flush=True)  # fmt: skip
                out.append((n, "", message["type"].upper(), now))
            elif message.get("type") == "ping":
                await ws.send(json.dumps({"type": "pong"}))


TOTAL = [0]
NEXT = '{"id":"1","type":"next","payload":{"data":{"ratingUpdates":{"cursor":"'


def _next_cursor(raw: str | bytes) -> str | None:
    """The message's cursor when the frame is a plain `next` of the subscription (the
    server writes the fields in selection order): the subscriber processes share the
    two cores with the servers, so they do not decode each frame's whole JSON just to
    timestamp it. None for anything else (decoded in full)."""
    if not isinstance(raw, str) or not raw.startswith(NEXT) or '"errors"' in raw:
        return None
    end = raw.find('"', len(NEXT))
    return raw[len(NEXT) : end] if end > 0 else None


async def main() -> None:
    url, season, direction, first, count, path = sys.argv[1:7]
    tokens = sys.argv[7:]
    TOTAL[0] = int(count)
    out: list[Row] = []
    ready = asyncio.Event()
    acks: list[int] = []
    tasks = []
    for i in range(int(count)):
        n = int(first) + i
        token = tokens[n % len(tokens)]
        work = subscriber(n, url, token, (season, direction), out, ready, acks)
        tasks.append(asyncio.create_task(work))
        if i % 50 == 49:
            await asyncio.sleep(0.05)
    try:
        await asyncio.wait_for(ready.wait(), 180)
    except TimeoutError:
        pass
    await asyncio.sleep(0.5)  # every subscription registered with the feed
    print(f"ready {len(acks)}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for task in tasks:
        task.cancel()
    text = "".join(json.dumps(row) + "\n" for row in out)
    await asyncio.to_thread(Path(path).write_text, text)


if __name__ == "__main__":
    asyncio.run(main())
