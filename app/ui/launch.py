"""The first moments of the tray: its icon shows before the rest of the app is imported.

Why: a tray app is judged by how soon its icon appears, and importing the client stack
(asyncio, httpx, the tracking core, the Qt windows) takes about a second. So the
icon is shown first, saying "starting…", while a worker thread imports those modules and the
GUI thread keeps handling window-system events (the tray host embeds and paints the icon
meanwhile). A click in that time is remembered and opens the popup once it exists.

Importing in a worker thread is safe here: modules only define classes and functions (no
QObject is created at import), and automatic GC is off (gc_trap.py), so no collection runs in
that thread. This module itself imports only Qt and the icons, and does not touch the `Qt`
namespace (see icons.prefers_dark).
"""

from __future__ import annotations

import importlib
import linecache
import logging
import sys
import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

from PySide6.QtCore import QEventLoop, QObject, Slot
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from app.ui.icons import TrayState, icon_for, palette_is_dark

log = logging.getLogger(__name__)
T = TypeVar("T")

TRAY_WAIT = 10.0  # seconds to wait for a tray before showing the fallback window
STARTING_TEXT = "Pacetray — starting…"
PUMP_MS = 10  # the GUI thread handles events at least this often while modules load

# What the session builds on (tray_app.py), in import order; the first ones are the slowest.
# Our modules here are only warmed up: each is imported by a plain import where it is used.
PRELOAD = (
    "asyncio",
    "qasync",
    "httpx",
    # httpx's first request picks its async backend and imports it (~70 modules): not then
    "httpcore._backends.anyio",
    "anyio._backends._asyncio",
    "app.api.client",
    "app.tracking.tracker",
    "app.tracking.journal",
    "app.tracking.options",
    "app.activity.probe",
    "app.activity.detector",
    "app.activity.monitor",
    "app.activity.logind",
    "app.ui.bridge",
    "app.ui.controller",
    "app.ui.hotkey_service",
)
# Not here: the popup, the prompts and the dialogs. They are built, and their modules imported,
# when first needed (controller.py): an idle tray holds none of them.
PRELOAD_LOCAL = ("app.server.config", "app.server.runner", "app.local_server")


class LaunchTray(QObject):
    """The tray icon as soon as QApplication exists; the Controller adopts it later."""

    def __init__(self) -> None:
        super().__init__()
        # The palette decides light/dark here; the Controller's icon also asks the colour
        # scheme (slower to ask: see icons.prefers_dark) and corrects it if need be.
        self.icon = QSystemTrayIcon(icon_for(TrayState.IDLE, palette_is_dark()))
        self.icon.setToolTip(STARTING_TEXT)
        self.popup_wanted = False
        self.icon.activated.connect(self._activated)
        # Without a tray yet the Controller's TrayWatcher waits for one (and shows the
        # fallback window after TRAY_WAIT): nothing to show here.
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon.show()

    @Slot(QSystemTrayIcon.ActivationReason)
    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.popup_wanted = True

    def hand_over(self) -> QSystemTrayIcon:
        """The icon, no longer listened to here (the new owner connects its own slots)."""
        self.icon.activated.disconnect(self._activated)
        return self.icon


def import_all(modules: Iterable[str]) -> list[str]:
    """Imports `modules`; returns the names that failed (logged: the real import later raises
    where that failure is handled)."""
    failed: list[str] = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:
            log.exception("preloading %s failed", name)
            failed.append(name)
        # PySide6's import hook reads the whole source of every module imported after it
        # (PYSIDE-2029: it searches it for "PySide6") and linecache keeps that text, ~13 MiB
        # by the time the tray is up. Dropped after each module, the space is reused by the
        # next import instead of staying in the heap. A traceback reads what it needs again.
        linecache.clearcache()
    return failed


def _uses_pyside_uncached(module: object) -> bool:
    """PySide6's test (does the module's source mention PySide6?) without keeping the text."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def lighter_import_hook() -> None:
    """PySide6's import hook reads each new module's source through linecache, which keeps
    it (PYSIDE-2029): ~13 MiB of text once the tray is up. Its check, done the same way
    without the cache. Without that private function (another PySide6), nothing changes."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = _uses_pyside_uncached  # type: ignore[attr-defined]


def pump_while(app: QApplication, work: Callable[[], T]) -> T:
    """`work()` in a worker thread while the GUI thread handles events; its result, or what
    it raised."""
    results: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(work())
        except BaseException as exc:  # handed to the caller's thread
            errors.append(exc)

    worker = threading.Thread(target=target, name="pacetray-start", daemon=True)
    worker.start()
    while worker.is_alive():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, PUMP_MS)
        worker.join(PUMP_MS / 1000)
    if errors:
        raise errors[0]
    return results[0]
