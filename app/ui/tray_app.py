"""The tray application: one QApplication, one qasync loop in the GUI thread, one session.

- Logging to a rotating file in the platform log dir; `sys.excepthook` and the loop's exception
  handler log there too (a bug becomes a log entry and a one-line notification, never a
  traceback in the user's face).
- GC trap: automatic cyclic GC off, collections from a QTimer on the GUI thread (GC running
  in uvicorn's or pynput's thread can destroy QObjects there and crash Qt); see gc_trap.py.
- Start-up in two steps (launch.py): the tray icon shows right after QApplication exists,
  then the client stack is imported in a worker thread while Qt handles events, then the
  session is built on the qasync loop and adopts the icon.
- Local mode (no account configured, or --local): the local Timetracker server runs embedded,
  on the same loop, with its data in the user data dir.
- SIGINT/SIGTERM and Quit end the session cleanly: tasks cancelled and awaited, the embedded
  server stopped, the journal closed.
"""

from __future__ import annotations

import contextlib
import linecache
import logging
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop


os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier
from PySide6.QtWidgets import QApplication

from app.settings.paths import APP_NAME
from app.ui.gc_trap import GuiThreadCollector
from app.ui.launch import (
    PRELOAD,
    PRELOAD_LOCAL,
    LaunchTray,
    import_all,
    lighter_import_hook,
    pump_while,
)
from app.ui.options import AppOptions
from app.ui.single_instance import SingleInstance

log = logging.getLogger("app.ui")

LOG_FILE = "pacetray.log"
LOG_DIR_ENV = "PACETRAY_LOG_DIR"


def log_path() -> Path:
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override) / LOG_FILE
    import platformdirs  # not before the icon shows (~13 ms)

    folder = platformdirs.user_log_path(APP_NAME, appauthor=False)
    return folder / LOG_FILE


# --- crash reporting ---------------------------------------------------------------------------

_notify_crash: Callable[[str], None] | None = None


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    log.critical("unhandled exception", exc_info=(kind, value, tb))
    _tell_user(f"{kind.__name__}: {value}")


def _loop_exception_handler(loop: AbstractEventLoop, context: dict[str, Any]) -> None:
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
            text = QCoreApplication.translate(
                "TrayApp", "Something went wrong ({what}). Details are in the log file {path}."
            )
            _notify_crash(text.format(what=what[:120], path=log_path()))


def install_crash_logging(notify: Callable[[str], None] | None = None) -> None:
    set_crash_notifier(notify)
    sys.excepthook = _excepthook


def set_crash_notifier(notify: Callable[[str], None] | None) -> None:
    """Who tells the user about a bug (the Controller, once it exists)."""
    global _notify_crash
    _notify_crash = notify


# --- signals -----------------------------------------------------------------------------------


class SignalWakeup(QObject):
    """SIGINT/SIGTERM reach Python only when it runs; Qt's loop may sleep for long. The wakeup
    fd makes the C handler write a byte that a QSocketNotifier turns into `handler()`."""

    def __init__(self, handler: Callable[[], None]) -> None:
        super().__init__()
        import socket  # not before the icon shows (~10 ms)

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


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Pacetray")
    app.setQuitOnLastWindowClosed(False)  # closing a dialog must not end the tray
    return app


def run(make_options: Callable[[], AppOptions]) -> int:
    """Runs the tray until Quit or SIGINT/SIGTERM; the process exit code. `make_options` runs
    once the icon shows (settings, credentials); what it raises ends the run."""
    app = application()
    instance = SingleInstance()
    if not instance.acquire():
        if instance.answered:
            print("Pacetray is already running: its popup was opened.", flush=True)
        else:
            print(
                "Pacetray is already running but did not answer. If it hangs, end it "
                f"(its log: {log_path()}) and start Pacetray again.",
                flush=True,
            )
        return 0
    launch = LaunchTray()
    lighter_import_hook()
    install_crash_logging()
    collector = GuiThreadCollector()
    collector.start()  # automatic GC off before the worker thread runs (launch.py)

    def prepare() -> AppOptions:
        from app.logsetup import configure_logging

        configure_logging(logging.INFO, log_file=log_path())
        options = make_options()
        import_all(PRELOAD + (PRELOAD_LOCAL if options.local else ()))
        return options

    try:
        options = pump_while(app, prepare)
    except BaseException:
        launch.icon.hide()
        instance.close()
        collector.stop()
        raise
    # Before any window of the session is built: texts are translated when built.
    from app.ui.i18n import install_translations

    install_translations(app, options.settings.language)
    # What is alive now lives as long as the app: collected and frozen here, while only the
    # "starting…" icon shows, so no later pass walks it (and no stall once the app is up).
    # linecache: what PySide6's import hook left there (see launch.lighter_import_hook).
    linecache.clearcache()
    collector.settle()
    import asyncio  # imported by the worker just now: free here

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(_loop_exception_handler)
    from app.ui.tray_session import TraySession

    # Settled again once the tray is up: that pass walks only what start-up built since.
    session = TraySession(
        options,
        instance,
        launch=launch,
        on_ready=collector.settle,
        notify_crashes=set_crash_notifier,
    )
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
