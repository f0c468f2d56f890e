"""Client overhead per call: `TrackingClient.current()` against a bare `httpx.AsyncClient` GET
of the same URL, both sequential on loopback to a real `ServerThread`. The ratio is the price
of typed parsing, error mapping, retry bookkeeping and auth on top of plain HTTP.

The server runs in a thread of this process and the machine may be busy, so the two sides are
measured in alternating blocks and the medians of the blocks are compared.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from app.api.client import TrackingClient
from app.api.models import TrackingState
from app.api.responses import read_model
from app.server.config import ServerConfig
from app.server.runner import ServerThread

N = 2000  # calls per side
BLOCK = 100  # calls per alternating block
WARMUP = 100
PATH = "/api/tracking/client/current?api-version=3.2"


async def _bare_block(http: httpx.AsyncClient, url: str, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        response = await http.get(url)
        response.raise_for_status()  # body already read; no JSON decoding: a bare request
    return (time.perf_counter() - started) / n


async def _client_block(client: TrackingClient, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        await client.current()
    return (time.perf_counter() - started) / n


async def _measure(base_url: str, token: str) -> tuple[list[float], list[float], float]:
    url = base_url + PATH
    bare: list[float] = []
    typed: list[float] = []
    async with (
        httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http,
        TrackingClient(base_url, token=token) as client,
    ):
        await _bare_block(http, url, WARMUP)
        await _client_block(client, WARMUP)
        for _ in range(N // BLOCK):
            bare.append(await _bare_block(http, url, BLOCK))
            typed.append(await _client_block(client, BLOCK))
        answer = await http.get(url)
    started = time.perf_counter()
    for _ in range(N):
        read_model(TrackingState, answer)
    parse = (time.perf_counter() - started) / N
    return bare, typed, parse


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        config = ServerConfig(port=0, token="bench-token-0123456789", data_dir=Path(data))
        with ServerThread(config) as server:
            bare, typed, parse = asyncio.run(_measure(server.url, server.token))
    bare_us = statistics.median(bare) * 1e6
    typed_us = statistics.median(typed) * 1e6
    ratios = [t / b for t, b in zip(typed, bare, strict=True)]
    print(f"current: {N} sequential calls per side on loopback, {N // BLOCK} alternating blocks")
    print(f"  bare httpx.AsyncClient : {bare_us:8.1f} us/call (median block)")
    print(f"  TrackingClient         : {typed_us:8.1f} us/call (median block)")
    print(f"  overhead               : {typed_us - bare_us:8.1f} us/call")
    print(f"  ratio client/bare      : {typed_us / bare_us:8.2f}")
    print(
        f"  per-block ratio        : median {statistics.median(ratios):.2f}, "
        f"min {min(ratios):.2f}, max {max(ratios):.2f}"
    )
    print(f"  typed parse alone      : {parse * 1e6:8.1f} us/call (TrackingState)")


if __name__ == "__main__":
    main()
