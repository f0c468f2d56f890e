"""The tray popup: a small frameless window at the tray icon to pick a work item and start.

Keyboard-first: the search field has the focus on open; `#1234` or digits search by id, other
text by query, debounced (one request per burst of typing; an answer to an older query is
dropped; the `WorkItemSearch` the "Book to…" dialog has too). Up/Down move through the results
from the search field, Enter starts (or switches, when something is running), Esc closes. While
a track runs, the head shows it with its live elapsed time and today's total, and Stop sits
beside Switch (its mnemonic, Alt+T in English, is named in its tooltip). With no search text,
today's last few finished tracks are listed below the recent work items; Enter or a double click
starts one again. "Today…" asks for the Today window (`todayRequested`). Every call is a task on
the qasync loop through the bridge's error boundary; failures show inline, never as a traceback.

Today's work logs are read once per opening (and again when tracking starts, stops or
switches while the popup is open); the elapsed time and total then grow by a once-a-second
timer that runs only while the popup is visible and a track runs.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, tzinfo
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.api.models import ActivityType, LatestResult, RestWorkLog, TrackingState, WorkItem
from app.tracking.day import DayLog, LocalZone
from app.tracking.display import NO_TITLE, quoted, work_item_label, work_item_row
from app.tracking.target import TrackTarget
from app.tracking.today_summary import RECENT_TRACKS, TodaySummary, summarize_today, today_window
from app.ui.bridge import TrackerBridge
from app.ui.error_label import ErrorLabel
from app.ui.i18n import translate
from app.ui.locale_format import format_duration, format_time
from app.ui.task_set import TaskSet
from app.ui.work_item_search import DEBOUNCE_MS, WorkItemSearch

log = logging.getLogger(__name__)

TICK_MS = 1000  # the head's elapsed time and total, while visible and tracking
WORK_LOG_PAGE = 500  # one read of today's work logs; a day holds far fewer
DAY_LOG_ROLE = Qt.ItemDataRole.UserRole + 1
MARGIN = 8  # px between the popup and the tray icon / screen edge
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def format_elapsed(seconds: float) -> str:
    """A running clock: 0:04:07, 1:05:12 (hours:minutes:seconds, never negative)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def place_popup(size: tuple[int, int], tray: QRect | None, available: QRect) -> tuple[int, int]:
    """Top-left corner for a popup of `size` next to the `tray` icon, inside `available` (the
    screen's available geometry); bottom-right of `available` when the tray is unknown."""
    width, height = size
    left, top = available.x(), available.y()
    right, bottom = left + available.width(), top + available.height()  # exclusive edges
    if tray is None or not tray.isValid():
        x, y = right - width - MARGIN, bottom - height - MARGIN
    else:
        x = tray.x() + tray.width() // 2 - width // 2
        if tray.center().y() >= available.center().y():  # panel at the bottom: open upwards
            y = tray.y() - height - MARGIN
        else:
            y = tray.y() + tray.height() + MARGIN
    x = max(left, min(x, right - width))
    y = max(top, min(y, bottom - height))
    return x, y


class Popup(QWidget):
    """Search, recent work items, remark, activity type, billable; Start / Select."""

    closed = Signal()
    searched = Signal(str)  # a search result (or the recent list, "") is now shown
    activityTypesLoaded = Signal()
    todayRequested = Signal()  # "Today…": open the Today window
    dayLoaded = Signal()  # today's work logs were read: total and today's tracks shown

    def __init__(
        self,
        bridge: TrackerBridge,
        parent: QWidget | None = None,
        *,
        debounce_ms: int = DEBOUNCE_MS,
        window_flags: Qt.WindowType = Qt.WindowType.Popup | Qt.WindowType.FramelessWindowHint,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        tz: tzinfo | None = None,
    ) -> None:
        super().__init__(parent, window_flags)
        self.bridge = bridge
        self._now = now
        self._tz: tzinfo = tz if tz is not None else LocalZone()
        self.summary: TodaySummary | None = None  # today as last read
        self._day_task: asyncio.Task[None] | None = None
        self._tracking_key: tuple[bool, str] | None = None
        self._titles: dict[int, str] = {}  # work item id -> title, from what was read anyway
        self.setObjectName("pacetrayPopup")
        self.setWindowTitle("Pacetray")
        self.setAccessibleName(self.tr("Pacetray: start tracking"))
        self.setAccessibleDescription(
            self.tr("Search a work item, then start, switch or stop tracking")
        )
        self.setMinimumWidth(480)

        self._tasks = TaskSet(bridge, self._show_busy)
        self._chosen_id: int | None = None  # the work item the activity was reset for
        self._activity_types: list[ActivityType] = []

        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(TICK_MS)
        self.tick_timer.timeout.connect(self.tick)

        self._build(debounce_ms)
        bridge.stateChanged.connect(self._state_changed)
        bridge.error.connect(self._bridge_error)
        self._state_changed(bridge.state)

    # --- layout -------------------------------------------------------------------------------

    def _build(self, debounce_ms: int) -> None:
        frame = QFrame(self)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(6)

        head = QHBoxLayout()
        lines = QVBoxLayout()
        lines.setSpacing(2)
        self.status = QLabel(frame)
        self.status.setObjectName("status")
        self.status.setAccessibleName(self.tr("Tracking status"))
        self.status.setWordWrap(True)
        lines.addWidget(self.status)
        self.times = QLabel(frame)
        self.times.setObjectName("times")
        self.times.setAccessibleName(self.tr("Elapsed time and today's total"))
        self.times.setWordWrap(True)
        self.times.hide()
        lines.addWidget(self.times)
        head.addLayout(lines, 1)
        self.today_button = QPushButton(self.tr("To&day…"), frame)
        self.today_button.setObjectName("today")
        self.today_button.setAccessibleName(self.tr("Open the Today window"))
        self.today_button.setToolTip(
            self.tr("Today's work logs on a timeline, with the day's and the week's totals")
        )
        self.today_button.setAccessibleDescription(self.today_button.toolTip())
        self.today_button.setAutoDefault(False)
        self.today_button.clicked.connect(self._today_clicked)
        head.addWidget(self.today_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)

        # its search tasks are the popup's own: they show the busy indicator
        self.finder = WorkItemSearch(self.bridge, frame, debounce_ms=debounce_ms, run=self._run)
        finder_layout = self.finder.layout()
        if finder_layout is not None:
            finder_layout.setSpacing(layout.spacing())
        self.search = self.finder.field
        self.search.setAccessibleDescription(
            self.tr("A work item number or words; Down and Up choose a result, Enter starts it")
        )
        self.search.textChanged.connect(self._search_edited)
        self.search_timer = self.finder.timer
        self.model = self.finder.model
        self.results = self.finder.results
        self.results.setAccessibleDescription(self.tr("Search results or recent work items"))
        self.results.setMinimumHeight(180)
        self.results.doubleClicked.connect(self._double_clicked)
        self.empty = self.finder.empty
        self.empty.setAccessibleName(self.tr("No results"))
        self.empty.setWordWrap(False)  # as the popup always had it: one line
        self.finder.searchStarted.connect(self._search_started)
        self.finder.recentRead.connect(self._recent_read)
        self.finder.chosenChanged.connect(self._chosen_changed)
        self.finder.searched.connect(self.searched)
        layout.addWidget(self.finder, 1)

        self.day_heading = QLabel(self.tr("Earlier today"), frame)
        self.day_heading.setObjectName("dayHeading")
        font = self.day_heading.font()
        font.setBold(True)
        self.day_heading.setFont(font)
        self.day_list = QListWidget(frame)
        self.day_list.setObjectName("dayTracks")
        self.day_list.setAccessibleName(self.tr("Today's tracks"))
        self.day_list.setAccessibleDescription(
            self.tr("The last tracks of today with their lengths; Enter starts one again")
        )
        self.day_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.day_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.day_list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.day_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.day_list.itemDoubleClicked.connect(self._day_item_double_clicked)
        self.day_heading.setBuddy(self.day_list)
        layout.addWidget(self.day_heading)
        layout.addWidget(self.day_list)
        self._show_day_tracks()

        self.remark = QLineEdit(frame)
        self.remark.setObjectName("remark")
        self.remark.setPlaceholderText(self.tr("Remark (optional)"))
        self.remark.setAccessibleName(self.tr("Remark"))
        self.remark.setAccessibleDescription(self.tr("What you are doing, optional"))
        layout.addWidget(self.remark)

        row = QHBoxLayout()
        self.activity = QComboBox(frame)
        self.activity.setObjectName("activity")
        self.activity.setAccessibleName(self.tr("Activity type"))
        self.activity.setAccessibleDescription(self.tr("The kind of work the time is booked as"))
        self.activity.setMinimumWidth(160)
        row.addWidget(self.activity, 1)
        self.billable = QCheckBox(self.tr("&Billable"), frame)
        self.billable.setObjectName("billable")
        self.billable.setAccessibleName(self.tr("Billable"))
        self.billable.setAccessibleDescription(self.tr("Book the time as billable to the customer"))
        row.addWidget(self.billable)
        layout.addLayout(row)

        self.error_label = ErrorLabel(frame)
        layout.addWidget(self.error_label)

        buttons = QHBoxLayout()
        self.busy = QProgressBar(frame)
        self.busy.setObjectName("busy")
        self.busy.setAccessibleName(self.tr("Working"))
        self.busy.setRange(0, 0)  # indeterminate
        self.busy.setMaximumSize(60, 10)
        self.busy.setTextVisible(False)
        self.busy.hide()
        buttons.addWidget(self.busy)
        buttons.addStretch(1)
        self.select_button = QPushButton(self.tr("Se&lect without starting"), frame)
        self.select_button.setObjectName("select")
        self.select_button.setAccessibleName(self.tr("Select without starting"))
        self.select_button.setToolTip(
            self.tr("Set the work item, remark and activity type the next start uses")
        )
        self.select_button.setAccessibleDescription(self.select_button.toolTip())
        self.select_button.clicked.connect(self._select_clicked)
        buttons.addWidget(self.select_button)
        self.start_button = QPushButton(self.tr("&Start"), frame)
        self.start_button.setObjectName("start")
        self.start_button.clicked.connect(self._start_clicked)
        buttons.addWidget(self.start_button)
        self.stop_button = QPushButton(self.tr("S&top"), frame)
        self.stop_button.setObjectName("stop")
        self.stop_button.setAccessibleName(self.tr("Stop tracking"))
        self.stop_button.setAutoDefault(False)
        self.stop_button.clicked.connect(self._stop_clicked)
        self.stop_button.hide()
        buttons.addWidget(self.stop_button)  # beside Switch: both act on the running track
        layout.addLayout(buttons)

        order: list[QWidget] = [
            self.search,
            self.results,
            self.day_list,
            self.remark,
            self.activity,
            self.billable,
            self.start_button,
            self.select_button,
            self.today_button,
            self.stop_button,  # last: Shift+Tab from the search field reaches it at once
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

    # --- showing ------------------------------------------------------------------------------

    def show_at(self, tray_geometry: QRect | None = None) -> None:
        """Opens next to the tray icon (inside that screen's available area), or bottom-right of
        the primary screen when the icon's place is unknown; the search field gets the focus."""
        self.adjustSize()
        screen = None
        if tray_geometry is not None and tray_geometry.isValid():
            screen = QGuiApplication.screenAt(tray_geometry.center())
        screen = screen or QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)
        x, y = place_popup((self.width(), self.height()), tray_geometry, available)
        self.move(x, y)
        self.show()
        self.raise_()
        self.activateWindow()
        self.search.setFocus(Qt.FocusReason.PopupFocusReason)
        self.search.selectAll()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._clear_error()
        self._state_changed(self.bridge.state)
        if not self._activity_types:
            self._run(self._load_activity_types())
        if not self.search.text().strip():
            self._run(self.finder.load_recent())
        self.reload_day()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.search_timer.stop()
        self.tick_timer.stop()  # nobody sees the head: no timer while hidden
        self.closed.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.search_timer.stop()
        self.tick_timer.stop()
        super().closeEvent(event)

    # --- keyboard -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        if event.key() in _ENTER_KEYS:
            # line edits and the list pass Enter on; a focused button means that button
            focused = self.focusWidget()
            if isinstance(focused, QPushButton):
                focused.click()
            elif focused is self.day_list:
                self._restart_current_day_log()
            else:
                self.start_button.click()
            return
        super().keyPressEvent(event)

    def move_selection(self, step: int) -> None:
        """Moves the current result by `step` work items (group headers skipped)."""
        self.finder.move_selection(step)

    # --- search -------------------------------------------------------------------------------

    async def flush_search(self) -> None:
        """Runs a search still waiting for its debounce now and waits for its answer."""
        await self.finder.flush_search()

    @Slot(str)
    def _search_edited(self, text: str) -> None:
        self._show_day_tracks()  # today's tracks show only while no search text is typed

    @Slot(str)
    def _search_started(self, text: str) -> None:
        self._clear_error()  # a new answer is coming: an older failure is past

    @Slot(object)
    def _recent_read(self, latest: LatestResult) -> None:
        if self._remember_titles(latest):
            self._show_day_tracks()  # today's tracks read first: now with their titles

    # --- choosing -----------------------------------------------------------------------------

    def chosen_work_item(self) -> WorkItem | None:
        return self.finder.chosen_work_item()

    @Slot(object)
    def _chosen_changed(self, item: WorkItem | None) -> None:
        if item is not None and item.id != self._chosen_id:
            self._chosen_id = item.id
            self.reset_activity()  # as 7pace's web app does when the work item changes

    @Slot(QModelIndex)
    def _double_clicked(self, index: QModelIndex) -> None:
        if self.model.work_item_at(index) is not None:
            self.start_button.click()

    # --- activity types -----------------------------------------------------------------------

    async def _load_activity_types(self) -> None:
        types = await self.bridge.activity_types()
        if not types:
            return
        self._activity_types = types
        self.activity.clear()
        for activity in types:
            self.activity.addItem(activity.name, activity.id)
        self.reset_activity()
        self.activityTypesLoaded.emit()

    def reset_activity(self) -> None:
        """Preselects the default activity type (settings' default, else `isDefault`)."""
        default = self.bridge.default_activity_type_id()
        if default is None:
            default = next((t.id for t in self._activity_types if t.is_default), None)
        index = self.activity.findData(default) if default is not None else -1
        if index >= 0:
            self.activity.setCurrentIndex(index)

    def activity_type_id(self) -> str | None:
        value = self.activity.currentData()
        return value if isinstance(value, str) else None

    # --- commands -----------------------------------------------------------------------------

    @property
    def tracking(self) -> bool:
        state = self.bridge.state
        return state is not None and state.track.is_tracking

    @Slot()
    def _start_clicked(self) -> None:
        self._run(self.start())

    @Slot()
    def _select_clicked(self) -> None:
        self._run(self.select())

    @Slot()
    def _stop_clicked(self) -> None:
        self._run(self.stop())

    @Slot()
    def _today_clicked(self) -> None:
        self.hide()  # the Today window takes over; a Qt.Popup would keep the keyboard
        self.todayRequested.emit()

    def target(self) -> TrackTarget:
        """What the popup's fields say to track: the chosen work item, the remark, the
        activity type and the billable flag."""
        item = self.chosen_work_item()
        return TrackTarget(
            item.id if item is not None else None,
            self.remark.text().strip() or None,
            self.activity_type_id(),
            self.billable.isChecked(),
        )

    async def start(self) -> bool:
        """Starts (or switches to, when tracking) `target()`; closes the popup when the
        server took it."""
        await self.flush_search()
        self._clear_error()
        target = self.target()
        if self.tracking:
            done = await self.bridge.switch(target)
        else:
            done = await self.bridge.start(target)
        if done:
            self.hide()
        return done

    async def select(self) -> bool:
        """Sets the work item, remark and activity type the next start uses (`selected`;
        the billable flag is not part of a selection)."""
        await self.flush_search()
        self._clear_error()
        done = await self.bridge.select(self.target())
        if done:
            self.hide()
        return done

    async def stop(self) -> bool:
        """Stops the running track; closes the popup when the server took it."""
        self._clear_error()
        done = await self.bridge.stop()
        if done:
            self.hide()
        return done

    # --- state, errors, busy ------------------------------------------------------------------

    @Slot(object)
    def _state_changed(self, state: TrackingState | None) -> None:
        track = state.track if state is not None else None
        tracking = track is not None and track.is_tracking
        if track is not None and tracking:
            item = track.work_item
            what = work_item_row(item, translate(NO_TITLE)) if item else self.tr("(no work item)")
            if track.work_item is None and track.tfs_id is not None:
                what = f"#{track.tfs_id}"
            if track.remark:
                text = self.tr("Tracking {work} — {remark}").format(work=what, remark=track.remark)
            else:
                text = self.tr("Tracking {work}").format(work=what)
            self.status.setText(text)
            self.start_button.setText(self.tr("&Switch"))
            self.start_button.setAccessibleName(self.tr("Switch to this work item"))
            self.start_button.setToolTip(self.tr("Stop the running track and start this one"))
        else:
            self.status.setText(self.tr("Not tracking"))
            self.start_button.setText(self.tr("&Start"))
            self.start_button.setAccessibleName(self.tr("Start tracking this work item"))
            self.start_button.setToolTip(self.tr("Start tracking the chosen work item (Enter)"))
        self.start_button.setAccessibleDescription(self.start_button.toolTip())
        # the button's mnemonic (Alt+T in English) differs by language: name what it is here
        shortcut = QKeySequence.mnemonic(self.stop_button.text())
        key = shortcut.toString(QKeySequence.SequenceFormat.NativeText)
        tip = self.tr("Stop tracking ({shortcut})").format(shortcut=key) if key else ""
        self.stop_button.setToolTip(tip or self.tr("Stop tracking"))
        self.stop_button.setAccessibleDescription(self.stop_button.toolTip())
        self.stop_button.setVisible(tracking)
        self.times.setVisible(tracking)
        log_id = (track.work_log_id or "").lower() if track is not None and tracking else ""
        changed = self._tracking_key is not None and (tracking, log_id) != self._tracking_key
        self._tracking_key = (tracking, log_id)
        if track is not None and tracking and track.work_item is not None:
            self._titles[track.work_item.id] = track.work_item.title or ""
        if changed and self.isVisible():
            self.reload_day()  # started, stopped or switched elsewhere: the day read is stale
        self._sync_tick()
        self.tick()

    # --- today --------------------------------------------------------------------------------

    def reload_day(self) -> None:
        """Reads today's work logs (one request) and shows the total and today's tracks."""
        if self._day_task is not None and not self._day_task.done():
            self._day_task.cancel()
        self._day_task = self._run(self._load_day())

    async def _load_day(self) -> None:
        now = self._now()
        _, since, until = today_window(now, self._tz)
        call = self.bridge.client.work_logs(
            count=WORK_LOG_PAGE, from_timestamp=since, to_timestamp=until
        )
        logs: list[RestWorkLog] | None = await self.bridge.guard(
            "read today's work logs", call, None
        )
        # the state may have moved on while the logs were read: take the newest
        self.summary = summarize_today(logs, self.bridge.state, self._now(), self._tz)
        self._show_day_tracks()
        self._sync_tick()
        self.tick()
        self.dayLoaded.emit()

    def _remember_titles(self, latest: LatestResult) -> bool:
        """Keeps the titles `latest` brought; True when one was new."""
        new = False
        for log in latest.work_logs:
            item = log.work_item
            if item is not None and item.title and item.id not in self._titles:
                self._titles[item.id] = item.title
                new = True
        return new

    def _sync_tick(self) -> None:
        if self.isVisible() and self.tracking:
            if not self.tick_timer.isActive():
                self.tick_timer.start()
        else:
            self.tick_timer.stop()

    @Slot()
    def tick(self) -> None:
        """Shows the running track's elapsed time and today's total as of now."""
        summary = self.summary
        if not self.tracking or summary is None:
            self.times.clear()
            return
        now = self._now()
        elapsed = summary.elapsed(now)
        total = format_duration(summary.total(now))
        if elapsed is None:  # the day read has not seen this track yet
            self.times.setText(self.tr("Today {total}").format(total=total))
        else:
            self.times.setText(
                self.tr("Elapsed {elapsed} · today {total}").format(
                    elapsed=format_elapsed(elapsed), total=total
                )
            )

    def day_log_text(self, log: DayLog) -> str:
        """`#1201 Card vault API — 1 h 05 min, 09:10 to 10:15` (an en dash between the times)."""
        if log.work_item_id is not None:
            title = self._titles.get(log.work_item_id)
            what = work_item_label(WorkItem(id=log.work_item_id, title=title or None))
            if log.comment:
                what = f"{what} {quoted(log.comment)}"
        elif log.comment:
            what = quoted(log.comment)
        else:
            what = self.tr("(no work item)")
        return self.tr("{work} — {length}, {start}–{end}").format(  # noqa: RUF001  # a range
            work=what,
            length=format_duration(log.seconds),
            start=format_time(log.start),
            end=format_time(log.end),
        )

    def _show_day_tracks(self) -> None:
        """Today's last finished tracks, shown while no search text is typed."""
        logs = self.summary.recent(RECENT_TRACKS) if self.summary is not None else ()
        self.day_list.clear()
        for log in logs:
            item = QListWidgetItem(self.day_log_text(log))
            item.setData(DAY_LOG_ROLE, log)
            item.setToolTip(item.text())
            self.day_list.addItem(item)
        if logs:
            # current for Enter, not selected: the highlight belongs to the chosen work item
            self.day_list.setCurrentRow(0, QItemSelectionModel.SelectionFlag.NoUpdate)
            rows = self.day_list.sizeHintForRow(0) * len(logs)
            self.day_list.setFixedHeight(rows + 2 * self.day_list.frameWidth() + 2)
        visible = bool(logs) and not self.search.text().strip()
        self.day_heading.setVisible(visible)
        self.day_list.setVisible(visible)

    def day_logs(self) -> list[DayLog]:
        """The tracks the list shows, top down."""
        out: list[DayLog] = []
        for row in range(self.day_list.count()):
            value = self.day_list.item(row).data(DAY_LOG_ROLE)
            if isinstance(value, DayLog):
                out.append(value)
        return out

    @Slot(QListWidgetItem)
    def _day_item_double_clicked(self, item: QListWidgetItem) -> None:
        self.day_list.setCurrentItem(item)
        self._restart_current_day_log()

    def _restart_current_day_log(self) -> None:
        item = self.day_list.currentItem()
        value = item.data(DAY_LOG_ROLE) if item is not None else None
        if isinstance(value, DayLog):
            self._run(self.restart(value))

    async def restart(self, log: DayLog) -> bool:
        """Tracks what one of today's tracks tracked again (switching when something runs);
        closes the popup when the server took it."""
        self._clear_error()
        target = TrackTarget(log.work_item_id, log.comment, log.activity_type_id, log.billable)
        if self.tracking:
            done = await self.bridge.switch(target)
        else:
            done = await self.bridge.start(target)
        if done:
            self.hide()
        return done

    @Slot(str)
    def _bridge_error(self, message: str) -> None:
        if self.isVisible():
            self.show_error(message)

    def show_error(self, message: str) -> None:
        self.error_label.show_error(message)

    def _clear_error(self) -> None:
        self.error_label.clear_error()

    def _run(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """A task on the loop; the busy indicator shows while any of the popup's own runs."""
        return self._tasks.run(coro)

    def _show_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)

    @property
    def is_busy(self) -> bool:
        return self._tasks.busy
