"""What the dialogs that write one work log share (the "Book to…" and the "Edit work log"
dialog): the start/end time editors, the remark, activity type and billable rows, the inline
error label, Cancel, and their tasks on the loop through the bridge's error boundary (one
action at a time, bridge errors shown inline while visible)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDateTime, QLocale, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.tracking.booking import seconds_between
from app.ui.activity_combo import ActivityCombo
from app.ui.bridge import TrackerBridge
from app.ui.error_label import ErrorLabel
from app.ui.locale_format import format_date, format_duration, format_time
from app.ui.task_set import TaskSet

EN_DASH = "\u2013"  # between the times of a span


def to_qdatetime(moment: datetime) -> QDateTime:
    """An aware datetime as a QDateTime in local time (to the millisecond)."""
    return QDateTime.fromMSecsSinceEpoch(round(moment.timestamp() * 1000))


def from_qdatetime(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toMSecsSinceEpoch() / 1000, UTC)


def time_edit(name: str, accessible: str, parent: QWidget) -> QDateTimeEdit:
    """A clock-time editor in the locale's short format (the date is shown above it)."""
    edit = QDateTimeEdit(parent)
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setDisplayFormat(QLocale().timeFormat(QLocale.FormatType.ShortFormat))
    return edit


def span_text(start: datetime, end: datetime) -> str:
    """ "14.03.25 09:10-09:55 (45 min)" (with an en dash) in the UI's locale."""
    span = f"{format_date(start)} {format_time(start)} {EN_DASH} {format_time(end)}"
    return f"{span} ({format_duration(seconds_between(start, end))})"


class LogFormDialog(QDialog):
    """A non-modal dialog over one work log's fields; subclasses build the form with the
    `_add_…` helpers and run their actions with `_run`."""

    def __init__(self, bridge: TrackerBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._tasks = TaskSet(bridge)
        self.setModal(False)

    # --- building -----------------------------------------------------------------------------

    def _add_times(self, form: QFormLayout) -> QHBoxLayout:
        """`start_edit` to `end_edit` as the "Time" row; the caller may add to the row."""
        times = QHBoxLayout()
        self.start_edit = time_edit("start", self.tr("Start"), self)
        self.end_edit = time_edit("end", self.tr("End"), self)
        times.addWidget(self.start_edit)
        times.addWidget(QLabel(EN_DASH, self))
        times.addWidget(self.end_edit)
        time_label = QLabel(self.tr("&Time"), self)
        time_label.setBuddy(self.start_edit)
        form.addRow(time_label, times)
        return times

    def _add_details(self, form: QFormLayout, remark: str = "") -> None:
        """The remark, activity type and billable rows."""
        self.remark = QLineEdit(remark, self)
        self.remark.setObjectName("remark")
        self.remark.setAccessibleName(self.tr("Remark"))
        remark_label = QLabel(self.tr("&Remark"), self)
        remark_label.setBuddy(self.remark)
        form.addRow(remark_label, self.remark)

        self.activity = ActivityCombo(self)
        activity_label = QLabel(self.tr("&Activity"), self)
        activity_label.setBuddy(self.activity)
        form.addRow(activity_label, self.activity)

        self.billable = QCheckBox(self.tr("B&illable"), self)
        self.billable.setObjectName("billable")
        self.billable.setAccessibleName(self.tr("Billable"))
        form.addRow("", self.billable)

    def _add_error_label(self, layout: QVBoxLayout) -> None:
        self.error_label = ErrorLabel(self)
        layout.addWidget(self.error_label)

    def _add_cancel(self, buttons: QDialogButtonBox) -> QPushButton:
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        assert cancel is not None
        cancel.setAccessibleName(self.tr("Cancel"))
        buttons.rejected.connect(self.reject)
        return cancel

    # --- errors, tasks ------------------------------------------------------------------------

    def _listen_for_errors(self) -> None:
        self.bridge.error.connect(self._bridge_error)

    @Slot(str)
    def _bridge_error(self, message: str) -> None:
        if self.isVisible():
            self.show_error(message)

    def show_error(self, message: str) -> None:
        self.error_label.show_error(message)

    def _clear_error(self) -> None:
        self.error_label.clear_error()

    def _run(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        return self._tasks.run(coro)

    @property
    def is_busy(self) -> bool:
        return self._tasks.busy

    def done(self, result: int) -> None:
        with contextlib.suppress(RuntimeError, TypeError):
            self.bridge.error.disconnect(self._bridge_error)
        super().done(result)
