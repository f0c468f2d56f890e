"""Real local servers on loopback for the test folders' fixtures: one way to configure, start
and stop them, so the conftests differ only in what they ask for (token, clock, scope).

    with server_pool() as pool:            # in a fixture: everything it started is stopped
        thread = pool.start(loopback_config(tmp_path / "server", TOKEN), clock=ScaledClock(30))

A `ServeProcess` (the server in its own process) lives in tests/support/bigbody.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.server.app import create_app
from app.server.clock import Clock
from app.server.config import ServerConfig
from app.server.runner import ServerThread
from tests.support.hubgate import HubGate


def loopback_config(data_dir: Path, token: str, **changes: Any) -> ServerConfig:
    """A test server's config: 127.0.0.1, a free port, `token`, its own data dir."""
    return ServerConfig(host="127.0.0.1", port=0, token=token, data_dir=data_dir, **changes)


def start_server(config: ServerConfig, clock: Clock | None = None) -> ServerThread:
    """A started server; with `clock` (scaled or manual) the server's app runs on it."""
    app = create_app(config, clock=clock) if clock is not None else None
    return ServerThread(config, app=app).start()


def start_gated(
    config: ServerConfig, clock: Clock | None = None, hub_status: int | None = None
) -> tuple[ServerThread, HubGate]:
    """A started server behind a HubGate (its hub can be missing or go away: `gate.status`)."""
    gate = HubGate(create_app(config, clock=clock))
    gate.status = hub_status
    return ServerThread(config, app=gate).start(), gate  # type: ignore[arg-type]  # ASGI app


class ServerPool:
    """Starts servers and remembers them, so a fixture's teardown stops every one."""

    def __init__(self) -> None:
        self.started: list[ServerThread] = []

    def start(self, config: ServerConfig, clock: Clock | None = None) -> ServerThread:
        thread = start_server(config, clock)
        self.started.append(thread)
        return thread

    def stop_all(self) -> None:
        for thread in self.started:
            thread.stop()
        self.started.clear()


@contextmanager
def server_pool() -> Iterator[ServerPool]:
    pool = ServerPool()
    try:
        yield pool
    finally:
        pool.stop_all()


@contextmanager
def running_server(config: ServerConfig, clock: Clock | None = None) -> Iterator[ServerThread]:
    """One server for a `with` block (a module- or session-scoped fixture)."""
    with server_pool() as pool:
        yield pool.start(config, clock)
