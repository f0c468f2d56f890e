"""The tray icon: its state icon, tooltip and context menu (`TrayMenu`, shared with the
fallback window). What the actions do is wired by `controller.py`.

The tooltip is also the icon's text for screen readers: every state says what it is in words
(not tracking, tracking what, offline, error, activity check). Texts are translated when they
are built (the menu's in `TrayMenu`'s context, the tooltip's in "TrayIcon")."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.api.models import LatestWorkLog, SnoozeOption, TrackingState, WorkItem
from app.texts import QT_TRANSLATE_NOOP
from app.tracking.display import NO_WORK_ITEM, work_item_text
from app.tracking.state import check_running, is_running
from app.ui.i18n import translate
from app.ui.icons import TrayState, icon_for

LOCAL_MODE_TEXT = QT_TRANSLATE_NOOP("TrayIcon", "Local mode — connect to 7pace in Settings")
SNOOZE_LABELS = {  # translated where shown (TrayMenu)
    SnoozeOption.ONE_HOUR: QT_TRANSLATE_NOOP("TrayMenu", "For 1 hour"),
    SnoozeOption.TOMORROW: QT_TRANSLATE_NOOP("TrayMenu", "Until tomorrow"),
    SnoozeOption.NEXT_MONDAY: QT_TRANSLATE_NOOP("TrayMenu", "Until next Monday"),
}
# Whole sentences per option (a translation cannot be glued from a lower-cased label).
SNOOZED_TEXTS = {
    SnoozeOption.ONE_HOUR: QT_TRANSLATE_NOOP(
        "TrayIcon", "Activity checks snoozed for 1 hour from the next one"
    ),
    SnoozeOption.TOMORROW: QT_TRANSLATE_NOOP(
        "TrayIcon", "Activity checks snoozed until tomorrow from the next one"
    ),
    SnoozeOption.NEXT_MONDAY: QT_TRANSLATE_NOOP(
        "TrayIcon", "Activity checks snoozed until next Monday from the next one"
    ),
}


def _tip(text: str) -> str:
    return QCoreApplication.translate("TrayIcon", text)


def item_text(item: WorkItem | None, remark: str | None = None) -> str:
    """`work_item_text` with "(no work item)" in the UI language."""
    return work_item_text(item, remark, translate(NO_WORK_ITEM))


def format_seconds(seconds: float) -> str:
    total = max(0, int(seconds))
    return f"{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}"


def tray_state(
    state: TrackingState | None, *, online: bool, pending: int, error: bool
) -> TrayState:
    """Which icon: error wins, then offline/pending, then a waiting check, then tracking."""
    if error:
        return TrayState.ERROR
    if not online or pending > 0:
        return TrayState.OFFLINE
    if check_running(state):
        return TrayState.CHECK
    if is_running(state):
        return TrayState.TRACKING
    return TrayState.IDLE


def tooltip_text(
    state: TrackingState | None,
    *,
    since_state: float,
    tray: TrayState,
    pending: int = 0,
    error: str | None = None,
    local_mode: bool = False,
    snooze: SnoozeOption | None = None,
) -> str:
    """`since_state`: seconds since `state` was read (its lengths grow by that much)."""
    lines = ["Pacetray"]
    track = state.track if state is not None else None
    running = is_running(state)
    if tray is TrayState.ERROR and error:
        lines.append(QCoreApplication.translate("TrayIcon", "Error: {error}").format(error=error))
    if tray is TrayState.OFFLINE:
        if not pending:
            lines.append(QCoreApplication.translate("TrayIcon", "Offline"))
        elif pending == 1:
            lines.append(
                QCoreApplication.translate("TrayIcon", "Offline — {count} change waiting").format(
                    count=pending
                )
            )
        else:
            lines.append(
                QCoreApplication.translate("TrayIcon", "Offline — {count} changes waiting").format(
                    count=pending
                )
            )
    if track is not None and running:
        if check_running(state):
            lines.append(
                QCoreApplication.translate("TrayIcon", "Activity check: are you still working?")
            )
        lines.append(item_text(track.work_item, track.remark))
        if track.remark:
            lines.append(
                QCoreApplication.translate("TrayIcon", "Remark: {remark}").format(
                    remark=track.remark
                )
            )
        elapsed = (track.current_track_length or 0) + since_state
        today = (track.total_me_today_length or 0) + since_state
        lines.append(
            QCoreApplication.translate("TrayIcon", "Elapsed {elapsed} · today {today}").format(
                elapsed=format_seconds(elapsed), today=format_seconds(today)
            )
        )
    else:
        lines.append(QCoreApplication.translate("TrayIcon", "Not tracking"))
        if track is not None and track.total_me_today_length is not None:
            lines.append(
                QCoreApplication.translate("TrayIcon", "Today {today}").format(
                    today=format_seconds(track.total_me_today_length)
                )
            )
    if snooze is not None:
        lines.append(_tip(SNOOZED_TEXTS[snooze]))
    if local_mode:
        lines.append(_tip(LOCAL_MODE_TEXT))
    return "\n".join(lines)


class TrayMenu(QMenu):
    """The actions of the tray menu (also the fallback window's buttons)."""

    def __init__(self) -> None:
        super().__init__()
        self.local_mode_action = QAction(_tip(LOCAL_MODE_TEXT), self)
        self.local_mode_action.setVisible(False)
        self.status_action = QAction(self.tr("Not tracking"), self)
        self.status_action.setEnabled(False)
        self.start_stop = QAction(self.tr("Start tracking"), self)
        self.restart_stopped = QAction(self.tr("Restart what the server stopped"), self)
        self.restart_stopped.setVisible(False)
        self.recent = QMenu(self.tr("Recent"), self)
        self.recent_empty = self.recent.addAction(self.tr("(nothing tracked yet)"))
        self.recent_empty.setEnabled(False)
        self.switch = QAction(self.tr("Switch work item…"), self)
        self.adjust = QAction(self.tr("Edit remark / activity…"), self)
        self.open_in_browser = QAction(self.tr("Open work item in browser"), self)
        self.snooze = QMenu(self.tr("Snooze activity checks"), self)
        self.snooze_actions: dict[SnoozeOption, QAction] = {}
        for option, label in SNOOZE_LABELS.items():
            action = self.snooze.addAction(self.tr(label))
            action.setData(int(option))
            self.snooze_actions[option] = action
        self.answer_check = QAction(self.tr("Answer the activity check…"), self)
        self.answer_check.setVisible(False)
        self.today = QAction(self.tr("Today…"), self)
        self.settings = QAction(self.tr("Settings…"), self)
        self.about = QAction(self.tr("About Pacetray…"), self)
        self.quit = QAction(self.tr("Quit"), self)
        for item in (self.local_mode_action, self.status_action):
            self.addAction(item)
        self.addSeparator()
        self.addAction(self.start_stop)
        self.addAction(self.restart_stopped)
        self.addAction(self.answer_check)
        self.addMenu(self.recent)
        self.addAction(self.switch)
        self.addAction(self.adjust)
        self.addAction(self.open_in_browser)
        self.addMenu(self.snooze)
        self.addSeparator()
        self.addAction(self.today)
        self.addAction(self.settings)
        self.addAction(self.about)
        self.addAction(self.quit)
        self.recent_actions: list[QAction] = []

    def set_recent(
        self, logs: list[LatestWorkLog], restart: Callable[[LatestWorkLog], None]
    ) -> None:
        for action in self.recent_actions:
            self.recent.removeAction(action)
            action.deleteLater()
        self.recent_actions = []
        seen: set[tuple[int | None, str]] = set()
        for work_log in logs:
            key = (work_log.work_item.id if work_log.work_item else None, work_log.remark or "")
            if key in seen:
                continue
            seen.add(key)
            label = item_text(work_log.work_item, work_log.remark)
            if work_log.remark and work_log.work_item is not None:
                label = f"{label} — {work_log.remark}"
            action = QAction(label.replace("&", "&&"), self.recent)
            action.triggered.connect(lambda _=False, w=work_log: restart(w))
            self.recent.addAction(action)
            self.recent_actions.append(action)
        self.recent_empty.setVisible(not self.recent_actions)

    def update_for(self, state: TrackingState | None, tray: TrayState) -> None:
        running = is_running(state)
        track = state.track if state is not None else None
        self.start_stop.setText(self.tr("Stop tracking") if running else self.tr("Start tracking"))
        if running and track is not None:
            what = item_text(track.work_item, track.remark)
            self.status_action.setText(self.tr("Tracking {what}").format(what=what))
        else:
            self.status_action.setText(self.tr("Not tracking"))
        self.adjust.setEnabled(running)
        link = track.work_item.work_item_link if track and track.work_item else None
        self.open_in_browser.setEnabled(bool(link))
        self.snooze.setEnabled(running)
        self.answer_check.setVisible(tray is TrayState.CHECK)


class TrayIcon(QObject):
    """The QSystemTrayIcon, its icon per state and a tooltip that ticks every second while
    tracking (computed locally: no request per second)."""

    popupRequested = Signal()  # left click

    def __init__(
        self,
        menu: TrayMenu,
        monotonic: Callable[[], float] = time.monotonic,
        icon: QSystemTrayIcon | None = None,
    ) -> None:
        super().__init__()
        self.menu = menu
        # `icon`: the one shown at launch before the app was built (launch.py), adopted as is
        self.icon = icon if icon is not None else QSystemTrayIcon()
        self.icon.setContextMenu(menu)
        self.icon.activated.connect(self._activated)
        self._monotonic = monotonic
        self.state: TrackingState | None = None
        self._state_at = monotonic()
        self.tray_state = TrayState.IDLE
        self.online = True
        self.pending = 0
        self.error: str | None = None
        self.local_mode = False
        self.snooze: SnoozeOption | None = None
        self.dark: bool | None = None  # None: follow the desktop
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.refresh_tooltip)
        self.refresh()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    @Slot(QSystemTrayIcon.ActivationReason)
    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.popupRequested.emit()

    def set_state(self, state: TrackingState) -> None:
        self.state = state
        self._state_at = self._monotonic()
        self.refresh()

    def set_connectivity(self, online: bool, pending: int) -> None:
        self.online, self.pending = online, pending
        self.refresh()

    def set_error(self, message: str | None) -> None:
        self.error = message
        self.refresh()

    def set_local_mode(self, local: bool) -> None:
        self.local_mode = local
        self.menu.local_mode_action.setVisible(local)
        self.refresh()

    def set_snooze(self, option: SnoozeOption | None) -> None:
        self.snooze = option
        self.refresh()

    def current_icon(self) -> QIcon:
        return icon_for(self.tray_state, self.dark)

    def refresh(self) -> None:
        self.tray_state = tray_state(
            self.state, online=self.online, pending=self.pending, error=self.error is not None
        )
        self.icon.setIcon(self.current_icon())
        self.menu.update_for(self.state, self.tray_state)
        if is_running(self.state):
            if not self._tick.isActive():
                self._tick.start()
        else:
            self._tick.stop()
        self.refresh_tooltip()

    @Slot()
    def refresh_tooltip(self) -> None:
        self.icon.setToolTip(self.tooltip())

    def tooltip(self) -> str:
        return tooltip_text(
            self.state,
            since_state=self._monotonic() - self._state_at,
            tray=self.tray_state,
            pending=self.pending,
            error=self.error,
            local_mode=self.local_mode,
            snooze=self.snooze,
        )
