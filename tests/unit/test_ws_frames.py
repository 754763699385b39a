"""Shared `next` frames are the bytes strawberry would have sent, encoded once."""

from __future__ import annotations

import json
from typing import Any

from api.ws_frames import shared_frame
from graphql_schema.shared_results import SharedData


def strawberry_encoding(data: object) -> str:
    """`strawberry.http.base.BaseView.encode_json`."""
    return json.dumps(data, separators=(",", ":"))


def test_a_shared_next_frame_is_byte_identical_and_encoded_once() -> None:
    calls: list[object] = []

    def encode(data: object) -> str:
        calls.append(data)
        return strawberry_encoding(data)

    data = SharedData({"ratingUpdates": {"cursor": "Y3Vy", "events": [{"name": "Ёжиков \u2028"}]}})
    frames = []
    for operation_id in ("1", 'a"b'):
        message = {"id": operation_id, "type": "next", "payload": {"data": data}}
        frames.append(shared_frame(message, encode))
        assert frames[-1] == strawberry_encoding(message)
    assert len(calls) == 1


def test_other_frames_go_through_strawberry() -> None:
    data = SharedData({"x": 1})
    others: list[Any] = [
        {"id": "1", "type": "next", "payload": {"data": {"x": 1}}},
        {"id": "1", "type": "next", "payload": {"data": data, "errors": [{"message": "no"}]}},
        {"id": "1", "type": "next", "payload": {"data": data, "extensions": {"a": 1}}},
        {"id": "1", "type": "complete"},
        {"type": "connection_ack"},
    ]
    for message in others:
        assert shared_frame(message, strawberry_encoding) is None
