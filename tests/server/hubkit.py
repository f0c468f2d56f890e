"""Wire-level hub clients for the tests, written from Microsoft's protocol descriptions:
ASP.NET Core SignalR (JSON hub protocol, records ending in 0x1E) and classic ASP.NET SignalR 2.x
(negotiate/connect/start, `{"H","M","A","I"}`), both over `websockets` and httpx."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from collections.abc import Callable
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from app.server.runner import ServerThread

from .conftest import TOKEN

HUB = "/signalr/trackingHub/v3.2"
RS = "\x1e"
WAIT = 10.0  # seconds any single expected message may take on a loaded machine


def ws_url(http_url: str) -> str:
    return "ws" + http_url.removeprefix("http")


def auth_headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


class CoreClient:
    """A raw ASP.NET Core SignalR client: every received record is kept in order."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self._buffer = ""
        self._records: list[dict[str, Any]] = []
        self.pushes: list[dict[str, Any]] = []  # states from trackingStateChanged, in order
        self._next_id = 0

    @classmethod
    async def open(
        cls,
        server: ServerThread,
        token: str | None = TOKEN,
        *,
        via: str = "header",
        negotiate: bool = True,
        handshake: bool = True,
        **connect_options: Any,
    ) -> CoreClient:
        """Negotiates (unless told not to), connects and shakes hands."""
        query: dict[str, str] = {}
        headers = auth_headers(token) if via == "header" else {}
        if via == "query" and token:
            query["access_token"] = token
        if negotiate:
            async with httpx.AsyncClient(base_url=server.url, headers=headers) as http:
                answer = await http.post(
                    HUB + "/negotiate", params={**query, "negotiateVersion": "1"}
                )
            assert answer.status_code == 200, answer.text
            query["id"] = answer.json()["connectionToken"]
        url = ws_url(server.url) + HUB + ("?" + urllib.parse.urlencode(query) if query else "")
        ws = await connect(url, additional_headers=headers, open_timeout=WAIT, **connect_options)
        client = cls(ws)
        if handshake:
            await ws.send('{"protocol":"json","version":1}' + RS)
            assert await client.record() == {}
        return client

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message) + RS)

    async def record(self, timeout: float = WAIT) -> dict[str, Any]:
        """The next record of any type (pings included)."""
        while not self._records:
            frame = await asyncio.wait_for(self.ws.recv(), timeout)
            self._buffer += frame if isinstance(frame, str) else frame.decode()
            *complete, self._buffer = self._buffer.split(RS)
            self._records += [json.loads(r) for r in complete if r]
        return self._records.pop(0)

    async def message(self, timeout: float = WAIT) -> dict[str, Any]:
        """The next record that is not a ping; pushes are also kept in `pushes`."""
        while True:
            record = await self.record(timeout)
            if record.get("type") == 6:
                continue
            if record.get("type") == 1 and record.get("target") == "trackingStateChanged":
                self.pushes.append(record["arguments"][0])
            return record

    async def invoke(self, target: str, *arguments: Any) -> dict[str, Any]:
        """Invokes and returns the completion record; pushes on the way are kept."""
        self._next_id += 1
        invocation_id = str(self._next_id)
        await self.send(
            {"type": 1, "invocationId": invocation_id, "target": target, "arguments": arguments}
        )
        while True:
            record = await self.message()
            if record.get("type") == 3 and record.get("invocationId") == invocation_id:
                return record

    async def result(self, target: str, *arguments: Any) -> Any:
        completion = await self.invoke(target, *arguments)
        assert "error" not in completion, completion
        return completion.get("result")

    async def push(self, timeout: float = WAIT) -> dict[str, Any]:
        """The next pushed state (one already received first)."""
        while not self.pushes:
            await self.message(timeout)
        return self.pushes.pop(0)

    async def push_where(
        self, check: Callable[[dict[str, Any]], bool], timeout: float = WAIT
    ) -> dict[str, Any]:
        """The first pushed state that passes `check`, skipping earlier ones."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            state = await self.push(max(0.01, deadline - loop.time()))
            if check(state):
                return state

    async def close(self) -> None:
        await self.ws.close()


async def rest(
    server: ServerThread, method: str, call: str, token: str = TOKEN, **kwargs: Any
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, headers=auth_headers(token)) as http:
        return await http.request(
            method,
            "/api/tracking/client/" + call,
            params={"api-version": "3.2", **kwargs.pop("params", {})},
            **kwargs,
        )
