"""No tray (GNOME without AppIndicator, the offscreen platform): after the wait of
tray_watcher.TrayWatcher, a small always-on-top window with the same controls. If a tray
appears later still, the controller switches to it. Imported when first shown."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.launch import TRAY_WAIT
from app.ui.notifications import Notification
from app.ui.tray import TrayMenu
from app.ui.tray_watcher import TrayWatcher

__all__ = ["TRAY_WAIT", "FallbackWindow", "TrayWatcher"]


class FallbackWindow(QWidget):
    """A small always-on-top window: status, Start/Stop, Open, the full menu, last message."""

    popupRequested = Signal()

    def __init__(self, menu: TrayMenu, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle("Pacetray")
        self.menu = menu
        self.icon_label = QLabel()
        self.icon_label.setAccessibleName(self.tr("Tracking state"))  # the icon: named, too
        self.status = QLabel(self.tr("Not tracking"))
        self.status.setWordWrap(True)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.start_stop = QPushButton(menu.start_stop.text())
        self.start_stop.clicked.connect(menu.start_stop.trigger)
        menu.start_stop.changed.connect(self._sync)
        self.open_popup = QPushButton(self.tr("Open…"))
        self.open_popup.setAccessibleDescription(self.tr("Opens the popup to pick a work item"))
        self.open_popup.clicked.connect(self.popupRequested)
        self.more = QToolButton()
        self.more.setText(self.tr("Menu"))
        self.more.setAccessibleName(self.tr("Menu"))
        self.more.setMenu(menu)
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        top = QHBoxLayout()
        top.addWidget(self.icon_label)
        top.addWidget(self.status, 1)
        buttons = QHBoxLayout()
        for button in (self.start_stop, self.open_popup, self.more):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.setMinimumWidth(280)

    @Slot()
    def _sync(self) -> None:
        self.start_stop.setText(self.menu.start_stop.text())
        self.start_stop.setEnabled(self.menu.start_stop.isEnabled())

    def set_status(self, icon: QIcon, tooltip: str) -> None:
        self.icon_label.setPixmap(icon.pixmap(32, 32))
        # the tooltip's first line is the app name: the window title says that already
        self.status.setText("\n".join(tooltip.splitlines()[1:]))
        self.icon_label.setAccessibleDescription(self.status.text())
        self.setWindowIcon(icon)

    @Slot(object)
    def show_notification(self, note: Notification) -> None:
        if note.action_label:
            text = self.tr("{title}: {message} (use the menu to {action})").format(
                title=note.title, message=note.message, action=note.action_label
            )
        else:
            text = self.tr("{title}: {message}").format(title=note.title, message=note.message)
        self.message.setText(text)
        self.message.setVisible(True)

    def closeEvent(self, event: QCloseEvent) -> None:
        # With no tray this window is the only way back to the app: closing means quitting
        # (which asks about a running track).
        event.ignore()
        self.menu.quit.trigger()
