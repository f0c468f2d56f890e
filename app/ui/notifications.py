"""Desktop notifications: the tray's balloon when a tray exists, else the fallback window.

One pending action per notification (e.g. "Restart" after a server stop) runs when the user
clicks the message. Every notification is also kept in `history` and emitted as `shown`, so the
fallback window can show it and tests can see it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QSystemTrayIcon

log = logging.getLogger(__name__)

SHOW_MS = 8000


class Kind(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


_TRAY_ICONS = {
    Kind.INFO: QSystemTrayIcon.MessageIcon.Information,
    Kind.WARNING: QSystemTrayIcon.MessageIcon.Warning,
    Kind.ERROR: QSystemTrayIcon.MessageIcon.Critical,
}


@dataclass(frozen=True)
class Notification:
    title: str
    message: str
    kind: Kind = Kind.INFO
    action_label: str | None = None  # what clicking the message does, e.g. "Restart"


class Notifier(QObject):
    shown = Signal(object)  # Notification

    def __init__(self, tray: QSystemTrayIcon | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history: list[Notification] = []
        self._action: Callable[[], None] | None = None
        self._tray: QSystemTrayIcon | None = None
        self.attach(tray)

    def attach(self, tray: QSystemTrayIcon | None) -> None:
        if self._tray is not None:
            self._tray.messageClicked.disconnect(self.clicked)
        self._tray = tray
        if tray is not None:
            tray.messageClicked.connect(self.clicked)

    @property
    def pending_action(self) -> str | None:
        last = self.history[-1] if self.history else None
        return last.action_label if last is not None and self._action is not None else None

    def notify(
        self,
        title: str,
        message: str,
        kind: Kind = Kind.INFO,
        *,
        action: Callable[[], None] | None = None,
        action_label: str | None = None,
    ) -> Notification:
        note = Notification(title, message, kind, action_label if action else None)
        self.history.append(note)
        del self.history[:-50]
        self._action = action
        log.info("notification: %s — %s", title, message)
        text = message
        if note.action_label is not None:
            text = self.tr("{message}\nClick to {action}.").format(
                message=message, action=note.action_label
            )
        tray = self._tray
        if tray is not None and tray.isVisible() and QSystemTrayIcon.supportsMessages():
            tray.showMessage(title, text, _TRAY_ICONS[kind], SHOW_MS)
        self.shown.emit(note)
        return note

    @Slot()
    def clicked(self) -> None:
        """The user clicked the last message: run its action (once)."""
        action, self._action = self._action, None
        if action is not None:
            action()
