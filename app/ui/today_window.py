"""The Today window (issue 15, "Today at a glance"): one day's timeline (work logs, presence,
activity checks; slipped time highlighted), the totals per work item and activity, and the
week strip; or the same day as a table ("Show as table").

The window does not know where its data comes from: it awaits an injected `TodayLoader`
(`load(date) -> TodayData`), so the tray, tests and benchmarks each give their own. It asks
for a day when opened (`open_day`), on ←/→ and the arrow buttons, on a click in the week
strip, and when the tracker reports that tracking started or stopped (`attach`). While a
track runs, a timer grows its bar (only that strip repaints).

It only asks for changes: selecting slipped time emits `book_requested(Slipped)`, selecting
a work log `edit_requested(DayLog)`; whoever acts on them calls `reload()` afterwards.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDate, QLocale, QModelIndex, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.api.models import TrackingState
from app.tracking.day import DayLog, Slipped
from app.tracking.state import is_running
from app.tracking.today_source import TodayData
from app.ui.locale_format import format_duration
from app.ui.timeline import Timeline
from app.ui.today_table import DayTable
from app.ui.week_strip import WeekStrip

log = logging.getLogger(__name__)

LIVE_INTERVAL_MS = 30_000  # the running bar grows every 30 s (a pixel or so at most)
MAX_TOTAL_LINES = 6  # totals shown per kind; the rest folded into "… more"


# TodayData lives below the front ends (app.tracking.today_source), so `pacetray today`
# builds the same; it is re-exported here for the window's users.
__all__ = ["TodayData", "TodayLoader", "TodayWindow"]

TodayLoader = Callable[[date], Awaitable[TodayData]]


class TodayWindow(QWidget):
    book_requested = Signal(object)  # Slipped
    edit_requested = Signal(object)  # DayLog
    loaded = Signal(object)  # TodayData, once shown
    load_failed = Signal(object)  # date

    def __init__(
        self,
        loader: TodayLoader,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._loader = loader
        self._now = now
        self._data: TodayData | None = None
        self._wanted: date | None = None
        self._task: asyncio.Task[None] | None = None
        self._tracking_key: tuple[bool, str] | None = None
        self.setWindowTitle(self.tr("Today"))
        self.setAccessibleName(self.tr("Today"))

        self.prev_button = QPushButton("\u2039")
        self.prev_button.setAccessibleName(self.tr("Previous day"))
        self.prev_button.setToolTip(self.tr("Previous day (Left arrow)"))
        self.next_button = QPushButton("\u203a")
        self.next_button.setAccessibleName(self.tr("Next day"))
        self.next_button.setToolTip(self.tr("Next day (Right arrow)"))
        self.today_button = QPushButton(self.tr("Today"))
        self.today_button.setAccessibleName(self.tr("Go to today"))
        self.date_label = QLabel()
        font = self.date_label.font()
        font.setBold(True)
        self.date_label.setFont(font)
        self.status_label = QLabel()
        self.table_toggle = QPushButton(self.tr("Show as table"))
        self.table_toggle.setCheckable(True)
        self.table_toggle.setAccessibleName(self.tr("Show as table"))

        self.timeline = Timeline()
        self.table_model = DayTable(self.timeline)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.setAccessibleName(self.tr("The day as a table"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.timeline)
        self.stack.addWidget(self.table)

        self.items_label = QLabel()
        self.activities_label = QLabel()
        self.total_label = QLabel()
        self.week_label = QLabel()
        for label in (self.items_label, self.activities_label):
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.week_strip = WeekStrip()

        header = QHBoxLayout()
        header.addWidget(self.prev_button)
        header.addWidget(self.date_label)
        header.addWidget(self.next_button)
        header.addWidget(self.today_button)
        header.addStretch(1)
        header.addWidget(self.status_label)
        header.addWidget(self.table_toggle)
        totals = QGridLayout()
        totals.addWidget(self._heading(self.tr("Work items")), 0, 0)
        totals.addWidget(self._heading(self.tr("Activities")), 0, 1)
        totals.addWidget(self._heading(self.tr("This week")), 0, 2)
        totals.addWidget(self.items_label, 1, 0)
        totals.addWidget(self.activities_label, 1, 1)
        totals.addWidget(self.week_strip, 1, 2)
        totals.addWidget(self.total_label, 2, 0, 1, 2)
        totals.addWidget(self.week_label, 2, 2)
        totals.setColumnStretch(0, 3)
        totals.setColumnStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)
        layout.addLayout(totals)
        self.setTabOrder(self.prev_button, self.next_button)
        self.setTabOrder(self.next_button, self.today_button)
        self.setTabOrder(self.today_button, self.table_toggle)
        self.setTabOrder(self.table_toggle, self.timeline)
        self.setTabOrder(self.timeline, self.table)

        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(lambda: self.open_day(self._today()))
        self.table_toggle.toggled.connect(self.show_table)
        self.week_strip.day_clicked.connect(self.open_day)
        self.timeline.slipped_activated.connect(self.book_requested)
        self.timeline.log_activated.connect(self.edit_requested)
        self.table.activated.connect(self._table_activated)
        self._live = QTimer(self)
        self._live.setInterval(LIVE_INTERVAL_MS)
        self._live.timeout.connect(self.tick)
        self.resize(900, self.sizeHint().height())
        # The day has the focus when the window opens: Home/↓ pick a part, Enter books or
        # edits it, ←/→ change the day, all without the mouse.
        self.timeline.setFocus()

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    # --- loading --------------------------------------------------------------------------

    @property
    def data(self) -> TodayData | None:
        return self._data

    @property
    def shown_date(self) -> date | None:
        return self._data.day.date if self._data else None

    def _today(self) -> date:
        tz = self._data.day.tz if self._data else None
        return self._now().astimezone(tz).date()

    def open_day(self, day: date) -> asyncio.Task[None]:
        """Load and show `day`; a load still under way for another day is dropped."""
        self._wanted = day
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.status_label.setText(self.tr("Loading…"))
        self._task = asyncio.ensure_future(self._load(day))
        return self._task

    def reload(self) -> asyncio.Task[None]:
        return self.open_day(self._wanted or self.shown_date or self._today())

    def step(self, days: int) -> None:
        current = self._wanted or self.shown_date or self._today()
        self.open_day(current + timedelta(days=days))

    async def _load(self, day: date) -> None:
        try:
            data = await self._loader(day)
        except asyncio.CancelledError:
            raise
        except Exception:  # shown as a line in the window; the details go to the log
            log.exception("loading the day %s failed", day)
            self.status_label.setText(self.tr("Could not load this day."))
            self.load_failed.emit(day)
            return
        if day == self._wanted:
            self.show_data(data)

    def show_data(self, data: TodayData) -> None:
        """Show a loaded day (also usable without a loader: tests, the i18n screenshots)."""
        self._data = data
        self._wanted = data.day.date
        day = data.day
        self.timeline.set_day(day, data.titles)
        self.table_model.reload()
        self.week_strip.set_week(data.week, day.date)
        locale = QLocale()
        self.date_label.setText(
            locale.toString(
                QDate(day.date.year, day.date.month, day.date.day), QLocale.FormatType.LongFormat
            )
        )
        self.status_label.setText("" if day.synced else self.tr("Not everything is synced"))
        self._show_totals()
        self.week_label.setText(
            self.tr("Week: {total}").format(total=format_duration(data.week.total))
        )
        self._sync_live()
        self.loaded.emit(data)

    def _show_totals(self) -> None:
        data = self._data
        if data is None:
            return
        day = data.day
        items = [
            f"{self.timeline.item_title(t.work_item_id)}: {format_duration(t.seconds)}"
            for t in day.totals_by_item
        ]
        unnamed = self.tr("(no activity)")
        activities = [
            f"{t.name or t.activity_type_id or unnamed}: {format_duration(t.seconds)}"
            for t in day.totals_by_activity
        ]
        self.items_label.setText(self._lines(items))
        self.activities_label.setText(self._lines(activities))
        total = day.total + self.timeline.grown_seconds()
        self.total_label.setText(self.tr("Day total: {total}").format(total=format_duration(total)))

    def _lines(self, lines: list[str]) -> str:
        if not lines:
            return self.tr("Nothing tracked")
        if len(lines) > MAX_TOTAL_LINES:
            more = len(lines) - MAX_TOTAL_LINES + 1
            lines = [*lines[: MAX_TOTAL_LINES - 1], self.tr("… and {n} more").format(n=more)]
        return "\n".join(lines)

    # --- live -----------------------------------------------------------------------------

    def _sync_live(self) -> None:
        running = self._data is not None and any(log.running for log in self._data.day.logs)
        if running and self.isVisible():
            self._live.start()
        else:
            self._live.stop()

    def tick(self) -> None:
        """Grow the running track to now (the live timer calls this)."""
        if self._data is None:
            return
        self.timeline.set_now(self._now())
        total = self._data.day.total + self.timeline.grown_seconds()
        self.total_label.setText(self.tr("Day total: {total}").format(total=format_duration(total)))

    def attach(self, state_changed: SignalInstance) -> None:
        """Reload when tracking starts, stops or switches logs (the tracker's states)."""
        state_changed.connect(self._on_state)

    def _on_state(self, state: TrackingState) -> None:
        running = is_running(state)
        key = (running, (state.track.work_log_id or "").lower() if running else "")
        changed = self._tracking_key is not None and key != self._tracking_key
        self._tracking_key = key
        if changed and self.isVisible() and self._data is not None:
            self.reload()

    # --- views and keys -------------------------------------------------------------------

    def show_table(self, on: bool) -> None:
        self.stack.setCurrentWidget(self.table if on else self.timeline)
        if self.table_toggle.isChecked() != on:
            self.table_toggle.setChecked(on)

    def _table_activated(self, index: QModelIndex) -> None:
        part = self.table_model.part(index.row())
        if isinstance(part, Slipped):
            self.book_requested.emit(part)
        elif isinstance(part, DayLog) and part.id is not None:
            self.edit_requested.emit(part)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close()
        elif key == Qt.Key.Key_Left:
            self.step(-1)
        elif key == Qt.Key.Key_Right:
            self.step(1)
        else:
            super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._sync_live()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._live.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._live.stop()
        super().closeEvent(event)
