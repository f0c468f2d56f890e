"""The two questions the tracker asks the user: the activity check and the idle time.

- `ActivityCheckDialog`: "Are you still working on #id title?" with the server's countdown,
  Continue (Enter) / Stop / Snooze ▸. Esc dismisses it without answering: the check keeps
  running on the server (the tray shows it) and `reopen()` brings the question back.
- `IdlePromptDialog`: "You were away from 10:32 to 11:07 (35 min)" with Keep / Discard /
  Discard and continue / Book to another work item…. One at a time: a newer `IdlePrompt`
  (the tracker merges back-to-back idle periods) replaces the text of the open one.
- `Prompts`: connects both to a `TrackerBridge`; the controller only creates it.

Answers run as tasks through the bridge (its error boundary); a dialog is shown with `show()`,
never `exec()`, so nothing here blocks the qasync loop. Each time a prompt comes to the front it
announces itself to screen readers (a dialog with a name and its question as description, and
an Alert event, as QMessageBox does). Texts are translated (contexts ActivityCheckDialog and
IdlePromptDialog); times and durations follow the UI's locale (app/ui/locale_format.py).
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAccessible, QAccessibleEvent, QCloseEvent, QFont
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.api.models import SnoozeOption, TrackingState, WorkItem
from app.settings.errors import QT_TRANSLATE_NOOP  # Qt's own is typed `object`
from app.tracking.display import describe_work
from app.tracking.events import ActivityCheckAnswered, ActivityCheckPrompt, IdlePrompt
from app.tracking.idle import AwayBooking, IdleChoice, away_booking
from app.tracking.state import check_running, is_running
from app.tracking.target import TrackTarget
from app.tracking.tracker import CheckAnswer
from app.ui.bridge import TrackerBridge, parse_work_item_id
from app.ui.locale_format import format_clock, format_countdown, format_duration

__all__ = [
    "ActivityCheckDialog",
    "IdlePromptDialog",
    "Prompts",
    "format_away",
    "format_booking",
    "format_clock",
    "format_clocks",
    "format_countdown",
    "format_duration",
]

SNOOZE_LABELS = {
    SnoozeOption.ONE_HOUR: QT_TRANSLATE_NOOP("ActivityCheckDialog", "For 1 hour"),
    SnoozeOption.TOMORROW: QT_TRANSLATE_NOOP("ActivityCheckDialog", "Until tomorrow"),
    SnoozeOption.NEXT_MONDAY: QT_TRANSLATE_NOOP("ActivityCheckDialog", "Until next Monday"),
}
ERROR_STYLE = "color: #c62828;"
EN_DASH = "\u2013"  # between the times of a span


def format_clocks(start: float, end: float, now: datetime | None = None) -> tuple[str, str]:
    """Both ends of a span; with seconds when minutes alone would read "10:32 to 10:32"."""
    begin, until = format_clock(start, now), format_clock(end, now)
    if begin == until and start != end:
        begin, until = format_clock(start, now, seconds=True), format_clock(end, now, seconds=True)
    return begin, until


def format_away(start: float, end: float, now: datetime | None = None) -> str:
    """The sentence "You were away from 10:32 to 11:07 (35 min)", in local time; a day
    other than today is named ("from Mon 23:50 to Tue 00:20")."""
    begin, until = format_clocks(start, end, now)
    text = QCoreApplication.translate(
        "IdlePromptDialog", "You were away from {begin} to {until} ({duration})"
    )
    return text.format(begin=begin, until=until, duration=format_duration(end - start))


def format_booking(booking: AwayBooking, what: str, now: datetime | None = None) -> str:
    """What of the away time is booked to `what`, and the question about it (whole sentences,
    so a translation can order them freely)."""
    if booking.whole:
        text = QCoreApplication.translate(
            "IdlePromptDialog", "That time is booked to {work}. What should happen to it?"
        )
        return text.format(work=what)
    assert booking.ended_at is not None
    ended = format_clock(booking.ended_at, now)
    if booking.nothing:
        if booking.by_server:
            text = QCoreApplication.translate(
                "IdlePromptDialog",
                "The server stopped tracking {work} at {time}, before you went away: "
                "none of that time is booked.",
            )
        else:
            text = QCoreApplication.translate(
                "IdlePromptDialog",
                "Tracking {work} ended at {time}, before you went away: "
                "none of that time is booked.",
            )
        return text.format(work=what, time=ended)
    if booking.by_server:
        text = QCoreApplication.translate(
            "IdlePromptDialog",
            "The server stopped tracking {work} at {time}: {span} ({duration}) is booked to it. "
            "What should happen to that time?",
        )
    else:
        text = QCoreApplication.translate(
            "IdlePromptDialog",
            "Tracking {work} ended at {time}: {span} ({duration}) is booked to it. "
            "What should happen to that time?",
        )
    span = EN_DASH.join(format_clocks(booking.start, booking.end, now))
    return text.format(work=what, time=ended, span=span, duration=format_duration(booking.duration))


def _describe(item: WorkItem | None, remark: str | None) -> str:
    """The work inside a prompt's sentence; our own words when the track names nothing."""
    if item is None and not remark:
        return QCoreApplication.translate("Prompts", "the running track")
    return describe_work(item, remark)


class _PromptDialog(QDialog):
    """Common frame: stays on top, never modal, Esc/close only hides (no answer)."""

    dismissed = Signal()

    def __init__(self, bridge: TrackerBridge, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.setWindowTitle(title)
        self.setAccessibleName(title)  # its role is Dialog (QDialog's accessible interface)
        self.setWindowFlags(
            Qt.WindowType.Dialog
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowTitleHint
            | Qt.WindowType.WindowCloseButtonHint
        )
        self.setModal(False)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self._buttons: list[QPushButton] = []
        self._pending: asyncio.Task[bool] | None = None

    @property
    def answering(self) -> bool:
        return self._pending is not None and not self._pending.done()

    def present(self, question: str) -> None:
        """Come to the front and announce `question` to screen readers: the dialog's
        description is the question, and an Alert event (as QMessageBox sends) makes
        assistive technology read the window out even while the user works elsewhere."""
        self.setAccessibleDescription(question)
        self.show()
        self.raise_()
        self.activateWindow()
        QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))

    def reject(self) -> None:
        """Esc or the close button: hide without answering."""
        if self.isVisible():
            self.hide()
            self.dismissed.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()
        self.reject()

    def finish(self) -> None:
        """Answered (here or elsewhere): close for good."""
        self._set_busy(False)
        self.show_error(None)
        self.hide()
        self.done(QDialog.DialogCode.Accepted)

    def show_error(self, message: str | None) -> None:
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))

    def _set_busy(self, busy: bool) -> None:
        for button in self._buttons:
            button.setEnabled(not busy)

    def _answer_with(self, task: asyncio.Task[bool], failed_hint: str) -> None:
        """Wait for `task` (an answer through the bridge); close on success, else say why."""
        self._pending = task
        self._set_busy(True)
        self.show_error(None)
        task.add_done_callback(lambda done: self._answered(done, failed_hint))

    def _answered(self, task: asyncio.Task[bool], failed_hint: str) -> None:
        self._pending = None
        ok = not task.cancelled() and task.exception() is None and bool(task.result())
        if ok or self._obsolete():
            self.finish()
            return
        self._set_busy(False)
        self.show_error(self.bridge.last_error or failed_hint)

    def _obsolete(self) -> bool:
        return False


class ActivityCheckDialog(_PromptDialog):
    """The question "Are you still working on …?" with the countdown and the three answers."""

    answered = Signal(str)  # "continue", "stop" or "snooze": the answer the server took

    def __init__(self, bridge: TrackerBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, self.tr("Still working? — Pacetray"), parent)
        self.prompt: ActivityCheckPrompt | None = None
        self._deadline = 0.0
        self.question = QLabel()
        self.question.setWordWrap(True)
        font = QFont(self.question.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.question.setFont(font)
        self.question.setAccessibleName(self.tr("Question"))
        self.countdown = QLabel()
        self.countdown.setAccessibleName(self.tr("Time left to answer"))
        self.continue_button = QPushButton(self.tr("&Continue"))
        self.continue_button.setDefault(True)
        self.continue_button.setAutoDefault(True)
        self.continue_button.setToolTip(self.tr("Keep tracking (Enter)"))
        self.stop_button = QPushButton(self.tr("&Stop"))
        self.stop_button.setAutoDefault(False)
        self.stop_button.setToolTip(self.tr("Stop tracking now"))
        self.snooze_button = QPushButton(self.tr("S&nooze"))
        self.snooze_button.setAutoDefault(False)
        self.snooze_button.setToolTip(
            self.tr("Keep tracking and skip activity checks for a while (opens a menu)")
        )
        for button in (self.continue_button, self.stop_button, self.snooze_button):
            button.setAccessibleDescription(button.toolTip())
        self.snooze_menu = QMenu(self.snooze_button)
        self.snooze_menu.setAccessibleName(self.tr("Snooze activity checks"))
        self.snooze_actions = {}
        for option, label in SNOOZE_LABELS.items():
            action = self.snooze_menu.addAction(self.tr(label))
            action.triggered.connect(lambda _=False, o=option: self.snooze(o))
            self.snooze_actions[option] = action
        self.snooze_button.setMenu(self.snooze_menu)
        self.continue_button.clicked.connect(self._on_continue)
        self.stop_button.clicked.connect(self._on_stop)
        self._buttons = [self.continue_button, self.stop_button, self.snooze_button]

        buttons = QHBoxLayout()
        buttons.addWidget(self.continue_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.snooze_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.countdown)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    # --- showing --------------------------------------------------------------------------

    def show_prompt(self, prompt: ActivityCheckPrompt) -> None:
        """Ask (or ask again, with a fresh countdown) and come to the front."""
        self.prompt = prompt
        what = _describe(prompt.work_item, prompt.remark)
        self.question.setText(self.tr("Are you still working on {work}?").format(work=what))
        self._deadline = time.monotonic() + max(0, prompt.seconds_left)
        self._set_busy(False)
        self.show_error(None)
        self._tick()
        self._timer.start()
        self.adjustSize()
        self.present(self.question.text())
        self.continue_button.setFocus()

    def reopen(self) -> bool:
        """Show the dismissed question again while its check still runs."""
        if self.prompt is None or not check_running(self.bridge.state):
            return False
        self.present(self.question.text())
        return True

    def seconds_left(self) -> int:
        return max(0, round(self._deadline - time.monotonic()))

    @Slot()
    def _tick(self) -> None:
        left = self.seconds_left()
        if left > 0:
            text = self.tr("Tracking stops in {countdown} unless you answer.")
            self.countdown.setText(text.format(countdown=format_countdown(left)))
        else:
            self.countdown.setText(
                self.tr("Time is up: the server stops tracking unless it heard you.")
            )

    def finish(self) -> None:
        self._timer.stop()
        self.prompt = None
        super().finish()

    def _obsolete(self) -> bool:
        return not check_running(self.bridge.state)

    # --- answering ------------------------------------------------------------------------

    @Slot()
    def _on_continue(self) -> None:
        self.answer("continue")

    @Slot()
    def _on_stop(self) -> None:
        self.answer("stop")

    def snooze(self, option: SnoozeOption) -> None:
        self.answer(option)

    def answer(self, answer: CheckAnswer) -> None:
        if self.answering:
            return
        how = "snooze" if isinstance(answer, SnoozeOption) else str(answer)
        task = self.bridge.run(self.bridge.answer_check(answer))
        task.add_done_callback(
            lambda done: (
                self.answered.emit(how)
                if not done.cancelled() and done.exception() is None and done.result()
                else None
            )
        )
        self._answer_with(task, self.tr("The answer did not reach the server; try again."))

    # --- answered elsewhere ---------------------------------------------------------------

    @Slot(object)
    def on_answered(self, event: ActivityCheckAnswered) -> None:
        """Any answer (ours, automatic, another client's) ends the question."""
        if self.prompt is not None or self.isVisible():
            self.finish()

    @Slot(object)
    def on_server_stopped(self, event: object) -> None:
        if self.prompt is not None or self.isVisible():
            self.finish()


class IdlePromptDialog(_PromptDialog):
    """The sentence "You were away from … to … (… min)" with Keep / Discard / Discard and continue /
    Book to another work item…."""

    answered = Signal(str)  # the IdleChoice value the tracker carried out

    def __init__(self, bridge: TrackerBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, self.tr("Idle time — Pacetray"), parent)
        self.prompt: IdlePrompt | None = None
        self.booking: AwayBooking | None = None
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        font = QFont(self.headline.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setAccessibleName(self.tr("Time away"))
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName(self.tr("What is booked"))
        self.keep_button = QPushButton(self.tr("&Keep"))
        self.keep_button.setDefault(True)
        self.discard_button = QPushButton(self.tr("&Discard"))
        self.discard_button.setToolTip(self.tr("Remove the idle time and stop tracking"))
        self.discard_continue_button = QPushButton(self.tr("Discard and &continue"))
        self.discard_continue_button.setToolTip(self.tr("Remove the idle time and keep tracking"))
        self.book_button = QPushButton(self.tr("&Book to another work item…"))
        self.book_button.setToolTip(
            self.tr("Book the idle time to another work item, keep tracking")
        )
        for button in (self.discard_button, self.discard_continue_button, self.book_button):
            button.setAutoDefault(False)
            button.setAccessibleDescription(button.toolTip())
        self.keep_button.clicked.connect(lambda: self.choose(IdleChoice.KEEP))
        self.discard_button.clicked.connect(lambda: self.choose(IdleChoice.DISCARD))
        self.discard_continue_button.clicked.connect(
            lambda: self.choose(IdleChoice.DISCARD_AND_CONTINUE)
        )
        self.book_button.clicked.connect(self._show_book_row)

        # "Book to another work item…": a work item id, checked against the server's search.
        self.book_row = QWidget()
        self.other_item = QLineEdit()
        self.other_item.setPlaceholderText(self.tr("Work item id, e.g. #1234"))
        self.other_item.setAccessibleName(self.tr("Work item to book the idle time to"))
        self.other_item.setAccessibleDescription(self.other_item.placeholderText())
        self.book_confirm = QPushButton(self.tr("Book"))
        self.book_confirm.setAutoDefault(False)
        self.book_confirm.setAccessibleDescription(self.tr("Book the idle time to this work item"))
        self.book_confirm.clicked.connect(self._on_book)
        self.other_item.returnPressed.connect(self._on_book)
        row = QHBoxLayout(self.book_row)
        row.setContentsMargins(0, 0, 0, 0)
        book_label = QLabel(self.tr("Book to:"))
        book_label.setBuddy(self.other_item)
        row.addWidget(book_label)
        row.addWidget(self.other_item, 1)
        row.addWidget(self.book_confirm)
        self.book_row.hide()
        self._buttons = [
            self.keep_button,
            self.discard_button,
            self.discard_continue_button,
            self.book_button,
            self.book_confirm,
        ]

        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.discard_continue_button)
        buttons.addWidget(self.book_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        layout.addWidget(self.book_row)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.book_button, self.other_item)
        QWidget.setTabOrder(self.other_item, self.book_confirm)
        bridge.stateChanged.connect(self._on_state)

    def show_prompt(self, prompt: IdlePrompt) -> None:
        """Show the (possibly merged, newer) idle period and come to the front."""
        self.prompt = prompt
        period = prompt.period
        self.headline.setText(format_away(period.start, period.end) + ".")
        self._describe_booking()
        if not self.answering:
            self._set_busy(False)
        self.adjustSize()
        self.present(self._question())

    def _question(self) -> str:
        return f"{self.headline.text()} {self.detail.text()}"

    def _describe_booking(self) -> None:
        """Say what of the away time is booked, as the newest state tells (the track may have
        been stopped by the server or elsewhere while the user was away)."""
        if self.prompt is None:
            return
        self.booking = away_booking(self.prompt.period, self.bridge.state)
        what = _describe(self.prompt.work_item, self.prompt.remark)
        self.detail.setText(format_booking(self.booking, what))
        # Nothing booked: Keep and Discard would both change nothing, and the others would
        # start the track again (the tray offers that) — only an acknowledgement is left.
        nothing = self.booking.nothing
        self.keep_button.setText(self.tr("&OK") if nothing else self.tr("&Keep"))
        self.keep_button.setToolTip(
            self.tr("Nothing was booked while you were away")
            if nothing
            else self.tr("Keep the idle time on the track")
        )
        self.keep_button.setAccessibleDescription(self.keep_button.toolTip())
        self.setAccessibleDescription(self._question())
        for button in (self.discard_button, self.discard_continue_button, self.book_button):
            button.setVisible(not nothing)
        if nothing:
            self.book_row.hide()

    @Slot(object)
    def _on_state(self, state: object) -> None:
        # A stop seen after the prompt opened (a poll that came late) narrows what is booked;
        # a track started since (e.g. the tray's Restart) changes nothing of the away time.
        if self.prompt is not None and isinstance(state, TrackingState) and not is_running(state):
            self._describe_booking()

    def reopen(self) -> bool:
        if self.prompt is None:
            return False
        self.present(self._question())
        return True

    def finish(self) -> None:
        self.prompt = None
        self.booking = None
        self.book_row.hide()
        self.other_item.clear()
        super().finish()

    def choose(self, choice: IdleChoice, other: TrackTarget | None = None) -> None:
        """`other`: what BOOK_TO_OTHER books the idle time to."""
        if self.answering or self.prompt is None:
            return
        task = self.bridge.run(self.bridge.answer_idle(choice, other))
        task.add_done_callback(
            lambda done: (
                self.answered.emit(choice.value)
                if not done.cancelled() and done.exception() is None and done.result()
                else None
            )
        )
        self._answer_with(task, self.tr("The idle time could not be booked; try again."))

    def _obsolete(self) -> bool:
        # The tracker took the answer (done, or journaled for when the server is back; its
        # errors reach the tray through the bridge): nothing is left to retry here.
        return self.bridge.tracker.idle_prompt is None

    @Slot()
    def _show_book_row(self) -> None:
        self.book_row.show()
        self.other_item.setFocus()
        self.adjustSize()

    @Slot()
    def _on_book(self) -> None:
        text = self.other_item.text()
        work_item_id = parse_work_item_id(text)
        if work_item_id is None:
            self.show_error(
                self.tr(
                    "Type the number of the work item to book the idle time to, e.g. 1234 or #1234."
                )
            )
            return
        if self.answering:
            return
        self.show_error(None)
        self._set_busy(True)
        self.bridge.run(self._book(work_item_id))

    async def _book(self, work_item_id: int) -> None:
        """Check the work item exists (the server's search by id), then book to it."""
        self.bridge.clear_error()
        found = await self.bridge.search(f"#{work_item_id}")
        if found is None:
            self._set_busy(False)
            self.show_error(
                self.bridge.last_error or self.tr("The work item could not be looked up.")
            )
            return
        if not any(hit.work_item.id == work_item_id for hit in found.work_items):
            self._set_busy(False)
            text = self.tr("There is no work item #{id}; check the number.")
            self.show_error(text.format(id=work_item_id))
            return
        self._set_busy(False)
        self.choose(IdleChoice.BOOK_TO_OTHER, TrackTarget(work_item_id))


class Prompts(QObject):
    """Both prompts, wired to a bridge. The controller creates one and keeps it."""

    def __init__(self, bridge: TrackerBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.check = ActivityCheckDialog(bridge)
        self.idle = IdlePromptDialog(bridge)
        bridge.activityCheckPrompt.connect(self._on_check_prompt)
        bridge.activityCheckAnswered.connect(self.check.on_answered)
        bridge.serverStopped.connect(self.check.on_server_stopped)
        bridge.idlePrompt.connect(self._on_idle_prompt)

    @Slot(object)
    def _on_check_prompt(self, prompt: ActivityCheckPrompt) -> None:
        self.check.show_prompt(prompt)

    @Slot(object)
    def _on_idle_prompt(self, prompt: IdlePrompt) -> None:
        self.idle.show_prompt(prompt)

    def reopen(self) -> bool:
        """Bring a dismissed question back (e.g. from the tray); False when none waits."""
        return self.check.reopen() or self.idle.reopen()

    def close(self) -> None:
        for dialog in (self.check, self.idle):
            dialog.hide()
            dialog.deleteLater()
