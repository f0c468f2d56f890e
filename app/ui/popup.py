"""The tray popup: a small frameless window at the tray icon to pick a work item and start.

Keyboard-first: the search field has the focus on open; `#1234` or digits search by id, other
text by query, debounced (one request per burst of typing; an answer to an older query is
dropped). Up/Down move through the results from the search field, Enter starts (or switches,
when something is running), Esc closes. While a track runs, the head shows it with a Stop
button (its mnemonic, Alt+T in English, is named in its tooltip). Every call is a task on the
qasync loop through the bridge's error boundary; failures show inline, never as a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
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
    QListView,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.api.models import ActivityType, TrackingState, WorkItem
from app.tracking.display import NO_TITLE, work_item_row
from app.tracking.target import TrackTarget
from app.ui.bridge import TrackerBridge
from app.ui.i18n import translate
from app.ui.search_model import ResultsModel

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250
RECENT_COUNT = 10
MARGIN = 8  # px between the popup and the tray icon / screen edge
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


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

    def __init__(
        self,
        bridge: TrackerBridge,
        parent: QWidget | None = None,
        *,
        debounce_ms: int = DEBOUNCE_MS,
        window_flags: Qt.WindowType = Qt.WindowType.Popup | Qt.WindowType.FramelessWindowHint,
    ) -> None:
        super().__init__(parent, window_flags)
        self.bridge = bridge
        self.setObjectName("pacetrayPopup")
        self.setWindowTitle("Pacetray")
        self.setAccessibleName(self.tr("Pacetray: start tracking"))
        self.setAccessibleDescription(
            self.tr("Search a work item, then start, switch or stop tracking")
        )
        self.setMinimumWidth(480)

        self._tasks: set[asyncio.Task[Any]] = set()
        self._generation = 0  # bumped by every edit of the search text
        self._search_task: asyncio.Task[None] | None = None
        self._chosen_id: int | None = None  # the work item the activity was reset for
        self._activity_types: list[ActivityType] = []

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(debounce_ms)
        self.search_timer.timeout.connect(self._search_now)

        self._build()
        bridge.stateChanged.connect(self._state_changed)
        bridge.error.connect(self._bridge_error)
        self._state_changed(bridge.state)

    # --- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        frame = QFrame(self)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(6)

        head = QHBoxLayout()
        self.status = QLabel(frame)
        self.status.setObjectName("status")
        self.status.setAccessibleName(self.tr("Tracking status"))
        self.status.setWordWrap(True)
        head.addWidget(self.status, 1)
        self.stop_button = QPushButton(self.tr("S&top"), frame)
        self.stop_button.setObjectName("stop")
        self.stop_button.setAccessibleName(self.tr("Stop tracking"))
        self.stop_button.setAutoDefault(False)
        self.stop_button.clicked.connect(self._stop_clicked)
        self.stop_button.hide()
        head.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)

        self.search = QLineEdit(frame)
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Search work items: #1234, 1234 or words"))
        self.search.setAccessibleName(self.tr("Search work items"))
        self.search.setAccessibleDescription(
            self.tr("A work item number or words; Down and Up choose a result, Enter starts it")
        )
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._text_changed)
        self.search.installEventFilter(self)
        layout.addWidget(self.search)

        self.model = ResultsModel()
        self.results = QListView(frame)
        self.results.setObjectName("results")
        self.results.setAccessibleName(self.tr("Work items"))
        self.results.setAccessibleDescription(self.tr("Search results or recent work items"))
        self.results.setModel(self.model)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setMinimumHeight(180)
        # long titles elide instead of scrolling sideways
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.results.doubleClicked.connect(self._double_clicked)
        self.results.selectionModel().currentChanged.connect(self._current_changed)
        layout.addWidget(self.results, 1)

        self.empty = QLabel(frame)
        self.empty.setObjectName("empty")
        self.empty.setAccessibleName(self.tr("No results"))
        self.empty.hide()
        layout.addWidget(self.empty)

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

        self.error_label = QLabel(frame)
        self.error_label.setObjectName("error")
        self.error_label.setAccessibleName(self.tr("Error"))
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.hide()
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
        layout.addLayout(buttons)

        order: list[QWidget] = [
            self.search,
            self.results,
            self.remark,
            self.activity,
            self.billable,
            self.start_button,
            self.select_button,
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
            self._run(self._load_recent())

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.search_timer.stop()
        self.closed.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.search_timer.stop()
        super().closeEvent(event)

    # --- keyboard -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down:
                self.move_selection(1)
                return True
            if event.key() == Qt.Key.Key_Up:
                self.move_selection(-1)
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        if event.key() in _ENTER_KEYS:
            # line edits and the list pass Enter on; a focused button means that button
            focused = self.focusWidget()
            if isinstance(focused, QPushButton):
                focused.click()
            else:
                self.start_button.click()
            return
        super().keyPressEvent(event)

    def move_selection(self, step: int) -> None:
        """Moves the current result by `step` work items (group headers skipped)."""
        rows = self.model.work_item_rows()
        if not rows:
            return
        current = self.results.currentIndex()
        if not current.isValid() or current.row() not in rows:
            target = rows[0] if step > 0 else rows[-1]
        else:
            position = rows.index(current.row()) + step
            target = rows[max(0, min(position, len(rows) - 1))]
        self._set_current(target)

    def _set_current(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.results.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.results.scrollTo(index)

    # --- search -------------------------------------------------------------------------------

    @Slot(str)
    def _text_changed(self, text: str) -> None:
        self._generation += 1  # any answer still on its way is now stale
        self._cancel_search()
        if text.strip():
            self.search_timer.start()  # restarts: one search per burst of keystrokes
        else:
            self.search_timer.stop()
            self._run(self._load_recent())

    @Slot()
    def _search_now(self) -> None:
        self._cancel_search()
        self._search_task = self._run(self._search(self.search.text(), self._generation))

    def _cancel_search(self) -> None:
        if self._search_task is not None and not self._search_task.done():
            self._search_task.cancel()
        self._search_task = None

    async def flush_search(self) -> None:
        """Runs a search still waiting for its debounce now and waits for its answer."""
        if self.search_timer.isActive():
            self.search_timer.stop()
            self._search_now()
        task = self._search_task
        if task is not None and not task.done():
            await asyncio.gather(task, return_exceptions=True)

    async def _search(self, text: str, generation: int) -> None:
        self._clear_error()
        result = await self.bridge.search(text)
        if result is None or generation != self._generation:
            return  # failed (shown inline) or overtaken by newer typing
        self.model.show_search(text, result)
        rows = self.model.work_item_rows()
        if rows:
            self._set_current(rows[0])  # Enter starts the best hit
        self._show_empty(
            self.tr("No work items match “{text}”.").format(text=text.strip()) if not rows else ""
        )
        self.searched.emit(text)

    async def _load_recent(self) -> None:
        generation = self._generation
        latest = await self.bridge.latest(RECENT_COUNT)
        if latest is None or generation != self._generation or self.search.text().strip():
            return
        self.model.show_recent(latest)
        self._show_empty(
            "" if self.model.rowCount() else self.tr("Nothing tracked yet: search for a work item.")
        )
        self.searched.emit("")

    def _show_empty(self, text: str) -> None:
        self.empty.setText(text)
        self.empty.setVisible(bool(text))

    # --- choosing -----------------------------------------------------------------------------

    def chosen_work_item(self) -> WorkItem | None:
        return self.model.work_item_at(self.results.currentIndex())

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        item = self.model.work_item_at(current)
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

    @Slot(str)
    def _bridge_error(self, message: str) -> None:
        if self.isVisible():
            self.show_error(message)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()

    def _run(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """A task on the loop (through the bridge, which keeps it alive); the busy indicator
        shows while any of the popup's own tasks runs."""
        task = self.bridge.run(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        self.busy.show()
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            with contextlib.suppress(RuntimeError):  # the widget may be gone at shutdown
                self.busy.hide()

    @property
    def is_busy(self) -> bool:
        return bool(self._tasks)
