"""Fixtures of the tracking tests: the real local server (uvicorn on 127.0.0.1 in a thread) on
an accelerated clock, TrackingClients against it, the same clock for the tracker, fault
injection, and a scripted ActivitySource (our own protocol, driven by the test).

Time: the server and the tracker share one `ScaledClock`, so "15 minutes" of server time pass
in seconds; the tracker's `sleep(s)` sleeps `s / speed` real seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.activity.base import SourceStatus
from app.api.client import TrackingClient
from app.api.retry import RetryPolicy
from app.server.clock import ManualClock, ScaledClock
from app.server.config import ServerConfig
from app.server.runner import ServerThread
from tests.support.faults import set_faults
from tests.support.servers import loopback_config, server_pool, start_server

TOKEN = "tracking-test-token-0123456789"
WORK_ITEM = 1201  # a demo work item (Task "Add card vault API client")
OTHER_ITEM = 1202


@dataclass
class LiveServer:
    """A running local server plus the clock it runs on."""

    thread: ServerThread
    clock: ScaledClock
    config: ServerConfig

    @property
    def url(self) -> str:
        return self.thread.url

    @property
    def speed(self) -> float:
        return self.clock.speed

    def now(self) -> datetime:
        return self.clock.now()

    def monotonic(self) -> float:
        return self.clock.now().timestamp()

    async def sleep(self, seconds: float) -> None:
        """Sleeps `seconds` of the shared virtual time."""
        await asyncio.sleep(max(0.0, seconds) / self.clock.speed)

    def set_faults(self, **faults: Any) -> None:
        """Replaces the fault settings (unnamed ones back to off)."""
        set_faults(self.url, self.thread.token, **faults)

    def client(self, **kwargs: Any) -> TrackingClient:
        """A client of this server; retries of reads take (real) milliseconds."""
        kwargs.setdefault("retry", RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=5.0))
        kwargs.setdefault("timeout", 5.0)
        return TrackingClient(self.url, token=TOKEN, now=self.clock.now, **kwargs)


ServerFactory = Callable[..., LiveServer]


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[ServerFactory]:
    """`server_factory(speed=20, activity_check_interval=60, activity_check_wait=30, ...)`."""
    with server_pool() as pool:

        def start(speed: float = 20.0, **changes: Any) -> LiveServer:
            config = loopback_config(
                tmp_path / f"server{len(pool.started)}",
                TOKEN,
                activity_check_interval=changes.pop("activity_check_interval", 60.0),
                activity_check_wait=changes.pop("activity_check_wait", 30.0),
                clock_speed=speed,
            )
            config = replace(config, **changes)
            clock = ScaledClock(speed)
            return LiveServer(pool.start(config, clock), clock, config)

        yield start


@pytest.fixture
def server(server_factory: ServerFactory) -> LiveServer:
    """Checks every 40 s of server time, 30 s to answer, clock at 30x."""
    return server_factory(speed=30.0, activity_check_interval=40.0, activity_check_wait=30.0)


@pytest.fixture
async def client(server: LiveServer) -> AsyncIterator[TrackingClient]:
    async with server.client() as c:
        yield c


@pytest.fixture
async def other_client(server: LiveServer) -> AsyncIterator[TrackingClient]:
    """A second client of the same user (the browser, another machine)."""
    async with server.client() as c:
        yield c


@dataclass
class ScriptedActivity:
    """An ActivitySource the test drives: `touch()` is input now, `away()` means no input.

    Ages are measured on the shared virtual clock, like the tracker's.
    """

    monotonic: Callable[[], float]
    name: str = "scripted"
    sees: str = "what the test says"
    available: bool = True
    last_input: float | None = None
    calls: list[float | None] = field(default_factory=list)

    def touch(self) -> None:
        self.last_input = self.monotonic()

    def away(self, seconds_ago: float = 3600.0) -> None:
        self.last_input = self.monotonic() - seconds_ago

    def open(self) -> bool:
        return self.available

    def seconds_since_input(self) -> float | None:
        if not self.available or self.last_input is None:
            value = None
        else:
            value = max(0.0, self.monotonic() - self.last_input)
        self.calls.append(value)
        return value

    def status(self) -> SourceStatus:
        return SourceStatus(self.name, self.sees, self.available, "" if self.available else "off")

    def close(self) -> None:
        self.available = False


# --- offline journal and idle tests: a server on a hand-driven clock that goes away and comes
# back on the same port and data dir (offline for real: connections are refused meanwhile) ---


@dataclass
class RestartableServer:
    config: ServerConfig
    clock: ManualClock
    thread: ServerThread | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def now(self) -> datetime:
        return self.clock.now()

    def start(self) -> RestartableServer:
        assert self.thread is None, "already running"
        config = replace(self.config, port=self.port)
        self.thread = start_server(config, self.clock)
        self.port = self.thread.port
        return self

    def stop(self) -> None:
        if self.thread is not None:
            self.thread.stop()
            self.thread = None

    def client(self, **kwargs: Any) -> TrackingClient:
        kwargs.setdefault("retry", RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=5.0))
        kwargs.setdefault("timeout", 5.0)
        return TrackingClient(self.url, token=TOKEN, now=self.clock.now, **kwargs)

    def rest(self, method: str, path: str, **kwargs: Any) -> Any:
        """A raw call (test-side checks), answer unwrapped from {"data": ...}."""
        response = httpx.request(
            method,
            f"{self.url}{path}",
            params={"api-version": "3.2", **kwargs.pop("params", {})},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=10,
            **kwargs,
        )
        response.raise_for_status()
        body = response.json()
        return body.get("data", body) if isinstance(body, dict) else body

    def work_logs(self) -> list[dict[str, Any]]:
        """Every work log on the server, through REST GET /api/rest/workLogs, oldest first."""
        logs: list[dict[str, Any]] = self.rest(
            "GET", "/api/rest/workLogs", params={"$count": "500"}
        )
        return logs

    def current(self) -> dict[str, Any]:
        state: dict[str, Any] = self.rest("GET", "/api/tracking/client/current")
        return state

    def set_faults(self, **faults: Any) -> None:
        """Replaces the fault settings (unnamed ones back to off)."""
        assert self.thread is not None
        set_faults(self.url, self.thread.token, **faults)


JOURNAL_START = datetime(2026, 9, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def restartable(tmp_path: Path) -> Iterator[Callable[..., RestartableServer]]:
    """`restartable(activity_check_interval=0, ...)`: a started RestartableServer on a
    ManualClock at JOURNAL_START (activity checks off unless asked for)."""
    made: list[RestartableServer] = []

    def make(**changes: Any) -> RestartableServer:
        config = loopback_config(
            tmp_path / f"restartable{len(made)}",
            TOKEN,
            activity_check_interval=changes.pop("activity_check_interval", 0.0),
            activity_check_wait=changes.pop("activity_check_wait", 60.0),
            max_track=changes.pop("max_track", 0.0),
        )
        server = RestartableServer(replace(config, **changes), ManualClock(JOURNAL_START))
        made.append(server)
        return server.start()

    yield make
    for server in made:
        server.stop()
