"""Wires the tray (or the fallback window), its menu, the popup, the prompts, the hotkeys and
the settings dialog to one `TrackerBridge`. Every server call runs as a task on the loop
through the bridge (`bridge.run`); dialogs are shown and their `finished` awaited, never
exec()'d. The popup, the prompts, the adjust and settings dialogs and the fallback window are
built when first needed and their modules imported then (plain imports inside the methods):
a tray that sits idle holds none of them. What the system may lack (global hotkeys) is
handled where it is set up, so the tray always starts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox, QSystemTrayIcon, QWidget

from app.api.models import LatestWorkLog, SnoozeOption, StoppedTrackType, TrackingState
from app.settings import Settings
from app.tracking.events import (
    ActivityCheckPrompt,
    IdlePrompt,
    JournalConflict,
    RateLimited,
    ServerStopped,
)
from app.tracking.options import TrackingSettings
from app.tracking.state import is_running
from app.tracking.target import TrackTarget
from app.tracking.user_commands import CommandKind
from app.ui.bridge import TrackerBridge, parse_work_item_id
from app.ui.i18n import message_text
from app.ui.locale_format import format_time
from app.ui.notifications import Kind, Notifier
from app.ui.tray import TrayIcon, TrayMenu, item_text
from app.ui.tray_watcher import TRAY_WAIT, TrayWatcher

if TYPE_CHECKING:
    from app.tracking.day import DayLog, Slipped
    from app.tracking.today_source import TodaySource
    from app.ui.about_dialog import AboutDialog
    from app.ui.adjust_dialog import AdjustDialog
    from app.ui.fallback_window import FallbackWindow
    from app.ui.hotkey_service import HotkeyService
    from app.ui.popup import Popup
    from app.ui.prompts import Prompts
    from app.ui.today_window import TodayWindow

log = logging.getLogger(__name__)

ERROR_SHOW_MS = 15_000  # the error icon stays this long after the last error
RECENT_COUNT = 10


async def finished(dialog: QDialog) -> int:
    """Awaits a shown dialog's `finished(result)` (the alternative to exec())."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def done(result: int) -> None:
        if not future.done():
            future.set_result(result)

    dialog.finished.connect(done)
    try:
        return await future
    finally:
        dialog.finished.disconnect(done)


class Controller(QObject):
    quitRequested = Signal()  # after Quit was confirmed (and a running track handled)

    def __init__(
        self,
        bridge: TrackerBridge,
        *,
        settings: Settings | None = None,
        local_mode: bool = False,
        tray_wait: float = TRAY_WAIT,
        hotkeys: bool = True,
        tray_probe: Callable[[], bool] | None = None,
        tray_icon: QSystemTrayIcon | None = None,
    ) -> None:
        super().__init__()
        self.bridge = bridge
        self.settings = settings or Settings()
        self.local_mode = local_mode
        self.menu = TrayMenu()
        self.tray = TrayIcon(self.menu, icon=tray_icon)
        self.tray.set_local_mode(local_mode)
        self.notifier = Notifier(self.tray.icon)
        watcher_args: dict[str, Any] = {"wait": tray_wait}
        if tray_probe is not None:
            watcher_args["probe"] = tray_probe
        self.watcher = TrayWatcher(**watcher_args)
        self.fallback: FallbackWindow | None = None
        self.popup: Popup | None = None
        self.prompts: Prompts | None = None
        self.hotkeys: HotkeyService | None = None
        self.settings_dialog: Any = None
        self.presence_history: Any = None  # the presence log (tray_session), for Settings
        self.journal: Any = None  # the offline journal (tray_session): Today's pending parts
        self.today_window: TodayWindow | None = None
        self.today_dialog: QDialog | None = None  # the Book or Edit dialog of the Today window
        self.about_dialog: AboutDialog | None = None
        self._today_tz: tzinfo | None = None
        self.adjust_dialog: AdjustDialog | None = None
        self.quit_box: QMessageBox | None = None
        self.switch_box: QInputDialog | None = None
        self.recent: list[LatestWorkLog] = []
        self.last_server_stop: ServerStopped | None = None
        self._want_hotkeys = hotkeys
        self._popup_imported = False
        self._quitting = False
        self._closed = False
        self._error_timer = QTimer(self)
        self._error_timer.setSingleShot(True)
        self._error_timer.setInterval(ERROR_SHOW_MS)
        self._error_timer.timeout.connect(lambda: self.tray.set_error(None))
        self._wire()

    # --- set-up ------------------------------------------------------------------------------

    def _wire(self) -> None:
        b, m = self.bridge, self.menu
        b.stateChanged.connect(self._on_state)
        b.connectivityChanged.connect(self._on_connectivity)
        b.serverStopped.connect(self._on_server_stopped)
        b.journalConflict.connect(self._on_conflict)
        b.rateLimited.connect(self._on_rate_limited)
        b.warning.connect(self._on_warning)
        b.error.connect(self._on_error)
        b.snoozePendingChanged.connect(self.tray.set_snooze)
        b.liveChanged.connect(self._on_live)
        m.start_stop.triggered.connect(self.start_stop)
        m.restart_stopped.triggered.connect(self.restart_after_server_stop)
        m.switch.triggered.connect(self.switch)
        m.adjust.triggered.connect(self.adjust)
        m.open_in_browser.triggered.connect(self.open_in_browser)
        for option, action in m.snooze_actions.items():
            action.triggered.connect(lambda _=False, o=option: self.snooze(o))
        m.answer_check.triggered.connect(self.reopen_prompt)
        m.settings.triggered.connect(self.open_settings)
        m.today.triggered.connect(self.open_today)
        m.about.triggered.connect(self.open_about)
        m.quit.triggered.connect(self.quit)
        m.recent.aboutToShow.connect(self.refresh_recent_later)
        self.tray.popupRequested.connect(self.open_popup)
        self.watcher.available.connect(self._tray_appeared)
        self.watcher.unavailable.connect(self._no_tray)

    def start(self) -> None:
        """Shows the tray (or, after the wait, the fallback window) and loads the parts."""
        if self.bridge.state is not None:
            self.tray.set_state(self.bridge.state)
        self.watcher.start()
        # The prompts are built when the first question comes (most sessions see none).
        self.bridge.activityCheckPrompt.connect(self._first_prompt)
        self.bridge.idlePrompt.connect(self._first_prompt)
        if self._want_hotkeys:
            self._start_hotkeys()
        self.refresh_recent_later()

    def _start_hotkeys(self) -> None:
        from app.ui.hotkey_service import HotkeyService

        try:  # no global hotkeys on this system (Wayland, no X RECORD): logged, the tray runs
            self.hotkeys = HotkeyService(self)
            self.hotkeys.activated.connect(self._on_hotkey)
            if not self.hotkeys.apply(self.settings.hotkeys):
                log.info("global hotkeys: %s", self.hotkeys.reason or self.hotkeys.errors)
        except Exception:
            log.exception("global hotkeys could not be set up")
            self.hotkeys = None

    async def close(self) -> None:
        self._closed = True
        self.watcher.stop()
        self._error_timer.stop()
        self.tray.hide()
        for closable in (self.hotkeys, self.prompts):
            if closable is not None:
                try:
                    closable.close()
                except Exception:
                    log.exception("closing %s failed", type(closable).__name__)
        if self.today_window is not None:
            self.today_window.close()  # cancels a load under way: it would paint a dead window
        for window in (
            self.fallback,
            self.popup,
            self.settings_dialog,
            self.adjust_dialog,
            self.today_dialog,
            self.today_window,
            self.about_dialog,
        ):
            if isinstance(window, QWidget):
                window.hide()
                window.deleteLater()

    @Slot(object)
    def _first_prompt(self, prompt: ActivityCheckPrompt | IdlePrompt) -> None:
        """Builds the prompts, which then hear the bridge themselves, and hands them this
        first question (Qt does not call a slot connected while the signal is emitted)."""
        self.bridge.activityCheckPrompt.disconnect(self._first_prompt)
        self.bridge.idlePrompt.disconnect(self._first_prompt)
        if self._closed or self.prompts is not None:
            return
        from app.ui.prompts import Prompts

        self.prompts = Prompts(self.bridge)
        if isinstance(prompt, ActivityCheckPrompt):
            self.prompts.check.show_prompt(prompt)
        else:
            self.prompts.idle.show_prompt(prompt)

    @Slot()
    def _tray_appeared(self) -> None:
        log.info("system tray available")
        self.tray.show()
        if self.fallback is not None:
            self.fallback.hide()

    @Slot()
    def _no_tray(self) -> None:
        log.info("no system tray after %.1f s: showing the window instead", self.watcher.wait)
        if self.fallback is None:
            from app.ui.fallback_window import FallbackWindow

            self.fallback = FallbackWindow(self.menu)
            self.fallback.popupRequested.connect(self.open_popup)
            self.notifier.shown.connect(self.fallback.show_notification)
        self._sync_fallback()
        self.fallback.show()
        self.fallback.raise_()

    def _sync_fallback(self) -> None:
        if self.fallback is not None:
            self.fallback.set_status(self.tray.current_icon(), self.tray.tooltip())

    # --- bridge events -----------------------------------------------------------------------

    @Slot(object)
    def _on_state(self, state: TrackingState) -> None:
        was = is_running(self.tray.state)
        self.tray.set_state(state)
        if is_running(state) and self.last_server_stop is not None:
            self.last_server_stop = None  # tracking again: the offer is moot
            self.menu.restart_stopped.setVisible(False)
        self._sync_fallback()
        if was != is_running(state):
            self.refresh_recent_later()

    def live_text(self) -> str:
        """`Live updates: connected (ASP.NET Core SignalR)`, `... not connected — ...`."""
        from app.tracking.live import live_line

        return message_text(live_line(self.bridge.live_status, is_running(self.bridge.state)))

    def set_live_updates(self, on: bool) -> None:
        """Turns live updates (the hub, over the tracker's client) on or off now."""
        if not on:
            self.bridge.run(self.bridge.stop_live())
            return
        try:
            from app.api.hub import HubClient
            from app.tracking.live import LiveUpdates

            client = self.bridge.client
            self.bridge.start_live(LiveUpdates(self.bridge.tracker, HubClient(client), client))
        except Exception:  # the tray keeps polling
            log.exception("live updates could not be started")
            self._on_error(self.tr("Live updates could not be started (details in the log file)."))

    @Slot(object)
    def _on_live(self, _status: object) -> None:
        log.info("%s", self.live_text())
        if self.settings_dialog is not None:
            self.settings_dialog.show_live(self.live_text())

    @Slot(bool, int)
    def _on_connectivity(self, online: bool, pending: int) -> None:
        was_online = self.tray.online
        self.tray.set_connectivity(online, pending)
        self._sync_fallback()
        if was_online and not online:
            self.notifier.notify(
                self.tr("Offline"),
                self.tr("The server cannot be reached. Changes are kept and sent when it is back."),
                Kind.WARNING,
            )
        elif online and not was_online:
            if pending:
                text = self.tr("The server is reachable again. {count} change(s) still to send.")
            else:
                text = self.tr("The server is reachable again.")
            self.notifier.notify(self.tr("Back online"), text.format(count=pending))

    @Slot(object)
    def _on_server_stopped(self, event: ServerStopped) -> None:
        self.last_server_stop = event
        track = event.state.track
        what = item_text(track.work_item, track.remark)
        restart = self.tr("Restart {what}").format(what=what)
        self.menu.restart_stopped.setText(restart.replace("&", "&&"))
        self.menu.restart_stopped.setVisible(True)
        if event.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK:
            text = self.tr("{what}: nobody answered the activity check.")
        elif (
            event.stopped_track_type is StoppedTrackType.STOPPED_BY_MAX_SINGLE_TRACK_LENGTH_EXCEEDED
        ):
            text = self.tr("{what}: the track reached the longest allowed length.")
        else:
            text = self.tr("{what}: the server ended it.")
        self.notifier.notify(
            self.tr("Tracking stopped"),
            text.format(what=what),
            Kind.WARNING,
            action=self.restart_after_server_stop,
            action_label=self.tr("Restart"),
        )

    @Slot()
    def restart_after_server_stop(self) -> None:
        event = self.last_server_stop
        self.menu.restart_stopped.setVisible(False)
        if event is not None:
            self.last_server_stop = None
            self.bridge.run(self.bridge.execute(event.restart))

    @Slot(object)
    def _on_conflict(self, event: JournalConflict) -> None:
        # the reason is English in the journal (the CLI shows it): its template translated here
        self.notifier.notify(
            self.tr("An offline change was set aside"),
            self.tr("{command}: {reason}. See `pacetray status`.").format(
                command=self._command_name(event.command.kind),
                reason=message_text(event).rstrip("."),  # the template ends the sentence
            ),
            Kind.WARNING,
        )

    def _command_name(self, kind: CommandKind) -> str:
        names = {
            CommandKind.START: self.tr("Start"),
            CommandKind.STOP: self.tr("Stop"),
            CommandKind.SELECT: self.tr("Select work item"),
            CommandKind.ADJUST: self.tr("Change of remark/activity"),
            CommandKind.ACTIVITY_CHECK: self.tr("Answer to the activity check"),
            CommandKind.IDLE_CHECK: self.tr("Idle time resolution"),
            CommandKind.TRIM_IDLE: self.tr("Idle time trimmed"),
            CommandKind.ADD_WORK_LOG: self.tr("Work log added"),
        }
        return names.get(kind, str(kind))

    @Slot(object)
    def _on_rate_limited(self, event: RateLimited) -> None:
        until = format_time(event.until.astimezone(), seconds=True)
        self.notifier.notify(
            self.tr("Slowing down"),
            self.tr("The server asks to wait until {time}.").format(time=until),
        )

    @Slot(str)
    def _on_warning(self, message: str) -> None:
        self.notifier.notify(self.tr("Pacetray"), message, Kind.WARNING)

    @Slot(str)
    def _on_error(self, message: str) -> None:
        if self.bridge.last_error_unreachable and self.bridge.last_error == message:
            # a read that could not reach the server: the offline state says it (the popup
            # shows the message inline); no error icon, no second notification
            log.info("server unreachable: %s", message)
            return
        self.tray.set_error(message)
        self._error_timer.start()
        self._sync_fallback()
        self.notifier.notify(self.tr("Pacetray"), message, Kind.ERROR)

    # --- menu actions ------------------------------------------------------------------------

    @Slot()
    def start_stop(self) -> None:
        self.bridge.run(self.start_or_stop())

    async def start_or_stop(self) -> bool:
        state = self.bridge.state
        if is_running(state):
            return await self.bridge.stop()
        track = state.track if state is not None else None
        if track is not None and (track.tfs_id or track.work_item or track.remark):
            work_item_id = track.tfs_id or (track.work_item.id if track.work_item else None)
            target = TrackTarget(work_item_id, track.remark, track.activity_type_id)
            return await self.bridge.start(target)
        self.open_popup()  # nothing selected yet: choose what to track
        return False

    @Slot()
    def refresh_recent_later(self) -> None:
        self.bridge.run(self.refresh_recent())

    async def refresh_recent(self) -> list[LatestWorkLog]:
        result = await self.bridge.latest(RECENT_COUNT)
        if result is not None:
            self.recent = list(result.work_logs)
            self.menu.set_recent(self.recent, self.restart_recent)
        return self.recent

    def restart_recent(self, work_log: LatestWorkLog) -> None:
        self.bridge.run(self.bridge.restart(work_log))

    @Slot()
    def open_popup(self) -> None:
        if self._closed:  # a deferred first open, due after Quit
            return
        if self.popup is None:
            # The first open takes three turns of the loop: the module, the window, then
            # showing it, with due timers and sockets handled in between (a 1 ms timer, not
            # a 0 ms one: that is a posted event, run before them). Each step blocks the GUI
            # thread ~5-15 ms; all at once they were a 25-40 ms stall.
            if not self._popup_imported:
                from app.ui import popup as _popup_module  # noqa: F401

                self._popup_imported = True
            elif self._popup() is None:
                self.switch()  # the minimal chooser until a popup exists
                return
            QTimer.singleShot(1, self.open_popup)
            return
        popup = self.popup
        if hasattr(popup, "show_at"):
            near = self.tray.icon.geometry()
            if self.fallback is not None and self.fallback.isVisible():
                near = self.fallback.frameGeometry()
            popup.show_at(near)
        else:
            popup.show()
            popup.raise_()
            popup.activateWindow()

    def _popup(self) -> Any:
        if self.popup is None:
            from app.ui.popup import Popup

            try:
                self.popup = Popup(self.bridge)
            except Exception:
                log.exception("the popup could not be created")
                return None
            self.popup.todayRequested.connect(self.open_today)
        return self.popup

    @Slot()
    def switch(self) -> None:
        if self._popup() is not None and self.switch_box is None:
            self.open_popup()
            return
        self.bridge.run(self.ask_and_switch())

    async def ask_and_switch(self) -> bool:
        """Without the popup: ask for `#id` or a remark, then switch to it."""
        box = QInputDialog()
        box.setWindowTitle(self.tr("Switch work item"))
        box.setLabelText(self.tr("Work item (#1234) or a remark:"))
        box.setModal(False)
        self.switch_box = box
        box.show()
        try:
            if await finished(box) != QDialog.DialogCode.Accepted:
                return False
            text = box.textValue().strip()
        finally:
            self.switch_box = None
            box.deleteLater()
        if not text:
            return False
        work_item_id = parse_work_item_id(text)
        if work_item_id is None:
            return await self.bridge.switch(TrackTarget(remark=text))
        return await self.bridge.switch(TrackTarget(work_item_id))

    @Slot()
    def adjust(self) -> None:
        self.bridge.run(self.ask_and_adjust())

    async def ask_and_adjust(self) -> bool:
        state = self.bridge.state
        if not is_running(state) or state is None or self.adjust_dialog is not None:
            return False
        types = await self.bridge.activity_types()
        from app.ui.adjust_dialog import AdjustDialog

        dialog = AdjustDialog(state.track, types)
        self.adjust_dialog = dialog
        dialog.show()
        dialog.raise_()
        try:
            if await finished(dialog) != QDialog.DialogCode.Accepted:
                return False
            remark, activity = dialog.values()
        finally:
            self.adjust_dialog = None
            dialog.deleteLater()
        if remark is None and activity is None:
            return False
        return await self.bridge.adjust(remark, activity)

    @Slot()
    def open_in_browser(self) -> bool:
        state = self.bridge.state
        item = state.track.work_item if state is not None else None
        link = item.work_item_link if item is not None else None
        if not link:
            return False
        url = QUrl(link)
        if not url.isValid() or url.scheme() not in ("http", "https"):
            self._on_error(
                self.tr("The work item's link is not a web address: {link}").format(link=link)
            )
            return False
        return QDesktopServices.openUrl(url)

    def snooze(self, option: SnoozeOption) -> None:
        self.bridge.run(self.bridge.snooze(option))

    @Slot()
    def reopen_prompt(self) -> None:
        if self.prompts is not None:
            self.prompts.reopen()

    @Slot()
    def open_settings(self) -> None:
        from app.settings.settings_service import SettingsServices
        from app.ui.settings_dialog import SettingsDialog

        if self.settings_dialog is not None:
            self.settings_dialog.show()
            self.settings_dialog.raise_()
            return
        try:
            services = SettingsServices(
                self.settings, hotkeys=self.hotkeys, presence=self.presence_history
            )
            dialog = SettingsDialog(services, hotkeys=self.hotkeys)
        except Exception:
            log.exception("the settings dialog could not be created")
            self._on_error(
                self.tr("The settings dialog could not be opened (details in the log file).")
            )
            return
        dialog.saved.connect(self.apply_settings)
        dialog.finished.connect(self._settings_closed)
        dialog.show_live(self.live_text())
        self.settings_dialog = dialog
        dialog.show()
        dialog.raise_()

    # --- Today and About ---------------------------------------------------------------------

    def today_source(self) -> TodaySource:
        """The Today window's loader: the bridge's client, the tray's presence recorder (it
        knows the ongoing period) and the offline journal's pending commands."""
        from app.tracking.today_source import (
            ServerDays,
            ServerWork,
            TodaySource,
            recorder_presence,
        )

        client = self.bridge.client

        async def run(work: ServerWork) -> ServerDays:
            return await work(client)

        kwargs: dict[str, Any] = {}
        if self.presence_history is not None:
            kwargs["presence"] = recorder_presence(self.presence_history)
        if self.journal is not None:
            kwargs["pending"] = self.journal.pending
        threshold = timedelta(seconds=self.settings.slip_threshold_seconds)
        return TodaySource(run, slip_threshold=threshold, **kwargs)

    @Slot()
    def open_today(self) -> None:
        """Shows the Today window (built on first use), on today; raised when already open."""
        if self._closed:
            return
        window = self.today_window
        if window is None:
            try:
                from app.ui.today_window import TodayWindow

                source = self.today_source()
                window = TodayWindow(source)
            except Exception:
                log.exception("the Today window could not be created")
                self._on_error(
                    self.tr("The Today window could not be opened (details in the log file).")
                )
                return
            window.attach(self.bridge.stateChanged)
            window.book_requested.connect(self._book_slipped)
            window.edit_requested.connect(self._edit_log)
            self.today_window = window
            self._today_tz = source.tz
        if not window.isVisible():
            window.open_day(datetime.now(UTC).astimezone(self._today_tz).date())
            window.show()
        window.raise_()
        window.activateWindow()

    @Slot(object)
    def _book_slipped(self, period: Slipped) -> None:
        from app.ui.book_dialog import open_book_dialog

        if self._raise_today_dialog():
            return
        dialog = open_book_dialog(self.bridge, period, self.today_window)
        dialog.booked.connect(self._reload_today)
        self._keep_today_dialog(dialog)

    @Slot(object)
    def _edit_log(self, work_log: DayLog) -> None:
        from app.ui.edit_log_dialog import open_edit_log_dialog

        if self._raise_today_dialog():
            return
        dialog = open_edit_log_dialog(self.bridge, work_log, self.today_window)
        dialog.saved.connect(self._reload_today)
        dialog.deleted.connect(self._reload_today)
        self._keep_today_dialog(dialog)

    def _raise_today_dialog(self) -> bool:
        """One Book/Edit dialog at a time: a second request raises the open one."""
        if self.today_dialog is None:
            return False
        self.today_dialog.raise_()
        self.today_dialog.activateWindow()
        return True

    def _keep_today_dialog(self, dialog: QDialog) -> None:
        self.today_dialog = dialog
        dialog.finished.connect(self._today_dialog_closed)

    @Slot(int)
    def _today_dialog_closed(self, _result: int) -> None:
        if self.today_dialog is not None:
            self.today_dialog.deleteLater()
            self.today_dialog = None

    @Slot(object)
    def _reload_today(self, _what: object = None) -> None:
        if self.today_window is not None and not self._closed:
            self.today_window.reload()

    @Slot()
    def open_about(self) -> None:
        if self.about_dialog is None:
            from app.ui.about_dialog import AboutDialog

            self.about_dialog = AboutDialog()
        self.about_dialog.show()
        self.about_dialog.raise_()
        self.about_dialog.activateWindow()

    @Slot(int)
    def _settings_closed(self, _result: int) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.deleteLater()
            self.settings_dialog = None

    @Slot(object)
    def apply_settings(self, settings: Settings) -> None:
        old = self.settings
        self.settings = settings
        self.bridge.tracker.settings = TrackingSettings.from_settings(settings)
        if self.hotkeys is not None and self.settings_dialog is None:
            self.hotkeys.apply(settings.hotkeys)
        if settings.live_updates != old.live_updates:
            self.set_live_updates(settings.live_updates)
        if (old.server_url, old.auth_method) != (settings.server_url, settings.auth_method):
            self.notifier.notify(
                self.tr("Settings saved"),
                self.tr("Quit and start Pacetray again to use the new server."),
            )

    @Slot(str)
    def _on_hotkey(self, action: str) -> None:
        if action == "toggle_tracking":
            self.start_stop()
        elif action == "open_popup":
            self.open_popup()
        elif action == "restart_last":
            self.bridge.run(self.restart_last())
        elif action == "open_today":
            self.open_today()

    async def restart_last(self) -> bool:
        recent = await self.refresh_recent()
        return bool(recent) and await self.bridge.restart(recent[0])

    @Slot()
    def quit(self) -> None:
        self.bridge.run(self.confirm_quit())

    async def confirm_quit(self) -> bool:
        """Asks whether to stop a running track; True when quitting."""
        if self._quitting:
            return False
        state = self.bridge.state
        stop = False
        if is_running(state) and state is not None:
            if self.quit_box is not None:
                self.quit_box.raise_()
                return False
            what = item_text(state.track.work_item, state.track.remark)
            box = QMessageBox(
                QMessageBox.Icon.Question,
                self.tr("Quit Pacetray"),
                self.tr("You are tracking {what}.\nStop tracking before quitting?").format(
                    what=what
                ),
            )
            stop_button = box.addButton(self.tr("Stop and quit"), QMessageBox.ButtonRole.AcceptRole)
            keep_button = box.addButton(
                self.tr("Quit, keep tracking"), QMessageBox.ButtonRole.DestructiveRole
            )
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.setModal(False)
            self.quit_box = box
            box.show()
            box.raise_()
            try:
                await finished(box)
                clicked = box.clickedButton()
            finally:
                self.quit_box = None
                box.deleteLater()
            if clicked is stop_button:
                stop = True
            elif clicked is not keep_button:
                return False
        self._quitting = True
        if stop and not await self.bridge.stop():
            log.info("quitting with the stop journaled or refused: %s", self.bridge.last_error)
        self.quitRequested.emit()
        return True
