"""`TrackerBridge`: the Qt face of one `Tracker` (and its `TrackingClient`).

Tracker events (plain dataclasses, emitted on the loop thread) are re-emitted as Qt signals;
user commands run as tasks on the qasync loop through ONE error boundary that turns
`ApiError`/`JournalError`/unexpected exceptions into `error(str)` — one line for the user, the
traceback only in the log. Widgets connect to the signals and call the async methods (or
`run(...)` them from a slot); none of them talks to the client directly.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from app.api.client import TrackingClient
from app.api.errors import ApiError, ConnectionFailed, RequestTimeout
from app.api.models import (
    ActivityType,
    LatestResult,
    LatestWorkLog,
    RestWorkLog,
    SearchResult,
    SnoozeOption,
    TrackingState,
)
from app.texts import QT_TRANSLATE_NOOP
from app.tracking.events import (
    ActivityCheckAnswered,
    ActivityCheckPrompt,
    ApiWarning,
    CommandFailed,
    ConnectivityChanged,
    IdlePrompt,
    JournalConflict,
    RateLimited,
    ServerStopped,
    StateChanged,
    StoppedElsewhere,
    TrackerEvent,
)
from app.tracking.idle import IdleChoice
from app.tracking.journal import JournalError
from app.tracking.state import check_running
from app.tracking.target import TrackTarget
from app.tracking.tracker import CheckAnswer, Tracker
from app.tracking.user_commands import Command
from app.ui.i18n import message_text, translate

if TYPE_CHECKING:  # the hub client is imported only when live updates run
    from app.tracking.live import LiveStatus, LiveUpdates

log = logging.getLogger(__name__)

T = TypeVar("T")


def parse_work_item_id(text: str) -> int | None:
    """`#1234` or `1234` (spaces around allowed) -> 1234; anything else -> None."""
    value = text.strip().removeprefix("#").strip()
    if value.isdigit() and len(value) < 10:
        return int(value)
    return None


class TrackerBridge(QObject):
    stateChanged = Signal(object)  # TrackingState
    activityCheckPrompt = Signal(object)  # ActivityCheckPrompt
    activityCheckAnswered = Signal(object)  # ActivityCheckAnswered
    idlePrompt = Signal(object)  # IdlePrompt
    serverStopped = Signal(object)  # ServerStopped
    stoppedElsewhere = Signal(object)  # StoppedElsewhere
    connectivityChanged = Signal(bool, int)  # online, pending journal entries
    journalConflict = Signal(object)  # JournalConflict
    rateLimited = Signal(object)  # RateLimited
    warning = Signal(str)
    error = Signal(str)
    busyChanged = Signal(bool)
    snoozePendingChanged = Signal(object)  # SnoozeOption | None: a snooze waiting for a check
    liveChanged = Signal(object)  # LiveStatus, None when turned off: live updates (the hub)

    def __init__(
        self, tracker: Tracker, client: TrackingClient, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.tracker = tracker
        self.client = client
        self.online = True
        self.pending = 0
        self.last_error: str | None = None
        self.last_error_unreachable = False  # the last error was "cannot reach the server"
        self.snooze_pending: SnoozeOption | None = None
        self._snoozing = False
        self._busy = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._run_task: asyncio.Task[None] | None = None
        self._activity_types: list[ActivityType] | None = None
        self._default_activity: str | None = None
        self._thread = threading.get_ident()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe = tracker.subscribe(self._on_event)
        self.live: LiveUpdates | None = None
        self._unsubscribe_live: Any = None

    # --- state --------------------------------------------------------------------------------

    @property
    def state(self) -> TrackingState | None:
        return self.tracker.state

    @property
    def busy(self) -> bool:
        return self._busy > 0

    @property
    def live_status(self) -> LiveStatus | None:
        """None: live updates are off (settings); polling only."""
        return self.live.status if self.live is not None else None

    # --- lifecycle ----------------------------------------------------------------------------

    def start_polling(self) -> None:
        """Runs `tracker.run()` as a task on the current loop (the qasync loop)."""
        if self._run_task is None or self._run_task.done():
            self._loop = asyncio.get_running_loop()
            self._run_task = asyncio.ensure_future(self.tracker.run())
            self._run_task.add_done_callback(self._run_done)

    def start_live(self, live: LiveUpdates) -> None:
        """Runs live updates (the hub) beside the tracker; `liveChanged` follows them."""
        self.live = live
        self._unsubscribe_live = live.subscribe(self._on_live)
        live.start()

    async def stop_live(self) -> None:
        """Live updates off: the hub closed, the tracker polls again."""
        live, self.live = self.live, None
        if live is None:
            return
        self._unsubscribe_live()
        await live.aclose()
        self.liveChanged.emit(None)

    def _on_live(self, status: LiveStatus) -> None:
        if threading.get_ident() != self._thread and self._loop is not None:
            self._loop.call_soon_threadsafe(self.liveChanged.emit, status)
            return
        self.liveChanged.emit(status)

    def _run_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("the tracker stopped", exc_info=task.exception())
            self.error.emit(
                self.tr("Tracking stopped after an unexpected error; see the log file.")
            )

    async def close(self) -> None:
        """Cancels the poll loop and every task started through `run`, and waits for them."""
        self._unsubscribe()
        live_task = self.live.task if self.live is not None else None  # no pushes from now on
        tasks = [
            t for t in (self._run_task, live_task, *self._tasks) if t is not None and not t.done()
        ]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        if self.live is not None:  # after the ui's tasks: they may touch closed widgets
            self._unsubscribe_live()
            await self.live.aclose()  # the hub's connection closed

    def run(self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Schedules `coro` as a task on the loop and keeps a reference until it is done."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # `_guard` catches everything; this is the last net for a bug in a caller's coro
            log.error("ui task failed", exc_info=task.exception())

    # --- events -------------------------------------------------------------------------------

    def _on_event(self, event: TrackerEvent) -> None:
        if threading.get_ident() != self._thread and self._loop is not None:
            # never emit from a foreign thread: hop onto the loop (the GUI thread)
            self._loop.call_soon_threadsafe(self._dispatch, event)
            return
        self._dispatch(event)

    @Slot(object)
    def _dispatch(self, event: TrackerEvent) -> None:
        if isinstance(event, StateChanged):
            self._state_changed(event.state)
        elif isinstance(event, ActivityCheckPrompt):
            self.activityCheckPrompt.emit(event)
        elif isinstance(event, ActivityCheckAnswered):
            self.activityCheckAnswered.emit(event)
        elif isinstance(event, IdlePrompt):
            self.idlePrompt.emit(event)
        elif isinstance(event, ServerStopped):
            self.serverStopped.emit(event)
        elif isinstance(event, StoppedElsewhere):
            self.stoppedElsewhere.emit(event)
        elif isinstance(event, ConnectivityChanged):
            changed = (event.online, event.pending) != (self.online, self.pending)
            self.online, self.pending = event.online, event.pending
            if changed:
                self.connectivityChanged.emit(event.online, event.pending)
        elif isinstance(event, JournalConflict):
            self.journalConflict.emit(event)
        elif isinstance(event, RateLimited):
            self.rateLimited.emit(event)
        elif isinstance(event, ApiWarning):
            self.warning.emit(message_text(event))
        elif isinstance(event, CommandFailed):
            self._error(message_text(event))

    def _state_changed(self, state: TrackingState) -> None:
        if state.settings is not None and state.settings.activity_type is not None:
            self._remember_activity_types(state)
        self.stateChanged.emit(state)
        if self.snooze_pending is not None and check_running(state) and not self._snoozing:
            self._snoozing = True
            self.run(self._apply_pending_snooze(self.snooze_pending))

    def _error(self, message: str, *, unreachable: bool = False) -> None:
        self.last_error = message
        self.last_error_unreachable = unreachable
        self.error.emit(message)

    def clear_error(self) -> None:
        self.last_error = None

    # --- the error boundary -------------------------------------------------------------------

    async def _guard(self, what: str, call: Awaitable[T], failed: T) -> T:
        self._busy += 1
        if self._busy == 1:
            self.busyChanged.emit(True)
        try:
            return await call
        except asyncio.CancelledError:
            raise
        except ApiError as exc:
            log.info("%s failed: %s", what, exc.message)
            unreachable = isinstance(exc, ConnectionFailed | RequestTimeout)
            self._error(message_text(exc), unreachable=unreachable)
        except JournalError as exc:
            log.error("%s failed: %s", what, exc.message)
            self._error(exc.message)
        except Exception:
            log.exception("%s failed unexpectedly", what)
            # `what` is marked in the "TrackerBridge" context where it is written
            doing = translate(what, "TrackerBridge")
            self._error(
                self.tr("Could not {what}: an unexpected error (details in the log file).").format(
                    what=doing
                )
            )
        finally:
            self._busy -= 1
            if self._busy == 0:
                self.busyChanged.emit(False)
        return failed

    async def guard(self, what: str, call: Awaitable[T], failed: T) -> T:
        """A dialog's own call inside the error boundary: a failure becomes `error` (and the
        log), never a traceback; `failed` is returned then. `what` completes "Could not …"."""
        return await self._guard(what, call, failed)

    # --- commands -----------------------------------------------------------------------------

    async def start(self, target: TrackTarget) -> bool:
        return await self._guard(
            QT_TRANSLATE_NOOP("TrackerBridge", "start tracking"), self.tracker.start(target), False
        )

    async def stop(self) -> bool:
        return await self._guard(
            QT_TRANSLATE_NOOP("TrackerBridge", "stop tracking"), self.tracker.stop(), False
        )

    async def select(self, target: TrackTarget) -> bool:
        return await self._guard(
            QT_TRANSLATE_NOOP("TrackerBridge", "select the work item"),
            self.tracker.select(target),
            False,
        )

    async def adjust(self, remark: str | None = None, activity_type_id: str | None = None) -> bool:
        call = self.tracker.adjust(remark, activity_type_id)
        return await self._guard(
            QT_TRANSLATE_NOOP("TrackerBridge", "change the running track"), call, False
        )

    async def switch(self, target: TrackTarget) -> bool:
        return await self._guard(
            QT_TRANSLATE_NOOP("TrackerBridge", "switch the work item"),
            self.tracker.switch(target),
            False,
        )

    async def restart(self, work_log: LatestWorkLog | RestWorkLog) -> bool:
        return await self._guard(
            QT_TRANSLATE_NOOP("TrackerBridge", "restart tracking"),
            self.tracker.restart(work_log),
            False,
        )

    async def execute(self, command: Command) -> bool:
        """Carries out a command offered by an event now (e.g. `ServerStopped.restart`)."""
        return await self._guard(
            QT_TRANSLATE_NOOP("TrackerBridge", "restart tracking"),
            self.tracker.execute(command),
            False,
        )

    async def answer_check(self, answer: CheckAnswer) -> bool:
        """Continue / stop / a `SnoozeOption` for the running activity check."""
        call = self.tracker.answer_check(answer)
        return await self._guard(
            QT_TRANSLATE_NOOP("TrackerBridge", "answer the activity check"), call, False
        )

    async def snooze(self, option: SnoozeOption) -> bool:
        """Snooze activity checks: answers a running check with `idleCheck/{option}` now; with
        no check running the server has nothing to snooze, so the snooze waits for the next
        check (`snoozePendingChanged`). True when the server took it now."""
        if check_running(self.state):
            done = await self.answer_check(option)
            if done:
                self._set_snooze_pending(None)
                return True
        self._set_snooze_pending(option)
        return False

    def cancel_snooze(self) -> None:
        self._set_snooze_pending(None)

    def _set_snooze_pending(self, option: SnoozeOption | None) -> None:
        if option != self.snooze_pending:
            self.snooze_pending = option
            self.snoozePendingChanged.emit(option)

    async def _apply_pending_snooze(self, option: SnoozeOption) -> None:
        try:
            if self.snooze_pending is option and await self.answer_check(option):
                self._set_snooze_pending(None)
        finally:
            self._snoozing = False

    async def answer_idle(self, choice: IdleChoice, other: TrackTarget | None = None) -> bool:
        """`other`: what BOOK_TO_OTHER books the idle time to."""
        call = self.tracker.answer_idle(choice, other)
        return await self._guard(
            QT_TRANSLATE_NOOP("TrackerBridge", "book the idle time"), call, False
        )

    async def refresh(self) -> TrackingState | None:
        return await self._guard(
            QT_TRANSLATE_NOOP("TrackerBridge", "read the tracking state"),
            self.tracker.refresh(),
            None,
        )

    # --- reads --------------------------------------------------------------------------------

    async def search(self, text: str) -> SearchResult | None:
        """`#1234` or digits search by id, other text by query; blank text gives None."""
        if not text.strip():
            return None
        work_item_id = parse_work_item_id(text)
        if work_item_id is not None:
            call: Awaitable[SearchResult] = self.client.search(work_item_id)
        else:
            call = self.client.search_by_query(text.strip())
        return await self._guard(
            QT_TRANSLATE_NOOP("TrackerBridge", "search work items"), call, None
        )

    async def latest(self, n: int = 10) -> LatestResult | None:
        return await self._guard(
            QT_TRANSLATE_NOOP("TrackerBridge", "read recent work items"),
            self.client.latest(n),
            None,
        )

    async def activity_types(self) -> list[ActivityType]:
        """The activity types (cached from `current(expand=True).settings`)."""
        if self._activity_types is None:
            state = await self._guard(
                QT_TRANSLATE_NOOP("TrackerBridge", "read activity types"),
                self.client.current(True),
                None,
            )
            if state is None:
                return []
            self._remember_activity_types(state)
        return list(self._activity_types or [])

    def default_activity_type_id(self) -> str | None:
        """The default activity type's id, once `activity_types()` has been read."""
        return self._default_activity

    def _remember_activity_types(self, state: TrackingState) -> None:
        settings = state.settings.activity_type if state.settings is not None else None
        if settings is None:
            return
        types = list(settings.activity_types)
        self._activity_types = types
        default = settings.default_activity
        if default is None:
            default = next((t.id for t in types if t.is_default), None)
        self._default_activity = default
