"""End-to-end fixtures: a real desktop (Xvfb + trayer + a session bus), the local server over
real HTTP, and the tray app as a real process (`python -m app tray --server URL --token T`).

- `desktop`: one Desktop for the session (see desktop.py); each test checks it is still alive.
- `start_server(**config)`: a ServerThread on 127.0.0.1 with a tmp data dir; the returned
  `LiveServer` answers `current()` for the test through a real TrackingClient.
- `start_app(server, settings=...)`: the tray app on the desktop, with its own config, data,
  state and cache dirs (settings.toml written from `settings`), stopped after the test; its log
  is kept in test-artifacts/ when the test fails.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from app.api.client import TrackingClient
from app.api.models import TrackingState
from app.server.config import FaultConfig
from app.server.runner import ServerThread
from tests.e2e.desktop import ARTIFACTS, ROOT, Desktop
from tests.support.servers import loopback_config, server_pool
from tests.support.xserver import have_xvfb

TOKEN = "e2e-token"  # the local test server's bearer token (never a real one)


@pytest.fixture(scope="session")
def desktop() -> Iterator[Desktop]:
    if not have_xvfb() or shutil.which("trayer") is None:
        pytest.fail("Xvfb, xdotool and trayer are required: run `make system-deps`")
    with Desktop() as desk:
        yield desk


@pytest.fixture
def live_desktop(desktop: Desktop) -> Desktop:
    assert desktop.alive, "the test desktop (Xvfb or trayer) died"
    return desktop


@dataclass
class LiveServer:
    thread: ServerThread

    @property
    def url(self) -> str:
        return self.thread.url

    def current(self) -> TrackingState:
        """The tracking state as any client sees it, fetched over HTTP."""

        async def fetch() -> TrackingState:
            async with TrackingClient(self.url, token=TOKEN) as client:
                return await client.current()

        return asyncio.run(fetch())


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    with server_pool() as pool:

        def start(**config: Any) -> LiveServer:
            data = tmp_path / f"server{len(pool.started)}"
            data.mkdir()
            return LiveServer(
                pool.start(loopback_config(data, TOKEN, faults=FaultConfig(), **config))
            )

        yield start


@dataclass
class AppProcess:
    proc: subprocess.Popen[bytes]
    log_path: Path
    dirs: dict[str, Path] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def assert_running(self) -> None:
        if self.proc.poll() is not None:
            raise AssertionError(
                f"the tray app exited with {self.proc.returncode}:\n{self.output()[-3000:]}"
            )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 10.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode


def app_env(desktop: Desktop, home: Path) -> dict[str, str]:
    """The desktop's environment with every per-user directory inside `home`."""
    env = desktop.env()
    dirs = {
        "HOME": home,
        "XDG_CONFIG_HOME": home / "config",
        "XDG_DATA_HOME": home / "data",
        "XDG_STATE_HOME": home / "state",
        "XDG_CACHE_HOME": home / "cache",
        "XDG_RUNTIME_DIR": home / "runtime",
        "PACETRAY_CONFIG_DIR": home / "config" / "pacetray",
        "PACETRAY_DATA_DIR": home / "data" / "pacetray",
    }
    for key, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[key] = str(path)
    (home / "runtime").chmod(0o700)
    env.pop("PACETRAY_TOKEN", None)
    env.pop("PACETRAY_SERVER", None)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    return env


@pytest.fixture
def start_app(
    live_desktop: Desktop, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., AppProcess]]:
    apps: list[AppProcess] = []

    def start(
        server: LiveServer,
        settings: dict[str, Any] | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> AppProcess:
        home = tmp_path / f"home{len(apps)}"
        env = app_env(live_desktop, home)
        env.update(extra_env or {})
        if settings:
            config_dir = Path(env["PACETRAY_CONFIG_DIR"])
            (config_dir / "settings.toml").write_text(tomli_w.dumps(settings))
        log_path = tmp_path / f"app{len(apps)}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "app", "tray", "--server", server.url, "--token", TOKEN],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        app = AppProcess(proc, log_path, {"home": home})
        apps.append(app)
        return app

    yield start
    for app in apps:
        app.stop()
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for i, app in enumerate(apps):
            shutil.copy(app.log_path, ARTIFACTS / f"{request.node.name}-app{i}.log")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.xvfb)
