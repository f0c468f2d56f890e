"""The hub served in-process (no uvicorn): the ASGI app under httpx-ws's ASGI transport, as
client tests may run it. The server's clock task does not run there; each call advances it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from httpx_ws import AsyncWebSocketSession, WebSocketDisconnect, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport
from starlette.applications import Starlette

from app.api.models import TrackingStateKind

from .conftest import TOKEN, AppFactory
from .hubkit import HUB, RS, kind


async def records(ws: AsyncWebSocketSession, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    buffer = ""
    while len(found) < count:
        buffer += await ws.receive_text()
        *complete, buffer = buffer.split(RS)
        found += [json.loads(r) for r in complete if r]
    return found


async def test_core_hub_in_process(make_app: AppFactory) -> None:
    app: Starlette = make_app()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(
        transport=ASGIWebSocketTransport(app=app), base_url="http://server.test", headers=headers
    ) as http:
        negotiated = await http.post(HUB + "/negotiate", params={"negotiateVersion": "1"})
        token = negotiated.json()["connectionToken"]
        async with aconnect_ws(f"{HUB}?id={token}", http) as ws:
            await ws.send_text('{"protocol":"json","version":1}' + RS)
            assert await records(ws, 1) == [{}]
            invocation = {
                "type": 1,
                "invocationId": "1",
                "target": "startTracking",
                "arguments": [{"timeZone": 0, "tfsId": 1201}],
            }
            await ws.send_text(json.dumps(invocation) + RS)
            push, completion = await records(ws, 2)
            assert push["target"] == "trackingStateChanged"
            assert completion["invocationId"] == "1"
            assert kind(completion["result"]) is TrackingStateKind.TRACKING
            answer = await http.post(
                "/api/tracking/client/stopTracking", params={"api-version": "3.2"}
            )
            [pushed] = await records(ws, 1)
            assert pushed["arguments"][0]["timestamp"] == answer.json()["timestamp"]


def leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in leaves(inner)]
    return [error]


async def test_in_process_refusal_without_a_token(make_app: AppFactory) -> None:
    # Without uvicorn's HTTP denial extension the refusal is a close frame naming the error.
    app: Starlette = make_app()
    async with httpx.AsyncClient(
        transport=ASGIWebSocketTransport(app=app), base_url="http://server.test"
    ) as http:
        with pytest.raises(BaseException) as refused:
            async with aconnect_ws(HUB, http):
                pass
    [closed] = [e for e in leaves(refused.value) if isinstance(e, WebSocketDisconnect)]
    assert closed.code == 1008
    assert (closed.reason or "").startswith("UnauthorizedError: ")
