"""Fixtures of the ui tests: one offscreen QApplication for the session, async tests on a qasync
loop (pytest-asyncio's `pytest_asyncio_loop_factories` hook), the GC trap, and the real local
server with a real Tracker and `TrackerBridge` on top.

Rules for ui tests (see shared/design/desktop-testing.md):
- In `async def` tests await `wait_signal(...)` / `wait_until(...)`, never `qtbot.waitSignal`
  (a nested Qt loop inside a qasync task hangs the session).
- `@pytest.mark.server(speed=..., activity_check_interval=..., activity_check_wait=...)` tunes
  the `server` fixture; by default the clock runs 30x and activity checks are off.

Other helpers may add fixtures at the END of this file.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_API", "pyside6")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytestqt.plugin
import qasync
from PySide6.QtCore import QObject, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication

from app.api.client import TrackingClient
from app.api.retry import RetryPolicy
from app.server.clock import ScaledClock
from app.tracking.journal import Journal
from app.tracking.options import TrackingSettings
from app.tracking.tracker import Tracker
from app.ui.bridge import TrackerBridge
from tests.support.servers import loopback_config, running_server
from tests.support.wait import wait_until
from tests.tracking.conftest import OTHER_ITEM, TOKEN, WORK_ITEM, LiveServer, ScriptedActivity

__all__ = [
    "OTHER_ITEM",
    "TOKEN",
    "WORK_ITEM",
    "LiveServer",
    "ScriptedActivity",
    "wait_signal",
]

# 429 must reach the tracker (its pause), other reads retried quickly
NO_429_RETRY = RetryPolicy(
    max_attempts=2, base_delay=0.01, max_delay=5.0, retry_statuses=frozenset({500, 502, 503})
)


def application() -> QApplication:
    """The session's QApplication (created on first use, never at import: the e2e tests may
    want another platform in their own process)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(["pacetray-tests"])
        app.setQuitOnLastWindowClosed(False)
    assert isinstance(app, QApplication)
    return app


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "server(**kwargs): ServerConfig changes (and speed=) for the ui `server`"
    )


_loops: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()


class _TestLoop(qasync.QEventLoop):  # type: ignore[misc]
    """qasync 0.28 processes Qt events once more after its loop stopped, with no running loop
    set: a task left pending by an async fixture's set-up (a controller's first request) is
    then stepped outside the loop and httpx/anyio fail with "no running event loop". Keep
    this loop marked running through that last pass; every run of a pytest-asyncio Runner is
    a separate `run_until_complete`, so this matters in tests, not in the app (one run)."""

    def _after_run_forever(self) -> None:
        super()._after_run_forever()
        asyncio.events._set_running_loop(self)

    def run_until_complete(self, future: Any) -> Any:
        try:
            return super().run_until_complete(future)
        finally:
            asyncio.events._set_running_loop(None)


def _qasync_loop() -> asyncio.AbstractEventLoop:
    loop = _TestLoop(application())
    _loops.add(loop)
    return loop


def _process_events_outside_qasync() -> None:
    """pytest-qt calls processEvents() between fixture set-up, test and teardown. With a qasync
    loop open but not running, that would step its pending tasks with no running loop set
    (anyio/httpx then fail with "no running event loop" and leave their pool locked). The
    qasync loop processes those events itself the next time it runs."""
    if any(not loop.is_closed() for loop in list(_loops)):
        return
    _pytestqt_process_events()


_pytestqt_process_events = pytestqt.plugin._process_events
pytestqt.plugin._process_events = _process_events_outside_qasync


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    """Every async test and fixture under tests/ui runs on a qasync loop over the Qt loop."""
    return {"qasync": _qasync_loop}


@pytest.fixture(scope="session")
def qapp_cls() -> type[QApplication]:
    return QApplication


@pytest.fixture(scope="session", autouse=True)
def _ui_app() -> Iterator[QApplication]:
    """The QApplication plus the GC trap: automatic GC off for the ui tests, collections on the
    GUI thread only (a QTimer, and after every test). Cyclic GC in uvicorn's or pynput's
    thread destroys QObjects there and crashes Qt."""
    app = application()
    was_enabled = gc.isenabled()
    gc.disable()
    timer = QTimer()
    timer.setInterval(1000)
    timer.timeout.connect(gc.collect)
    timer.start()
    yield app
    timer.stop()
    gc.collect()
    if was_enabled:
        gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_test() -> Iterator[None]:
    yield
    gc.collect()  # on the main (GUI) thread, between tests


@pytest.fixture
def sync_loop(_ui_app: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """For sync (qtbot) tests that need asyncSlots: a qasync loop driven by qtbot's waits."""
    loop = qasync.QEventLoop(_ui_app, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


async def wait_signal(
    signal: SignalInstance,
    timeout: float = 10.0,
    check: Callable[..., bool] | None = None,
    trigger: Callable[[], Any] | None = None,
) -> tuple[Any, ...]:
    """Awaits the next emission of `signal` (whose args pass `check`) and returns its args.
    Connect first, then `trigger()` — so an emission during the trigger is not missed."""
    got = asyncio.Event()
    args: list[tuple[Any, ...]] = []

    def receive(*values: Any) -> None:
        if not got.is_set() and (check is None or check(*values)):
            args.append(values)
            got.set()

    signal.connect(receive)
    try:
        if trigger is not None:
            result = trigger()
            if asyncio.iscoroutine(result):
                await result
        await asyncio.wait_for(got.wait(), timeout)
    except TimeoutError:
        raise AssertionError(f"no emission of {signal} within {timeout} s") from None
    finally:
        with contextlib.suppress(RuntimeError, TypeError):
            signal.disconnect(receive)
    return args[0]


class SignalLog(QObject):
    """Records every emission of the given signals as (name, args)."""

    def __init__(self, **signals: SignalInstance) -> None:
        super().__init__()
        self.seen: list[tuple[str, tuple[Any, ...]]] = []
        for name, signal in signals.items():
            signal.connect(lambda *a, _n=name: self.seen.append((_n, a)))

    def of(self, name: str) -> list[tuple[Any, ...]]:
        return [args for n, args in self.seen if n == name]


@pytest.fixture
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """The real local server (uvicorn thread, 127.0.0.1, free port) on a 30x clock, activity
    checks off unless `@pytest.mark.server(activity_check_interval=...)` asks for them."""
    marker = request.node.get_closest_marker("server")
    changes: dict[str, Any] = dict(marker.kwargs) if marker else {}
    speed = float(changes.pop("speed", 30.0))
    config = loopback_config(
        tmp_path / "server",
        TOKEN,
        activity_check_interval=changes.pop("activity_check_interval", 0.0),
        activity_check_wait=changes.pop("activity_check_wait", 30.0),
        clock_speed=speed,
        **changes,
    )
    clock = ScaledClock(speed)
    with running_server(config, clock) as thread:
        yield LiveServer(thread, clock, config)


@pytest.fixture
async def client(server: LiveServer) -> AsyncIterator[TrackingClient]:
    """The tracker's client (429 not retried, so the tracker's pause shows)."""
    async with server.client(retry=NO_429_RETRY) as c:
        yield c


@pytest.fixture
def activity(server: LiveServer) -> ScriptedActivity:
    """The tracker's activity source, driven by the test (`touch()`, `away()`)."""
    source = ScriptedActivity(server.monotonic)
    source.touch()
    return source


@pytest.fixture
def tracking_settings() -> TrackingSettings:
    """Override in a test module to change the tracker's options."""
    return TrackingSettings()


@pytest.fixture
async def tracker(
    server: LiveServer,
    client: TrackingClient,
    activity: ScriptedActivity,
    tracking_settings: TrackingSettings,
    tmp_path: Path,
) -> AsyncIterator[Tracker]:
    """A real Tracker (not yet polling: the `bridge` fixture starts it) on the server's clock,
    with the scripted activity source and a journal in tmp_path."""
    journal = Journal(tmp_path / "journal.sqlite3", now=server.now)
    yield Tracker(
        client,
        activity=activity,
        detector=None,
        journal=journal,
        settings=tracking_settings,
        now=server.now,
        monotonic=server.monotonic,
        sleep=server.sleep,
    )
    journal.close()


@pytest.fixture
async def bridge(tracker: Tracker, client: TrackingClient) -> AsyncIterator[TrackerBridge]:
    """A TrackerBridge over `tracker`, polling, with the first state already read."""
    b = TrackerBridge(tracker, client)
    b.start_polling()
    await wait_until(lambda: tracker.state is not None, what="the first tracking state")
    yield b
    await b.close()
    b.deleteLater()
