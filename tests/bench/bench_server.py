"""Local server figures: requests/s and p50/p99 latency with 50 concurrent clients on loopback.

uvicorn runs in a ServerThread in this process; the 50 asyncio httpx clients run in a child
process, so client CPU does not compete with the server for one GIL (on 2 cores the two
processes still share the machine). Latency is per call (`current`) or per start+stop pair.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from app.server.config import ServerConfig
from app.server.runner import ServerThread

CLIENTS = 50
DURATION = 5.0  # seconds per scenario, after a short warm-up
T = "/api/tracking/client/"
V = {"api-version": "3.2"}

Call = Callable[[httpx.AsyncClient], Awaitable[int]]  # returns the number of requests made


async def current(client: httpx.AsyncClient) -> int:
    response = await client.get(T + "current", params=V)
    response.raise_for_status()
    return 1


async def start_stop(client: httpx.AsyncClient) -> int:
    started = await client.post(T + "startTracking", params=V, json={"timeZone": 0, "tfsId": 1201})
    started.raise_for_status()
    stopped = await client.post(T + "stopTracking", params=V)
    stopped.raise_for_status()
    return 2


Result = tuple[int, list[float], float, int]  # requests, latencies, seconds, warm-up requests


async def run(url: str, token: str, call: Call, duration: float) -> Result:
    latencies: list[float] = []
    requests = 0
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    headers = {"Authorization": f"Bearer {token}"}
    clients = [
        httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=30)
        for _ in range(CLIENTS)
    ]

    async def worker(client: httpx.AsyncClient, until: float) -> None:
        nonlocal requests
        while time.perf_counter() < until:
            begin = time.perf_counter()
            made = await call(client)
            latencies.append(time.perf_counter() - begin)
            requests += made

    try:
        warm = time.perf_counter() + 0.5
        await asyncio.gather(*(worker(c, warm) for c in clients))
        latencies.clear()
        warm_requests, requests = requests, 0
        begin = time.perf_counter()
        until = begin + duration
        await asyncio.gather(*(worker(c, until) for c in clients))
        elapsed = time.perf_counter() - begin
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return requests, latencies, elapsed, warm_requests


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(name: str, unit: str, result: Result, server_cpu: float) -> None:
    requests, latencies, elapsed, warm = result
    print(
        f"{name:<11}{requests / elapsed:6.0f} requests/s {len(latencies) / elapsed:6.0f} {unit}s/s"
        f"  p50 {percentile(latencies, 0.50) * 1000:6.1f} ms"
        f"  p99 {percentile(latencies, 0.99) * 1000:6.1f} ms"
        f"  mean {statistics.fmean(latencies) * 1000:6.1f} ms ({len(latencies)} {unit}s)"
        f"  server CPU {server_cpu / (requests + warm) * 1000:.2f} ms/request",
        flush=True,
    )


SCENARIOS: dict[str, tuple[str, Call]] = {
    "current": ("call", current),
    "start/stop": ("pair", start_stop),
}


def client_process(url: str, token: str, name: str) -> Result:
    """Runs in the child process (spawned: a fork would copy the server's threads)."""
    return asyncio.run(run(url, token, SCENARIOS[name][1], DURATION))


def main() -> None:
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        config = ServerConfig(port=0, token="bench-token", data_dir=Path(tmp))
        with ServerThread(config) as server, spawn.Pool(1) as pool:
            print(f"{CLIENTS} concurrent clients, {DURATION:.0f} s per scenario, {server.url}")
            pool.apply(time.sleep, (0,))  # the child's start-up is not part of any figure
            for name, (unit, _) in SCENARIOS.items():
                # This process runs nothing but the server thread while the child measures.
                cpu = time.process_time()
                result = pool.apply(client_process, (server.url, server.token, name))
                report(name, unit, result, time.process_time() - cpu)


if __name__ == "__main__":
    main()
