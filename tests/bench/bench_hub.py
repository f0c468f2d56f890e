"""Hub push latency: a REST change (POST adjust) reaching 100 ASP.NET Core SignalR clients.

uvicorn runs in a ServerThread in this process; the 100 raw `websockets` hub clients and the
REST caller run in one child process, so one clock times both ends (no skew) and client CPU
does not compete with the server for one GIL (on 2 cores the processes still share the
machine). Each change's latency to a client runs from just before the REST request is sent to
that client's receipt of the push naming the change; the next change waits for all 100.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect

from app.server.config import ServerConfig
from app.server.runner import ServerThread

CLIENTS = 100
CHANGES = 50
WARM_UP = 5
HUB = "/signalr/trackingHub/v3.2"
T = "/api/tracking/client/"
V = {"api-version": "3.2"}
RS = "\x1e"

Result = tuple[list[float], list[float], list[float]]  # per push, per change (last), REST


async def hub_client(url: str, token: str) -> ClientConnection:
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
        negotiated = await http.post(url + HUB + "/negotiate", params={"negotiateVersion": "1"})
        negotiated.raise_for_status()
    ws_url = "ws" + url.removeprefix("http") + HUB + "?id=" + negotiated.json()["connectionToken"]
    ws = await connect(ws_url, additional_headers={"Authorization": f"Bearer {token}"})
    await ws.send('{"protocol":"json","version":1}' + RS)
    assert await ws.recv() == "{}" + RS
    return ws


async def run(url: str, token: str) -> Result:
    sockets = [await hub_client(url, token) for _ in range(CLIENTS)]
    expected: dict[str, float] = {}  # marker -> when its change was sent
    arrivals: dict[str, list[float]] = {}
    complete: dict[str, asyncio.Event] = {}

    async def listen(ws: ClientConnection) -> None:
        async for frame in ws:
            now = time.perf_counter()
            for record in str(frame).split(RS):
                # Only the marker matters: find it without parsing the whole state.
                start = record.find('"remark":"bench-')
                if start < 0:
                    continue
                marker = record[start + 10 : record.index('"', start + 10)]
                if marker in expected:
                    arrivals[marker].append(now - expected[marker])
                    if len(arrivals[marker]) == CLIENTS:
                        complete[marker].set()

    listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
    per_push: list[float] = []
    per_change: list[float] = []
    rest: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as http:
            started = await http.post(T + "startTracking", params=V, json={"remark": "bench"})
            started.raise_for_status()
            for n in range(WARM_UP + CHANGES):
                marker = f"bench-{n}"
                arrivals[marker], complete[marker] = [], asyncio.Event()
                expected[marker] = time.perf_counter()
                answer = await http.post(T + "adjust", params=V, json={"remark": marker})
                answered = time.perf_counter() - expected[marker]
                answer.raise_for_status()
                await asyncio.wait_for(complete[marker].wait(), 30)
                if n >= WARM_UP:
                    per_push += arrivals[marker]
                    per_change.append(max(arrivals[marker]))
                    rest.append(answered)
            await http.post(T + "stopTracking", params=V)
    finally:
        for task in listeners:
            task.cancel()
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return per_push, per_change, rest


def client_process(url: str, token: str) -> Result:
    """Runs in the child process (spawned: a fork would copy the server's threads)."""
    return asyncio.run(run(url, token))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def line(name: str, values: list[float]) -> str:
    return (
        f"{name:<28} p50 {percentile(values, 0.50) * 1000:6.1f} ms"
        f"  p99 {percentile(values, 0.99) * 1000:6.1f} ms"
        f"  mean {statistics.fmean(values) * 1000:6.1f} ms  ({len(values)})"
    )


def main() -> None:
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        config = ServerConfig(port=0, token="bench-token", data_dir=Path(tmp))
        with ServerThread(config) as server, spawn.Pool(1) as pool:
            print(
                f"{CLIENTS} Core hub clients (raw websockets, one child process), "
                f"{CHANGES} changes (POST adjust), {server.url}",
                flush=True,
            )
            pool.apply(time.sleep, (0,))  # the child's start-up is not part of any figure
            cpu = time.process_time()
            per_push, per_change, rest = pool.apply(client_process, (server.url, server.token))
            cpu = time.process_time() - cpu
    print(line("push, each client", per_push))
    print(line("push, last of 100 clients", per_change))
    print(line("REST answer (adjust)", rest))
    print(f"server CPU {cpu / (CHANGES + WARM_UP) * 1000:.1f} ms per change (incl. connecting)")


if __name__ == "__main__":
    main()
