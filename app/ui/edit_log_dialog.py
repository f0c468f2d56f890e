"""The "Edit work log" dialog (issue 15): start, end, remark, activity type and billable of one
work log of the day (a `DayLog`); Save patches it on the server, Delete deletes it after a
confirmation that defaults to Cancel. Both through `app.tracking.booking` inside the bridge's
error boundary; refusals and failures show inline.

A log still being tracked cannot be changed or deleted (7pace and the local server refuse it):
the dialog says so (stop tracking first) and offers only Close. A log cut at midnight keeps its
times (the day model knows only its part of the day). Non-modal, never exec():
`open_edit_log_dialog` shows it; the caller may await `finished`.

Keyboard: Tab walks start, end, remark, activity, billable, Save, Delete, Cancel; Enter saves,
Esc cancels, the Delete key (outside text fields) or Alt+D deletes.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.api.models import RestWorkLog
from app.tracking.booking import (
    CROSSES_DAY,
    NOT_ON_SERVER,
    RUNNING_EDIT,
    BookingError,
    LogEdit,
    delete_work_log,
    edit_work_log,
    log_is_running,
)
from app.tracking.day import DayLog
from app.ui.bridge import TrackerBridge
from app.ui.i18n import message_text, translate
from app.ui.log_form import LogFormDialog, from_qdatetime, span_text, to_qdatetime


def _now_utc() -> datetime:
    return datetime.now(UTC)


class EditLogDialog(LogFormDialog):
    """`saved(RestWorkLog | None)` after a save (None: nothing had changed); `deleted(id)`."""

    saved = Signal(object)
    deleted = Signal(str)
    loaded = Signal()

    def __init__(
        self,
        bridge: TrackerBridge,
        log: DayLog,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] = _now_utc,
    ) -> None:
        super().__init__(bridge, parent)
        self.log = log
        self._now = now
        self.confirm_box: QMessageBox | None = None
        self.setObjectName("editLogDialog")
        self.setWindowTitle(self.tr("Edit work log"))
        self.setAccessibleName(self.tr("Edit work log"))
        self.setMinimumWidth(420)
        self._build()
        self._listen_for_errors()
        self._lock_if_not_editable()

    def _build(self) -> None:
        log = self.log
        layout = QVBoxLayout(self)
        what = f"#{log.work_item_id}" if log.work_item_id is not None else ""
        if log.comment:
            what = f"{what} — {log.comment}" if what else log.comment
        self.heading = QLabel(f"{what}\n{span_text(log.start, log.end)}", self)
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)

        self.notice = QLabel(self)  # why something cannot be changed
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout.addWidget(self.notice)

        form = QFormLayout()
        self._add_times(form).addStretch(1)
        self.start_edit.setDateTime(to_qdatetime(log.start))
        self.end_edit.setDateTime(to_qdatetime(log.end))
        self._add_details(form, log.comment or "")
        if log.activity_type_id is not None:  # until the list is read: the log's own
            self.activity.addItem(log.activity_type_name or "…", log.activity_type_id)
        self.billable.setChecked(log.billable)
        layout.addLayout(form)
        self._add_error_label(layout)

        self.buttons = QDialogButtonBox(self)
        self.save_button = QPushButton(self.tr("&Save"), self)
        self.save_button.setObjectName("save")
        self.save_button.setAccessibleName(self.tr("Save the work log"))
        self.save_button.setDefault(True)  # Enter saves
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.delete_button = QPushButton(self.tr("&Delete"), self)  # Alt+D
        self.delete_button.setObjectName("delete")
        self.delete_button.setAccessibleName(self.tr("Delete the work log"))
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.cancel_button = self._add_cancel(self.buttons)
        self.buttons.accepted.connect(self._save_clicked)
        self.delete_button.clicked.connect(self._delete_clicked)
        layout.addWidget(self.buttons)
        # Text fields keep the Delete key for themselves (they claim it as a shortcut override).
        self.delete_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self)
        self.delete_shortcut.activated.connect(self._delete_clicked)

        order: list[QWidget] = [
            self.start_edit,
            self.end_edit,
            self.remark,
            self.activity,
            self.billable,
            self.save_button,
            self.delete_button,
            self.cancel_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.remark.setFocus()

    def _lock_if_not_editable(self) -> None:
        log = self.log
        reason = None
        if log.id is None:
            reason = NOT_ON_SERVER
        elif log_is_running(log, self.bridge.state):
            reason = RUNNING_EDIT
        if reason is not None:
            self.notice.setText(translate(reason))
            self.notice.show()
            for widget in (self.start_edit, self.end_edit, self.remark, self.activity,
                           self.billable, self.save_button, self.delete_button):  # fmt: skip
                widget.setEnabled(False)
            self.delete_shortcut.setEnabled(False)
            self.cancel_button.setText(self.tr("Close"))
            self.cancel_button.setDefault(True)
            self.cancel_button.setFocus()
        elif log.cut_start or log.cut_end:
            self.notice.setText(translate(CROSSES_DAY))
            self.notice.show()
            self.start_edit.setEnabled(False)
            self.end_edit.setEnabled(False)

    @property
    def editable(self) -> bool:
        return self.save_button.isEnabled()

    # --- loading ------------------------------------------------------------------------------

    def start_loading(self) -> None:
        self._run(self.load())

    async def load(self) -> None:
        """Reads the activity types (cached by the bridge); the log's own stays chosen."""
        types = await self.bridge.activity_types()
        if types:
            self.activity.set_types(types, self.log.activity_type_id)
        self.loaded.emit()

    # --- values -------------------------------------------------------------------------------

    def edit(self) -> LogEdit:
        return LogEdit(
            from_qdatetime(self.start_edit.dateTime()),
            from_qdatetime(self.end_edit.dateTime()),
            self.remark.text(),
            self.activity.activity_type_id(),
            self.billable.isChecked(),
        )

    # --- save, delete -------------------------------------------------------------------------

    @Slot()
    def _save_clicked(self) -> None:
        if self.editable and not self.is_busy:
            self._run(self.save())

    @Slot()
    def _delete_clicked(self) -> None:
        if self.editable and not self.is_busy:
            self._run(self.delete())

    async def save(self) -> bool:
        """Patches the log; closes when done (also when nothing had changed)."""
        self._clear_error()
        edit = self.edit()

        async def attempt() -> tuple[RestWorkLog | None] | BookingError:
            try:
                return (
                    await edit_work_log(
                        self.bridge.client,
                        self.log,
                        edit,
                        now=self._now(),
                        state=self.bridge.state,
                    ),
                )
            except BookingError as exc:
                return exc

        result = await self._guarded("save the work log", attempt())
        if result is None:
            return False
        self.saved.emit(result[0])
        self.accept()
        return True

    async def confirm_delete(self) -> bool:
        """Asks before deleting (Cancel is the default: Enter or Esc keep the log)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Delete work log"))
        box.setText(
            self.tr("Delete this work log ({span})? This cannot be undone.").format(
                span=span_text(self.log.start, self.log.end)
            )
        )
        delete = box.addButton(self.tr("&Delete"), QMessageBox.ButtonRole.DestructiveRole)
        delete.setAccessibleName(self.tr("Delete the work log"))
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

        def finished(_: int) -> None:
            if not answer.done():
                answer.set_result(box.clickedButton() is delete)

        box.finished.connect(finished)
        self.confirm_box = box
        box.open()
        try:
            return await answer
        finally:
            self.confirm_box = None
            box.deleteLater()
            self.activateWindow()  # back to the dialog: its keys work again at once

    async def delete(self) -> bool:
        """Deletes the log after the confirmation; closes when done."""
        self._clear_error()
        if not await self.confirm_delete():
            return False
        log_id = self.log.id or ""

        async def attempt() -> tuple[None] | BookingError:
            try:
                await delete_work_log(self.bridge.client, self.log, state=self.bridge.state)
                return (None,)
            except BookingError as exc:
                return exc

        if await self._guarded("delete the work log", attempt()) is None:
            return False
        self.deleted.emit(log_id)
        self.accept()
        return True

    async def _guarded(
        self, what: str, call: Coroutine[Any, Any, tuple[Any] | BookingError]
    ) -> tuple[Any] | None:
        """`call` inside the bridge's error boundary; a refusal shows here. None: not done."""
        result = await self.bridge.guard(what, call, None)
        if isinstance(result, BookingError):
            self.show_error(message_text(result))
            return None
        return result

    # --- closing ------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.confirm_box is not None:
            self.confirm_box.reject()
        super().closeEvent(event)


def open_edit_log_dialog(
    bridge: TrackerBridge,
    log: DayLog,
    parent: QWidget | None = None,
    *,
    now: Callable[[], datetime] = _now_utc,
) -> EditLogDialog:
    """Shows an "Edit work log" dialog for `log` (e.g. the Today window's `edit_requested`)
    and reads the activity types; await its `finished` (or `saved`/`deleted`)."""
    dialog = EditLogDialog(bridge, log, parent, now=now)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    dialog.start_loading()
    return dialog
