"""The real tray killed mid-replay: `python -m app tray --server URL --token T` on the test
desktop, reaching the local server through a TCP proxy in this test (no hooks in the app).

The tray shows a track started elsewhere; the proxy goes down (connections refused) and the
toggle hotkey stops the track: the tray journals the stop. The proxy comes back armed for the
journaled `stopTracking` and SIGKILLs the tray at one of three points of its replay:

- `before_server`: the request left the tray but the proxy never forwards it;
- `answer_held`: the server applied it, the proxy withholds the answer;
- `answer_delivered`: the answer was written to the tray, the kill follows at once (before the
  tray can record it; if the tray wins that race the outcome must be the same).

The tray is started again on the same data and finishes its journal. The server's work logs
(REST) then show every stop applied exactly once: one work log per track, none running, each
ended at the moment of the offline stop (trimmed), not at the replay. One tray process after
another carries the points, so three points cost four launches.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import tomli_w

from app.api.client import TrackingClient
from app.settings.model import Hotkeys
from app.settings.paths import JOURNAL_FILE
from tests.e2e.conftest import TOKEN, AppProcess, LiveServer, app_env
from tests.e2e.desktop import ROOT, Desktop
from tests.e2e.test_tray_app import WORK_ITEM, stable_grab
from tests.e2e.test_tray_extras import xdotool_key
from tests.support.wait import wait_for

# (the journaled command, where the replay of it is killed)
STEPS = (
    ("stop", "before_server"),
    ("stop", "answer_held"),
    ("stop", "answer_delivered"),
    ("start", "answer_held"),
    ("start", "answer_delivered"),
)
REQUEST = {
    "stop": b"POST /api/tracking/client/stopTracking",
    "start": b"POST /api/tracking/client/startTracking",
}
TOLERANCE = 2.0  # s: a trimmed log ends this close to the offline stop


class KillingProxy:
    """127.0.0.1:port -> the server, on an asyncio loop of its own. `down()` refuses
    connections (and cuts the open ones), `arm(point, pid, request)` SIGKILLs `pid` at that
    point of the next request that starts with `request`."""

    def __init__(self, upstream: int) -> None:
        self.upstream = upstream
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.point: str | None = None
        self.pid = 0
        self.request = b""
        self.killed = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self, coro: object) -> None:
        asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)  # type: ignore[arg-type]

    def up(self) -> None:
        async def listen() -> None:
            self.server = await asyncio.start_server(
                self._serve, "127.0.0.1", self.port, reuse_address=True
            )

        self._run(listen())

    def down(self) -> None:
        async def close() -> None:
            if self.server is not None:
                self.server.close()
                self.server = None
            for writer in list(self.writers):
                writer.close()

        self._run(close())

    def arm(self, point: str, pid: int, request: bytes) -> None:
        self.killed.clear()
        self.point, self.pid, self.request = point, pid, request

    def _kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.point = None
        self.killed.set()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream)
        except OSError:
            writer.close()
            return
        self.writers.add(up_writer)
        watching: list[str] = []  # the point to act on with the next answer bytes

        async def to_server() -> None:
            while data := await reader.read(65536):
                if self.point is not None and data.startswith(self.request):
                    point = self.point
                    if point == "before_server":
                        self._kill()
                        return
                    watching.append(point)
                up_writer.write(data)
                await up_writer.drain()

        async def to_client() -> None:
            while data := await up_reader.read(65536):
                point = watching.pop() if watching else None
                if point == "answer_held":
                    self._kill()
                    return
                writer.write(data)
                await writer.drain()
                if point == "answer_delivered":
                    self._kill()
                    return

        try:
            await asyncio.gather(to_server(), to_client(), return_exceptions=True)
        finally:
            for end in (writer, up_writer):
                end.close()
                self.writers.discard(end)

    def close(self) -> None:
        async def finish() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            self.down()
            self._run(finish())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


class Tray:
    """The tray app, launched again and again on the same home (settings, journal)."""

    def __init__(self, desktop: Desktop, home: Path, url: str, logs: Path) -> None:
        self.env = app_env(desktop, home)
        self.env["PACETRAY_LOG_DIR"] = str(home / "log")
        self.url = url
        self.logs = logs
        self.journal = Path(self.env["PACETRAY_DATA_DIR"]) / JOURNAL_FILE
        self.launched: list[AppProcess] = []

    def launch(self) -> AppProcess:
        log_path = self.logs / f"tray{len(self.launched)}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "app", "tray", "--server", self.url, "--token", TOKEN],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        app = AppProcess(proc, log_path)
        self.launched.append(app)
        return app

    def entries(self) -> dict[str, int]:
        """The journal's entries by status, read as any SQLite reader would."""
        if not self.journal.exists():
            return {}
        db = sqlite3.connect(f"file:{self.journal}?mode=ro", uri=True, timeout=5)
        try:
            rows = db.execute("SELECT status, count(*) FROM entries GROUP BY status").fetchall()
        except sqlite3.OperationalError:  # not created yet
            return {}
        finally:
            db.close()
        return dict(rows)

    def unfinished(self) -> int:
        counts = self.entries()
        return sum(counts.get(s, 0) for s in ("pending", "sending", "expanded"))


def run(coro_fn: Callable[[TrackingClient], object], url: str) -> object:
    async def go() -> object:
        async with TrackingClient(url, token=TOKEN) as client:
            return await coro_fn(client)  # type: ignore[misc]

    return asyncio.run(go())


@pytest.fixture
def proxy(start_server: Callable[..., LiveServer]) -> Iterator[tuple[LiveServer, KillingProxy]]:
    server = start_server(activity_check_interval=0.0)
    port = int(server.url.rsplit(":", 1)[1])
    relay = KillingProxy(port)
    relay.up()
    yield server, relay
    relay.close()


def test_the_real_tray_killed_mid_replay_applies_every_command_once(
    live_desktop: Desktop, proxy: tuple[LiveServer, KillingProxy], tmp_path: Path
) -> None:
    desk = live_desktop
    server, relay = proxy
    tray = Tray(desk, tmp_path / "home", relay.url, tmp_path)
    config = Path(tray.env["PACETRAY_CONFIG_DIR"])
    (config / "settings.toml").write_text(tomli_w.dumps({"live_updates": True}))
    toggle = xdotool_key(Hotkeys().toggle_tracking)
    desk.xdotool("mousemove", "200", "700")
    pressed_at: list[tuple[str, str, float]] = []  # (command, point, when the key went down)
    app = tray.launch()
    try:
        icon = desk.wait_icon(timeout=30)
        for command, point in STEPS:
            # The tray shows the state the toggle acts on: tracking before a stop, idle before
            # a start (changed elsewhere, it reaches the tray as a push).
            shown = stable_grab(desk, icon)
            if tracking(server) != (command == "stop"):
                if command == "stop":
                    run(lambda c: c.start_tracking(work_item_id=WORK_ITEM), server.url)
                else:
                    run(lambda c: c.stop_tracking(), server.url)
                stable_grab(desk, icon, differs_from=shown, timeout=15)

            relay.down()
            before = sum(tray.entries().values())

            def journaled(app: AppProcess = app, before: int = before) -> float | None:
                """Press the toggle; when it went down, once the journal holds one more entry
                (a press the hotkey listener missed leaves none: the caller presses again)."""
                app.assert_running()
                when = time.time()
                desk.xdotool("key", toggle)
                grown = wait_quietly(lambda: sum(tray.entries().values()) > before, 3)
                return when if grown else None

            when = wait_for(journaled, timeout=15, interval=0, what=f"the offline {command}")
            pressed_at.append((command, point, when))
            relay.arm(point, app.pid, REQUEST[command])
            relay.up()
            assert relay.killed.wait(30), f"the replay never reached {command}/{point}"
            assert app.proc.wait(10) == -signal.SIGKILL
            if point != "answer_delivered":  # marked as sent, its outcome unknown to the tray
                assert tray.entries().get("sending", 0) == 1, tray.entries()

            app = tray.launch()  # the tray started again finishes the replay
            wait_for(
                lambda app=app: app.assert_running() or tray.unfinished() == 0,
                timeout=30,
                interval=0.1,
                what=f"the journal replayed after {command}/{point}",
            )
            assert "conflict" not in tray.entries(), tray.entries()
    except BaseException:
        for launched in tray.launched:
            print(f"--- {launched.log_path.name}\n{launched.output()[-3000:]}")
        raise
    finally:
        app.stop()
    assert_each_applied_once(server, pressed_at)


def assert_each_applied_once(server: LiveServer, pressed_at: list[tuple[str, str, float]]) -> None:
    """The server's work logs: per journaled start one tracked log (plus at most one manual
    log of the offline minutes before it), per journaled stop its track ended at the press."""
    logs = run(lambda c: c.work_logs(), server.url)
    latest = {w.id: w for w in run(lambda c: c.latest(50), server.url).work_logs}
    spans = []
    for log in logs:  # (start, end or None while running, tracked?)
        entry = latest[log.id]
        start = utc(entry.start_time).timestamp()
        end = utc(entry.end_time).timestamp() if entry.end_time else None
        spans.append((start, end, log.flags.is_tracked))
    presses = [when for _, _, when in pressed_at] + [float("inf")]
    for (command, point, when), following in zip(pressed_at, presses[1:], strict=True):
        if command == "stop":
            ended = [
                s for s in spans if s[2] and s[1] is not None and abs(s[1] - when) <= TOLERANCE
            ]
            assert len(ended) == 1, (point, when, spans)  # the stop applied, once
        else:
            begun = [s for s in spans if s[2] and when <= s[0] < following]  # live, after it
            assert len(begun) == 1, (point, when, spans)  # no second work log
            gap = [s for s in spans if not s[2] and abs(s[0] - when) <= TOLERANCE]
            assert len(gap) <= 1, (point, when, spans)  # the offline minutes, booked once
    starts = sum(1 for c, _, _ in pressed_at if c == "start")
    stops = sum(1 for c, _, _ in pressed_at if c == "stop")
    tracked = [s for s in spans if s[2]]
    assert len(tracked) == stops + starts, spans  # one track per start, elsewhere or journaled
    assert sum(1 for s in tracked if s[1] is None) == 1, spans  # the last start still runs


def utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def tracking(server: LiveServer) -> bool:
    from tests.e2e.test_tray_app import tracking as is_tracking

    return is_tracking(server.current())


def wait_quietly(probe: Callable[[], bool], timeout: float) -> bool:
    try:
        return bool(wait_for(probe, timeout=timeout, interval=0.05))
    except AssertionError:
        return False
