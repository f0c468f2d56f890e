"""Client overhead per call: `TrackingClient.current()` against a bare `httpx.AsyncClient` GET
of the same URL, both sequential on loopback to a real `ServerThread`. The ratio is the price
of typed parsing, error mapping, retry bookkeeping and auth on top of plain HTTP."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from app.api.client import TrackingClient
from app.server.config import ServerConfig
from app.server.runner import ServerThread

N = 2000
WARMUP = 100
ROUNDS = 3  # alternate the two sides so drift in the server hits both alike


async def _bare(http: httpx.AsyncClient, url: str, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        response = await http.get(url)
        response.raise_for_status()  # body already read; no JSON decoding: a bare request
    return time.perf_counter() - started


async def _client(client: TrackingClient, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        await client.current()
    return time.perf_counter() - started


async def _measure(base_url: str, token: str) -> tuple[list[float], list[float]]:
    url = f"{base_url}/api/tracking/client/current?api-version=3.2"
    headers = {"Authorization": f"Bearer {token}"}
    bare_runs: list[float] = []
    client_runs: list[float] = []
    async with (
        httpx.AsyncClient(headers=headers) as http,
        TrackingClient(base_url, token=token) as client,
    ):
        await _bare(http, url, WARMUP)
        await _client(client, WARMUP)
        for _ in range(ROUNDS):
            bare_runs.append(await _bare(http, url, N) / N)
            client_runs.append(await _client(client, N) / N)
    return bare_runs, client_runs


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        config = ServerConfig(port=0, token="bench-token-0123456789", data_dir=Path(data))
        with ServerThread(config) as server:
            bare, client = asyncio.run(_measure(server.url, server.token))
    bare_us = statistics.median(bare) * 1e6
    client_us = statistics.median(client) * 1e6
    print(f"current, {N} sequential calls x {ROUNDS} rounds, loopback (median of rounds):")
    print(f"  bare httpx.AsyncClient : {bare_us:8.1f} us/call")
    print(f"  TrackingClient         : {client_us:8.1f} us/call")
    print(f"  overhead               : {client_us - bare_us:8.1f} us/call")
    print(f"  ratio client/bare      : {client_us / bare_us:8.2f}")


if __name__ == "__main__":
    main()
