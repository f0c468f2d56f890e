"""The "Book to…" dialog (issue 15): books a slipped period (time at the machine with nothing
tracked) to a work item.

It shows the period (date, start to end, length), lets the user narrow start and end inside it,
search a work item as in the popup (`WorkItemSearch`), and set a remark, the activity type and
billable. Book creates the work log through `app.tracking.booking.book_or_journal` inside the
bridge's error boundary: sent at once, or, when the server cannot be reached, kept in the
offline journal as an `add_work_log` command and sent when it can (`outcome` says which).
Refusals show inline. Non-modal, never exec(): `open_book_dialog` shows it and loads its lists;
the caller may await `finished`.

Keyboard: the search field has the focus; Tab walks start, end, search, results, remark,
activity, billable, Book, Cancel; Enter books, Esc cancels.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.tracking.booking import Booked, Booking, BookingError, book_or_journal, seconds_between
from app.tracking.day import Placed
from app.tracking.target import TrackTarget
from app.ui.bridge import TrackerBridge
from app.ui.i18n import message_text
from app.ui.locale_format import format_duration
from app.ui.log_form import LogFormDialog, from_qdatetime, span_text, to_qdatetime
from app.ui.work_item_search import WorkItemSearch


def _now_utc() -> datetime:
    return datetime.now(UTC)


class BookDialog(LogFormDialog):
    """`outcome` is None until booked; then `Booked.SENT` or `Booked.JOURNALED`."""

    booked = Signal(object)  # Booked
    loaded = Signal()  # the activity types and the recent work items are in

    def __init__(
        self,
        bridge: TrackerBridge,
        period: Placed,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] = _now_utc,
        debounce_ms: int = 250,
    ) -> None:
        super().__init__(bridge, parent)
        self.period = period
        self._now = now
        self.outcome: Booked | None = None
        self.setObjectName("bookDialog")
        self.setWindowTitle(self.tr("Book slipped time"))
        self.setAccessibleName(self.tr("Book slipped time"))
        self.setMinimumWidth(480)
        self._build(debounce_ms)
        self._listen_for_errors()

    def _build(self, debounce_ms: int) -> None:
        layout = QVBoxLayout(self)
        self.heading = QLabel(
            self.tr("At the machine, nothing tracked: {span}").format(
                span=span_text(self.period.start, self.period.end)
            ),
            self,
        )
        self.heading.setObjectName("period")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)

        form = QFormLayout()
        self.length = QLabel(self)  # before the editors: setting them shows the length
        self.length.setObjectName("length")
        self._add_times(form).addWidget(self.length, 1)
        for edit in (self.start_edit, self.end_edit):
            edit.setDateTimeRange(to_qdatetime(self.period.start), to_qdatetime(self.period.end))
            edit.dateTimeChanged.connect(self._times_changed)
        self.start_edit.setDateTime(to_qdatetime(self.period.start))
        self.end_edit.setDateTime(to_qdatetime(self.period.end))

        self.search = WorkItemSearch(self.bridge, self, debounce_ms=debounce_ms)
        search_label = QLabel(self.tr("&Work item"), self)
        search_label.setBuddy(self.search.field)
        form.addRow(search_label, self.search)

        self._add_details(form)
        self.remark.setPlaceholderText(self.tr("Remark (optional with a work item)"))
        layout.addLayout(form)
        self._add_error_label(layout)

        self.buttons = QDialogButtonBox(self)
        self.book_button = QPushButton(self.tr("&Book"), self)
        self.book_button.setObjectName("book")
        self.book_button.setAccessibleName(self.tr("Book the time"))
        self.book_button.setDefault(True)  # Enter books, wherever the focus is
        self.buttons.addButton(self.book_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self._add_cancel(self.buttons)
        self.buttons.accepted.connect(self._book_clicked)
        layout.addWidget(self.buttons)

        order: list[QWidget] = [
            self.start_edit,
            self.end_edit,
            self.search.field,
            self.search.results,
            self.remark,
            self.activity,
            self.billable,
            self.book_button,
            self.cancel_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.search.field.setFocus()
        self._times_changed()

    # --- loading ------------------------------------------------------------------------------

    def start_loading(self) -> None:
        """`load()` as a task on the loop (opening the dialog)."""
        self._run(self.load())

    async def load(self) -> None:
        """Reads the activity types (cached by the bridge) and the recent work items."""
        types = await self.bridge.activity_types()
        self.activity.set_types(types, self.bridge.default_activity_type_id())
        if not self.search.field.text().strip():
            await self.search.load_recent()
        self.loaded.emit()

    # --- values -------------------------------------------------------------------------------

    def _within(self, value: datetime) -> datetime:
        # The editors hold milliseconds: a bound may round to just outside the period.
        return min(max(value, self.period.start), self.period.end)

    def start(self) -> datetime:
        return self._within(from_qdatetime(self.start_edit.dateTime()))

    def end(self) -> datetime:
        return self._within(from_qdatetime(self.end_edit.dateTime()))

    @Slot()
    def _times_changed(self) -> None:
        seconds = seconds_between(self.start(), self.end())
        self.length.setText(format_duration(seconds) if seconds > 0 else "")

    def booking(self) -> Booking:
        """What the fields say to book."""
        item = self.search.chosen_work_item()
        target = TrackTarget(
            item.id if item is not None else None,
            self.remark.text().strip() or None,
            self.activity.activity_type_id(),
            self.billable.isChecked(),
        )
        return Booking(self.start(), self.end(), target)

    # --- booking ------------------------------------------------------------------------------

    @Slot()
    def _book_clicked(self) -> None:
        if not self.is_busy:  # one booking at a time: a second Enter waits for the first
            self._run(self.book())

    async def book(self) -> Booked | None:
        """Books what the fields say; closes when sent or journaled. None: refused or failed
        (the reason shows in the dialog)."""
        await self.search.flush_search()
        self._clear_error()
        booking = self.booking()
        within = (self.period.start, self.period.end)

        async def attempt() -> Booked | BookingError:
            try:
                return await book_or_journal(
                    self.bridge.tracker, booking, now=self._now(), within=within
                )
            except BookingError as exc:
                return exc

        self.book_button.setEnabled(False)
        try:
            result = await self.bridge.guard("book the time", attempt(), None)
        finally:
            with contextlib.suppress(RuntimeError):  # the dialog may be gone at shutdown
                self.book_button.setEnabled(True)
        if isinstance(result, BookingError):
            self.show_error(message_text(result))
            return None
        if result is None:
            return None  # the bridge's error is shown already
        self.outcome = result
        self.booked.emit(result)
        self.accept()
        return result

    # --- closing ------------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self.search.stop()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.search.stop()
        super().closeEvent(event)


def open_book_dialog(
    bridge: TrackerBridge,
    period: Placed,
    parent: QWidget | None = None,
    *,
    now: Callable[[], datetime] = _now_utc,
) -> BookDialog:
    """Shows a "Book to…" dialog for `period` (e.g. the Today window's `book_requested`) and
    loads its lists; await its `finished` (or `booked`) to learn the outcome."""
    dialog = BookDialog(bridge, period, parent, now=now)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    dialog.start_loading()
    return dialog
