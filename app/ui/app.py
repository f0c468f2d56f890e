"""The tray application: one QApplication, one qasync loop in the GUI thread, one session.

- Logging to a rotating file in the platform log dir; `sys.excepthook` and the loop's exception
  handler log there too (a bug becomes a log entry and a one-line notification, never a
  traceback in the user's face).
- GC trap: automatic cyclic GC off, collections from a QTimer on the GUI thread (GC running
  in uvicorn's or pynput's thread can destroy QObjects there and crash Qt); see gc_trap.py.
- Local mode (no account configured, or --local): the local Timetracker server runs embedded,
  on the same loop, with its data in the user data dir.
- SIGINT/SIGTERM and Quit end the session cleanly: tasks cancelled and awaited, the embedded
  server stopped, the journal closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

os.environ.setdefault("QT_API", "pyside6")

import platformdirs
from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtWidgets import QApplication

from app.logsetup import configure_logging
from app.settings import Settings, load_settings
from app.settings.errors import SettingsError
from app.settings.paths import APP_NAME, data_dir, journal_path, server_data_dir
from app.ui.fallback_window import TRAY_WAIT
from app.ui.gc_trap import GuiThreadCollector
from app.ui.single_instance import SingleInstance

log = logging.getLogger("app.ui")

LOG_FILE = "pacetray.log"
LOG_DIR_ENV = "PACETRAY_LOG_DIR"
TRAY_WAIT_ENV = "PACETRAY_TRAY_WAIT"  # seconds to wait for a tray (tests, odd desktops)
LOCAL_PORT = 8765  # the embedded server's port when free (`pacetray status` finds it there)


def log_path() -> Path:
    override = os.environ.get(LOG_DIR_ENV)
    folder = Path(override) if override else platformdirs.user_log_path(APP_NAME, appauthor=False)
    return folder / LOG_FILE


def local_journal_path() -> Path:
    """Local mode keeps its own journal: its commands must never replay against 7pace."""
    return data_dir() / "journal-local.sqlite"


@dataclass(frozen=True)
class AppOptions:
    local: bool = False
    base_url: str | None = None  # the server to use (None in local mode)
    connection: Any = field(default=None, repr=False)  # app.commands.connection.Connection
    connection_problem: str | None = None  # why the configured account cannot be used
    tray_wait: float = TRAY_WAIT
    hotkeys: bool = True
    settings: Settings = field(default_factory=Settings)


# --- crash reporting ---------------------------------------------------------------------------

_notify_crash: Callable[[str], None] | None = None


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    log.critical("unhandled exception", exc_info=(kind, value, tb))
    _tell_user(f"{kind.__name__}: {value}")


def _loop_exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    exc = context.get("exception")
    message = context.get("message", "unhandled error in the event loop")
    if isinstance(exc, BaseException):
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.error("%s\n%s", message, text.rstrip())
        _tell_user(f"{type(exc).__name__}: {exc}")
    else:
        log.error("%s", message)


def _tell_user(what: str) -> None:
    if _notify_crash is not None:
        with contextlib.suppress(Exception):
            _notify_crash(
                f"Something went wrong ({what[:120]}). Details are in the log file {log_path()}."
            )


def install_crash_logging(notify: Callable[[str], None] | None = None) -> None:
    global _notify_crash
    _notify_crash = notify
    sys.excepthook = _excepthook


# --- signals -----------------------------------------------------------------------------------


class SignalWakeup(QObject):
    """SIGINT/SIGTERM reach Python only when it runs; Qt's loop may sleep for long. The wakeup
    fd makes the C handler write a byte that a QSocketNotifier turns into `handler()`."""

    def __init__(self, handler: Callable[[], None]) -> None:
        super().__init__()
        self._handler = handler
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._old_fd = signal.set_wakeup_fd(self._write.fileno())
        self._old = {
            sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)

    def _woken(self) -> None:
        with contextlib.suppress(OSError):
            while self._read.recv(64):
                pass
        log.info("signal received: quitting")
        self._handler()

    def close(self) -> None:
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._old_fd)
        for sig, old in self._old.items():
            signal.signal(sig, old)
        self._read.close()
        self._write.close()


# --- the session -------------------------------------------------------------------------------


class TraySession:
    """Everything one running tray holds, built and torn down on the qasync loop."""

    def __init__(
        self,
        options: AppOptions,
        instance: SingleInstance,
        on_ready: Callable[[], None] | None = None,
    ) -> None:
        self.options = options
        self.instance = instance
        self.on_ready = on_ready  # called once the tray is up (the GC trap settles then)
        self.quit = asyncio.Event()
        self.controller: Any = None
        self.server_url: str | None = None
        self._server_task: asyncio.Task[None] | None = None
        self._closers: list[Callable[[], Any]] = []

    async def _start_local_server(self) -> tuple[str, str]:
        from app.server.config import ServerConfig
        from app.server.runner import ServerConfigError, ServerInfo, serve

        ready: asyncio.Future[ServerInfo] = asyncio.get_running_loop().create_future()

        def on_ready(info: ServerInfo) -> None:
            if not ready.done():
                ready.set_result(info)

        async def start(port: int) -> ServerInfo:
            config = ServerConfig(host="127.0.0.1", port=port, data_dir=server_data_dir())
            self._server_task = asyncio.ensure_future(serve(config, on_ready))
            waits: set[asyncio.Future[Any]] = {self._server_task, ready}
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            if ready in done:
                return ready.result()
            self._server_task.result()  # raises why it failed
            raise ServerConfigError("The local server stopped before it was ready.")

        try:
            info = await start(LOCAL_PORT)
        except ServerConfigError as exc:
            log.info("port %d is taken (%s): the local server picks a free port", LOCAL_PORT, exc)
            info = await start(0)
        log.info("local server listening on %s (data in %s)", info.url, server_data_dir())
        return info.url, info.token

    async def _activity(self) -> tuple[Any, Any]:
        from app.activity.probe import probe

        try:
            result = await asyncio.to_thread(probe)
        except Exception:
            log.exception("probing activity sources failed")
            return None, None
        for line in result.describe():
            log.info("activity: %s", line)
        return result.chosen, result

    async def run(self) -> int:
        from app.api.client import TrackingClient
        from app.tracking.journal import Journal
        from app.tracking.options import TrackingSettings
        from app.tracking.tracker import Tracker
        from app.ui.bridge import TrackerBridge
        from app.ui.controller import Controller

        options = self.options
        tasks: list[asyncio.Task[Any]] = []
        client: TrackingClient | None = None
        journal: Journal | None = None
        bridge: TrackerBridge | None = None
        source: Any = None
        try:
            if options.local:
                url, token = await self._start_local_server()
                self.server_url = url
                client = TrackingClient(url, token=token)
                journal = Journal(local_journal_path())
            else:
                assert options.base_url is not None
                self.server_url = options.base_url
                if options.connection is not None:
                    client = options.connection.client()
                else:
                    client = TrackingClient(options.base_url)
                journal = Journal(journal_path())
            source, _probe = await self._activity()
            settings = TrackingSettings.from_settings(options.settings)
            detector = None
            if source is not None:
                from app.activity.detector import IdleDetector

                detector = IdleDetector(float(options.settings.idle_threshold_seconds))
            tracker = Tracker(
                client, activity=source, detector=detector, journal=journal, settings=settings
            )
            bridge = TrackerBridge(tracker, client)
            controller = Controller(
                bridge,
                settings=options.settings,
                local_mode=options.local,
                tray_wait=options.tray_wait,
                hotkeys=options.hotkeys,
            )
            self.controller = controller
            global _notify_crash
            _notify_crash = lambda text: controller._on_error(text)  # noqa: E731
            controller.quitRequested.connect(self.quit.set)
            self.instance.popupRequested.connect(controller.open_popup)
            bridge.start_polling()
            controller.start()
            if options.connection_problem:
                bridge.error.emit(options.connection_problem)
            if source is not None and detector is not None:
                tasks.append(self._start_monitor(source, detector, tracker))
            mode = "local mode" if options.local else f"server {options.base_url}"
            log.info("Pacetray ready (%s)", mode)
            if self.on_ready is not None:
                self.on_ready()
            await self.quit.wait()
            log.info("quitting")
            return 0
        finally:
            await self._shutdown(tasks, bridge, client, journal, source)

    def _start_monitor(self, source: Any, detector: Any, tracker: Any) -> asyncio.Task[Any]:
        from app.activity.monitor import ActivityMonitor

        monitor = ActivityMonitor(source, detector, tracker.on_activity_event)
        self._start_logind(monitor, tracker)
        return asyncio.ensure_future(monitor.run())

    def _start_logind(self, monitor: Any, tracker: Any) -> None:
        from app.activity.logind import LogindWatcher

        loop = asyncio.get_running_loop()

        def on_event(event: Any) -> None:  # logind's thread
            monitor.session_event(event)
            loop.call_soon_threadsafe(tracker.on_session_event, event)

        watcher = LogindWatcher(on_event)
        if watcher.start():
            self._closers.append(watcher.stop)
        else:
            log.info("lock/sleep events: %s", watcher.reason)

    async def _shutdown(
        self, tasks: list[asyncio.Task[Any]], bridge: Any, client: Any, journal: Any, source: Any
    ) -> None:
        global _notify_crash
        _notify_crash = None
        if self.controller is not None:
            await self.controller.close()
        if bridge is not None:
            await bridge.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for close in (*self._closers, getattr(source, "close", None)):
            if close is not None:
                with contextlib.suppress(Exception):
                    close()
        if client is not None:
            with contextlib.suppress(Exception):
                await client.aclose()
        if journal is not None:
            journal.close()
        if self._server_task is not None:
            self._server_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._server_task
            log.info("local server stopped")
        self.instance.close()
        log.info("Pacetray stopped cleanly")


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Pacetray")
    app.setQuitOnLastWindowClosed(False)  # closing a dialog must not end the tray
    return app


def tray_wait_from_env(default: float = TRAY_WAIT) -> float:
    text = os.environ.get(TRAY_WAIT_ENV)
    if not text:
        return default
    try:
        return max(0.0, float(text))
    except ValueError:
        log.warning("%s=%r is not a number of seconds; waiting %s s", TRAY_WAIT_ENV, text, default)
        return default


def run(options: AppOptions) -> int:
    """Runs the tray until Quit or SIGINT/SIGTERM; the process exit code."""
    import qasync

    configure_logging(logging.INFO, log_file=log_path())
    app = application()
    instance = SingleInstance()
    if not instance.acquire():
        print("Pacetray is already running: its popup was opened.", flush=True)
        return 0
    install_crash_logging()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(_loop_exception_handler)
    collector = GuiThreadCollector()
    collector.start()
    session = TraySession(options, instance, on_ready=collector.settle)
    wakeup = SignalWakeup(lambda: loop.call_soon(session.quit.set))
    started = time.monotonic()
    try:
        with loop:
            return int(loop.run_until_complete(session.run()))
    finally:
        wakeup.close()
        asyncio.set_event_loop(None)
        collector.stop()
        log.info("ran for %.0f s", time.monotonic() - started)


def load_settings_or_default() -> tuple[Settings, str | None]:
    """The saved settings; a broken file means defaults plus a message (the tray still runs)."""
    try:
        return load_settings(), None
    except SettingsError as exc:
        return Settings(), exc.message
