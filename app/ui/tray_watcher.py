"""Is there a system tray? At login the tray often appears seconds late: wait for one a little,
then say there is none (the controller shows the fallback window) and keep looking."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QSystemTrayIcon

from app.ui.launch import TRAY_WAIT

__all__ = ["RECHECK_MS", "TRAY_WAIT", "TrayWatcher"]
RECHECK_MS = 500


class TrayWatcher(QObject):
    """Emits `available` as soon as a system tray exists, `unavailable` once after `wait`
    seconds without one, and keeps watching (a tray may still come)."""

    available = Signal()
    unavailable = Signal()

    def __init__(
        self,
        wait: float = TRAY_WAIT,
        probe: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.wait = wait
        self._probe = probe
        self._timer = QTimer(self)
        self._timer.setInterval(RECHECK_MS)
        self._timer.timeout.connect(self._check)
        self._deadline = 0.0
        self.gave_up = False
        self.has_tray = False

    def start(self) -> None:
        self._deadline = time.monotonic() + self.wait
        self._timer.start()
        self._check()

    def stop(self) -> None:
        self._timer.stop()

    @Slot()
    def _check(self) -> None:
        if self._probe():
            if not self.has_tray:
                self.has_tray = True
                self.available.emit()
            self._timer.stop()
            return
        if not self.gave_up and time.monotonic() >= self._deadline:
            self.gave_up = True
            self._timer.setInterval(RECHECK_MS * 4)  # keep looking, less often
            self.unavailable.emit()
