"""A work item search as the popup has it, as one widget for the dialogs that need one (the
"Book to…" dialog): a search field (`#1234` or digits by id, other text by query, debounced:
one request per burst of typing, an older answer dropped), the results grouped as in the popup
(`ResultsModel`), the recent work items while the field is empty, and Up/Down from the field
through the results. Every call goes through the bridge's error boundary (or the owner's
`run`, which the popup passes to count these calls as its own work).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from app.api.models import WorkItem
from app.ui.bridge import TrackerBridge
from app.ui.search_model import ResultsModel

DEBOUNCE_MS = 250
RECENT_COUNT = 10


class WorkItemSearch(QWidget):
    """`chosen_work_item()` is the current result; `searched(text)` follows each shown answer
    ("" for the recent list); `chosenChanged(WorkItem | None)` follows the current row;
    `searchStarted(text)` precedes each search request; `recentRead(LatestResult)` precedes
    showing the recent list."""

    searched = Signal(str)
    chosenChanged = Signal(object)
    searchStarted = Signal(str)
    recentRead = Signal(object)

    def __init__(
        self,
        bridge: TrackerBridge,
        parent: QWidget | None = None,
        *,
        debounce_ms: int = DEBOUNCE_MS,
        run: Callable[[Coroutine[Any, Any, None]], asyncio.Task[None]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._run = run if run is not None else bridge.run
        self._generation = 0  # bumped by every edit of the search text
        self._search_task: asyncio.Task[None] | None = None

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(debounce_ms)
        self.timer.timeout.connect(self._search_now)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.field = QLineEdit(self)
        self.field.setObjectName("search")
        self.field.setPlaceholderText(self.tr("Search work items: #1234, 1234 or words"))
        self.field.setAccessibleName(self.tr("Search work items"))
        self.field.setClearButtonEnabled(True)
        self.field.textChanged.connect(self._text_changed)
        self.field.installEventFilter(self)
        layout.addWidget(self.field)

        self.model = ResultsModel()
        self.results = QListView(self)
        self.results.setObjectName("results")
        self.results.setAccessibleName(self.tr("Work items"))
        self.results.setModel(self.model)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.results.setMinimumHeight(120)
        self.results.selectionModel().currentChanged.connect(self._current_changed)
        layout.addWidget(self.results, 1)

        self.empty = QLabel(self)
        self.empty.setObjectName("empty")
        self.empty.setWordWrap(True)
        self.empty.hide()
        layout.addWidget(self.empty)
        self.setFocusProxy(self.field)

    # --- keyboard -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down:
                self.move_selection(1)
                return True
            if event.key() == Qt.Key.Key_Up:
                self.move_selection(-1)
                return True
        return super().eventFilter(watched, event)

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
        flag = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.results.selectionModel().setCurrentIndex(index, flag)
        self.results.scrollTo(index)

    def chosen_work_item(self) -> WorkItem | None:
        return self.model.work_item_at(self.results.currentIndex())

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self.chosenChanged.emit(self.model.work_item_at(current))

    # --- searching ----------------------------------------------------------------------------

    @Slot(str)
    def _text_changed(self, text: str) -> None:
        self._generation += 1  # any answer still on its way is now stale
        self._cancel_search()
        if text.strip():
            self.timer.start()  # restarts: one search per burst of keystrokes
        else:
            self.timer.stop()
            self._run(self.load_recent())

    @Slot()
    def _search_now(self) -> None:
        self._cancel_search()
        self._search_task = self._run(self._search(self.field.text(), self._generation))

    def _cancel_search(self) -> None:
        if self._search_task is not None and not self._search_task.done():
            self._search_task.cancel()
        self._search_task = None

    def stop(self) -> None:
        """No more searches (the dialog closes)."""
        self.timer.stop()
        self._cancel_search()

    async def flush_search(self) -> None:
        """Runs a search still waiting for its debounce now and waits for its answer."""
        if self.timer.isActive():
            self.timer.stop()
            self._search_now()
        task = self._search_task
        if task is not None and not task.done():
            await asyncio.gather(task, return_exceptions=True)

    async def _search(self, text: str, generation: int) -> None:
        self.searchStarted.emit(text)
        result = await self.bridge.search(text)
        if result is None or generation != self._generation:
            return  # failed (the bridge reports it) or overtaken by newer typing
        self.model.show_search(text, result)
        rows = self.model.work_item_rows()
        if rows:
            self._set_current(rows[0])  # Enter takes the best hit
        self._show_empty(
            self.tr("No work items match “{text}”.").format(text=text.strip()) if not rows else ""
        )
        self.searched.emit(text)

    async def load_recent(self) -> None:
        """Shows the recent work items (while the field is empty)."""
        generation = self._generation
        latest = await self.bridge.latest(RECENT_COUNT)
        if latest is None or generation != self._generation or self.field.text().strip():
            return
        self.recentRead.emit(latest)
        self.model.show_recent(latest)
        self._show_empty(
            "" if self.model.rowCount() else self.tr("Nothing tracked yet: search for a work item.")
        )
        self.searched.emit("")

    def _show_empty(self, text: str) -> None:
        self.empty.setText(text)
        self.empty.setVisible(bool(text))
