"""`Tracker`: the newest server state, refreshed sparingly; user commands; activity checks
answered from real activity; idle time turned into the user's decision; offline journaling.

Pure asyncio, no Qt. Every clock is injected (`now`, `monotonic`, `sleep`) so tests and the
benchmark run it on the local server's accelerated clock.

- State: kept by `StateHolder` (older timestamps dropped). Refreshed by polling on the pace
  `schedule.next_poll_at` sets, at once from every command's answer, on network regain and on
  wake; while a push source is connected (`set_push_connected(True)`) pushes replace polling
  (`app.tracking.live` is that source: the SignalR hub), and activity checks are answered
  through the `CheckAnswerer` it lends (`answer_checks_with`).
- All server calls are serialised; a 429 pauses every call until its Retry-After. (Give the
  Tracker a client whose RetryPolicy does not retry 429 itself, so the pause is visible and
  covers commands too; a client that waits out short Retry-Afters still pauses everything,
  since calls are serialised, but silently.)
- Activity checks: a running check is answered at once (no prompt) when the activity source
  saw input within `activity_window` and the detector does not say idle; otherwise the UI is
  asked (`ActivityCheckPrompt`). No source, or a source that cannot tell: always ask.
- Commands that cannot reach the server (not sent, offline, rate limited, or anything queued
  before them) go to the journal and are replayed, in order, when a poll succeeds again. A
  write whose answer was lost (timeout, dropped connection, 5xx) is verified against a fresh
  `current` before anything is sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from app.activity.base import ActivitySource
from app.activity.detector import BecameActive, BecameIdle, Event, IdleDetector, IdlePeriod, Slept
from app.activity.logind import SessionEvent
from app.api.client import TrackingClient, warning_of
from app.api.errors import (
    ApiError,
    ConnectionFailed,
    DeadlineExceeded,
    RateLimitedError,
    RequestTimeout,
    ServerError,
)
from app.api.models import (
    LatestWorkLog,
    RestWorkLog,
    SnoozeOption,
    StopReason,
    Track,
    TrackingState,
)
from app.api.session import deadline as request_deadline
from app.tracking import commands as cmd
from app.tracking.commands import Command, CommandError, CommandKind
from app.tracking.events import (
    ActivityCheckAnswered,
    ActivityCheckPrompt,
    AnsweredHow,
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
from app.tracking.idle import (
    IdleChoice,
    IdlePolicy,
    idle_track_end,
    plan_idle,
    plan_stop_when_idle,
)
from app.tracking.journal import Journal
from app.tracking.options import TrackingSettings
from app.tracking.schedule import (
    ANSWER_RETRY,
    CHECK_RUNNING,
    Bounds,
    Learned,
    PollInputs,
    next_delay,
    snooze_until,
)
from app.tracking.state import StateHolder, Transition, check_running, is_running, work_log_of

log = logging.getLogger(__name__)

Source = Literal["poll", "command", "push", "replay"]
CheckAnswer = Literal["continue", "stop"] | SnoozeOption
DEFAULT_RATE_PAUSE = 60.0  # a 429 without a usable Retry-After pauses this long
# An activity-check answer gets at most this long (and no longer than the check's seconds
# left, but never under the floor), whatever the client's deadline for other requests.
ANSWER_BUDGET = 10.0
MIN_ANSWER_BUDGET = 2.0
# With pushes: one safety read this long after a running check must have ended, in case the
# push that ends it was lost (normally the push comes first and no read happens).
PUSH_CHECK_GRACE = 5.0
PRESENCE_RECHECK = 5.0  # seconds between activity-source reads while a prompt is open


class CheckAnswerer(Protocol):
    """Another way to answer activity checks (the hub); it falls back to REST by itself."""

    async def activity_check(self) -> TrackingState: ...

    async def idle_check(self, option: SnoozeOption) -> TrackingState: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class Tracker:
    def __init__(
        self,
        client: TrackingClient,
        *,
        activity: ActivitySource | None,
        detector: IdleDetector | None,
        journal: Journal,
        settings: TrackingSettings | None = None,
        now: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._activity = activity
        self._detector = detector
        self._journal = journal
        self.settings = settings or TrackingSettings()
        self._now = now
        self._monotonic = monotonic
        self._sleep = sleep
        self._holder = StateHolder()
        self._subscribers: list[Callable[[TrackerEvent], None]] = []
        self._io = asyncio.Lock()  # one server call at a time: ordering and the 429 pause
        self._kick = asyncio.Event()
        self._poll_now = True
        self._tasks: set[asyncio.Task[Any]] = set()
        # polling
        self.learned = Learned()
        self._last_seen: datetime | None = None  # last time a state was read or answered
        self._online = True
        self._poll_failures = 0
        self._rate_until: datetime | None = None
        self._push_connected = False
        self._answerer: CheckAnswerer | None = None
        # commands sent and not yet answered: a push of their effect is ours, not another's
        self._in_flight: list[Command] = []
        self._answering = False
        # activity checks
        self._check_key: str | None = None  # the running check already handled
        self._prompt_open = False
        self._answer_due: CheckAnswer | Literal["auto"] | None = None  # to retry while it runs
        # idle time
        self._idle_since: float | None = None
        self._idle_track: Track | None = None
        self._idle_prompt: IdlePrompt | None = None
        self._idle_track_for_prompt: Track | None = None
        # journaled commands whose first sending may have reached the server (answer lost)
        self._maybe_sent: dict[str, TrackingState | None] = {}
        self._maybe_sent_commands: dict[str, Command] = {}
        # counters for the benchmark and the UI
        self.checks_seen = 0
        self.checks_answered = 0

    # --- observing ---------------------------------------------------------------------------

    @property
    def state(self) -> TrackingState | None:
        return self._holder.state

    @property
    def online(self) -> bool:
        return self._online

    @property
    def rate_limited_until(self) -> datetime | None:
        return self._rate_until

    @property
    def idle_prompt(self) -> IdlePrompt | None:
        return self._idle_prompt

    @property
    def check_prompt_open(self) -> bool:
        return self._prompt_open

    def subscribe(self, callback: Callable[[TrackerEvent], None]) -> Callable[[], None]:
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def _emit(self, event: TrackerEvent) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:  # a subscriber's bug must not stop tracking
                log.exception("tracker subscriber failed on %s", type(event).__name__)

    # --- the loop ----------------------------------------------------------------------------

    async def run(self) -> None:
        """Polls on the adaptive schedule until cancelled."""
        try:
            while True:
                delay = self.next_delay()
                if delay <= 0.0:
                    self._poll_now = False
                    try:
                        await self.refresh()
                    except Exception:  # e.g. the journal's disk: keep tracking, back off
                        log.exception("refreshing the tracking state failed")
                        self._last_seen = self._now()
                        self._poll_failures += 1
                    continue
                recheck = self._presence_recheck_delay()
                if recheck < delay:
                    await self._wait(recheck)
                    if self._prompt_open and check_running(self.state):
                        await self._after_poll()  # no read: the user may be back at work
                    continue
                await self._wait(delay)
        finally:
            for task in list(self._tasks):
                task.cancel()

    def next_delay(self) -> float:
        """Seconds until the next poll (while a push source is connected: `_push_delay`)."""
        if self._poll_now and not self._rate_limited():
            return 0.0
        if self._push_connected and self._online and self._journal.count() == 0:
            return self._push_delay()
        state = self.state
        return next_delay(
            PollInputs(
                now=self._now(),
                last_poll=self._last_seen,
                tracking=is_running(state),
                check_running=check_running(state),
                seconds_left=self._seconds_left(state),
                answer_pending=self._answer_due is not None,
                learned=self.learned,
                online=self._online and self._poll_failures == 0,
                offline_failures=self._poll_failures,
                rate_limited_until=self._rate_until if self._rate_limited() else None,
            )
        )

    def _push_delay(self) -> float:
        """While pushes arrive, the server tells us every change: no polling. Except: an
        answer to a running check that failed is retried soon; a running check gets one read
        once it must have ended (its end's push may be lost); a 429 pause ends with a read."""
        now = self._now()
        if self._poll_now:  # only while rate limited (see next_delay)
            assert self._rate_until is not None
            return max(0.0, (self._rate_until - now).total_seconds())
        state = self.state
        if not check_running(state) or self._last_seen is None:
            return float("inf")
        if self._answer_due is not None:
            wait = ANSWER_RETRY
        else:
            left = self._seconds_left(state)
            wait = (float(left) if left is not None else CHECK_RUNNING) + PUSH_CHECK_GRACE
        due = self._last_seen + timedelta(seconds=wait)
        if self._rate_until is not None and due < self._rate_until:
            due = self._rate_until
        return max(0.0, (due - now).total_seconds())

    def _presence_recheck_delay(self) -> float:
        """Polls re-ask the activity source while a check's prompt is open (a user back at
        work answers it); with pushes and no polls, the loop re-asks it this often instead."""
        if self._push_connected and self._prompt_open and check_running(self.state):
            return PRESENCE_RECHECK
        return float("inf")

    async def _wait(self, delay: float) -> None:
        kick = asyncio.ensure_future(self._kick.wait())
        waits: set[asyncio.Future[Any]] = {kick}
        if delay != float("inf"):
            waits.add(asyncio.ensure_future(self._sleep(delay)))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waits:
                waiter.cancel()
            self._kick.clear()

    def _wake_loop(self, poll: bool = False) -> None:
        if poll:
            self._poll_now = True
        self._kick.set()

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("tracker task failed", exc_info=task.exception())

    # --- reading the server ------------------------------------------------------------------

    async def refresh(self) -> TrackingState | None:
        """GET current now (unless a 429 pause runs); replays the journal once reachable."""
        if self._rate_limited():
            return None
        self._poll_now = False
        try:
            async with self._io:
                state = await self._client.current()
        except ApiError as exc:
            self._poll_failed(exc)
            return None
        self._poll_failures = 0
        self._set_online(True)
        await self._accept(state, "poll")
        if self._journal.count() > 0:
            await self._replay()
        await self._after_poll()
        return self.state

    def _poll_failed(self, exc: ApiError) -> None:
        self._last_seen = self._now()  # failed polls pace the backoff too
        if isinstance(exc, RateLimitedError):
            self._pause(exc)
            return
        self._poll_failures += 1
        if isinstance(exc, ConnectionFailed | RequestTimeout):
            self._set_online(False)
            return
        log.warning("polling the server failed: %s", exc.message)
        if self._poll_failures == 1 and not isinstance(exc, ServerError):
            self._emit(ApiWarning(exc.message))  # e.g. a revoked token: the user must act

    def _rate_limited(self) -> bool:
        return self._rate_until is not None and self._now() < self._rate_until

    def _pause(self, exc: RateLimitedError) -> None:
        seconds = exc.retry_after if exc.retry_after is not None else DEFAULT_RATE_PAUSE
        self._rate_until = self._now() + timedelta(seconds=seconds)
        self._poll_now = True  # poll as soon as the pause ends
        self._emit(RateLimited(self._rate_until))
        self._wake_loop()

    def _set_online(self, online: bool) -> None:
        if online == self._online:
            return
        self._online = online
        self._emit(ConnectivityChanged(online, self._journal.count()))

    async def _replay(self) -> None:
        if self._rate_limited():
            return
        conflicts: list[tuple[Command, str]] = []
        async with self._io:
            report = await self._journal.replay(
                self._client,
                on_conflict=lambda command, reason: conflicts.append((command, reason)),
                now=self._now,
            )
        error = report.error
        if isinstance(error, RateLimitedError):
            self._pause(error)
        elif isinstance(error, ConnectionFailed | RequestTimeout):
            self._set_online(False)
        elif error is not None:
            log.info("journal replay stopped: %s", error.message)
        state = await self._reread("replay")
        for command, reason in conflicts:
            self._maybe_sent_commands.pop(command.id, None)
            before = self._maybe_sent.pop(command.id, None)
            if before is not None and state is not None and _took_effect(command, before, state):
                # Not a conflict: our own request whose answer was lost did arrive.
                log.info("journaled %s had reached the server after all", command.kind)
                continue
            self._emit(JournalConflict(command, reason))
        if self._journal.count() == 0:
            self._maybe_sent.clear()
            self._maybe_sent_commands.clear()
        self._emit(ConnectivityChanged(self._online, self._journal.count()))

    # --- accepting states --------------------------------------------------------------------

    def push(self, state: TrackingState) -> None:
        """A state pushed by the hub: same handling as a polled one, ordered by timestamp."""
        self._spawn(self._accept_and_act(state, "push"))

    def set_push_connected(self, connected: bool) -> None:
        """While a push source is connected, pushes replace polling."""
        self._push_connected = connected
        self._wake_loop(poll=not connected)  # losing the pushes: read the state now

    @property
    def push_connected(self) -> bool:
        return self._push_connected

    def refresh_soon(self) -> None:
        """Read `current` at the next turn of the loop (requests before then merge into one
        read): a push source saw a change it cannot describe, or (re)connected."""
        self._wake_loop(poll=True)

    def answer_checks_with(self, answerer: CheckAnswerer | None) -> None:
        """Activity checks are answered through `answerer` (None: REST)."""
        self._answerer = answerer

    async def _accept_and_act(self, state: TrackingState, source: Source) -> None:
        await self._accept(state, source)
        await self._after_poll()

    async def _accept(
        self, state: TrackingState, source: Source, sent: datetime | None = None
    ) -> Transition | None:
        seen_at = self._now()
        previous_seen = self._last_seen
        transition = self._holder.offer(state)
        self._last_seen = seen_at
        if transition is None:
            return None
        self._learn(transition, source, Bounds(sent or previous_seen or seen_at, seen_at))
        if source != "poll":
            self._wake_loop()  # the pace may have changed: the loop plans again
        self._emit(StateChanged(state))
        warning = warning_of(state)
        if warning and source == "command":
            self._emit(ApiWarning(warning))
        if not transition.changed:
            return transition
        after = transition.after
        if transition.check_gone and self._prompt_open and not self._answering:
            self._prompt_open = False
            self._answer_due = None
            self._emit(ActivityCheckAnswered("elsewhere"))
        if transition.server_stopped:
            self._answer_due = None
            track = after.track
            restart = cmd.start(
                self._now(),
                track.tfs_id,
                track.remark,
                track.activity_type_id,
                track.is_billable,
                expect_work_log_id=None,
            )
            self._emit(ServerStopped(track.stopped_track_type, after, restart))
        elif (
            transition.stopped_elsewhere_candidate
            and source in ("poll", "push")
            and not self._own_stop_outstanding()
        ):
            self._emit(StoppedElsewhere(after))
        return transition

    def _own_stop_outstanding(self) -> bool:
        """A stop of ours on its way (its push may come before its answer), whose answer was
        lost (it may arrive late) or that waits to be sent."""
        if any(c.kind is CommandKind.STOP for c in self._in_flight):
            return True
        if any(c.kind is CommandKind.STOP for c in self._maybe_sent_commands.values()):
            return True
        return any(c.kind is CommandKind.STOP for c in self._journal.pending())

    def _learn(self, t: Transition, source: Source, window: Bounds) -> None:
        after = t.after
        if t.started:
            self.learned = self.learned.track_started(
                window.narrowed(after.track.current_track_started_date_time)
            )
        elif t.stopped or not is_running(after):
            self.learned = self.learned.track_ended()
        if t.check_appeared:
            self.checks_seen += 1
            self.learned = self.learned.check_seen(
                window.narrowed(after.track.track_status_change_date)
            )
        elif t.check_gone and is_running(after) and source != "command":
            # answered by another client: the interval restarted somewhere in `window`
            self.learned = self.learned.check_answered(
                window.narrowed(after.track.track_status_change_date)
            )

    @staticmethod
    def _seconds_left(state: TrackingState | None) -> int | None:
        if state is None or state.track.activity_check is None:
            return None
        return state.track.activity_check.seconds_left

    # --- activity checks ---------------------------------------------------------------------

    async def _after_poll(self) -> None:
        state = self.state
        if not check_running(state):
            self._check_key = None
            self._answer_due = None
            return
        assert state is not None
        key = f"{work_log_of(state)}@{state.track.track_status_change_date}"
        answer = self._answer_due
        if isinstance(answer, str) and answer == "auto":
            answer = None
        if answer is not None:
            await self._answer(answer, "continue" if answer == "continue" else "snooze")
            return
        if await self._user_present():
            await self._answer("continue", "auto")
            return
        if key != self._check_key or not self._prompt_open:
            self._check_key = key
            self._prompt_open = True
            track = state.track
            self._emit(
                ActivityCheckPrompt(self._seconds_left(state) or 0, track.work_item, track.remark)
            )

    async def _user_present(self) -> bool:
        """Input within the activity window, and the detector does not say idle."""
        source = self._activity
        if source is None:
            return False
        if self._detector is not None and self._detector.state == "idle":
            return False
        try:
            seconds = source.seconds_since_input()
        except Exception:  # a broken source cannot vouch for anyone
            log.exception("activity source failed")
            return False
        return seconds is not None and seconds <= self.settings.activity_window

    async def answer_check(self, answer: CheckAnswer) -> bool:
        """The user's answer to an ActivityCheckPrompt: Continue, Stop or a snooze option."""
        if answer == "stop":
            self._prompt_open = False
            self._answer_due = None
            self._emit(ActivityCheckAnswered("stop"))
            return await self.stop(StopReason.USER)
        how: AnsweredHow = "continue" if answer == "continue" else "snooze"
        return await self._answer(answer, how)

    async def _answer(self, answer: CheckAnswer, how: AnsweredHow) -> bool:
        if not check_running(self.state):
            return False
        now = self._now()
        option = answer if isinstance(answer, SnoozeOption) else None
        command = cmd.activity_check(now) if option is None else cmd.idle_check(now, option)
        self._answer_due = answer if how != "auto" else "auto"
        if self._rate_limited():
            return False
        sent = self._now()
        self._answering = True
        try:
            state = await self._send(command, answer=True)
        except RateLimitedError:
            return False
        except ApiError as exc:
            # Not journaled: an answer only means something while the check runs. It is
            # sent again on the next poll (soon), as long as the check still runs.
            if isinstance(exc, ConnectionFailed | RequestTimeout) and not exc.sent:
                self._set_online(False)
            log.info("answering the activity check failed: %s", exc.message)
            self._last_seen = self._now()
            return False
        finally:
            self._answering = False
        assert state is not None
        self._answer_due = None
        self._prompt_open = False
        snoozed = None
        if option is not None:
            snoozed = snooze_until(self._now(), int(option), state.track.track_time_zone)
        answered = Bounds(sent, self._now()).narrowed(state.track.track_status_change_date)
        # (the check ran when this was sent; its end may be known already from a push)
        if not check_running(state):
            self.checks_answered += 1
            self.learned = self.learned.check_answered(answered, snoozed)
        await self._accept(state, "command", sent)
        self._emit(ActivityCheckAnswered(how))
        return True

    # --- commands ----------------------------------------------------------------------------

    def _expect(self) -> str | None:
        return work_log_of(self.state)

    async def start(
        self,
        tfs_id: int | None = None,
        remark: str | None = None,
        activity_type_id: str | None = None,
        is_billable: bool | None = None,
    ) -> bool:
        if tfs_id is None and not (remark or "").strip():
            self._emit(CommandFailed("start", "Choose a work item or type a remark to start."))
            return False
        command = cmd.start(
            self._now(),
            tfs_id,
            remark,
            activity_type_id,
            is_billable,
            expect_work_log_id=self._expect(),
        )
        return await self._execute(command)

    async def stop(self, reason: StopReason = StopReason.USER) -> bool:
        return await self._execute(cmd.stop(self._now(), reason, expect_work_log_id=self._expect()))

    async def select(
        self,
        tfs_id: int | None = None,
        remark: str | None = None,
        activity_type_id: str | None = None,
    ) -> bool:
        return await self._execute(cmd.select(self._now(), tfs_id, remark, activity_type_id))

    async def adjust(self, remark: str | None = None, activity_type_id: str | None = None) -> bool:
        command = cmd.adjust(
            self._now(), remark, activity_type_id, expect_work_log_id=self._expect()
        )
        return await self._execute(command)

    async def switch(
        self,
        tfs_id: int | None = None,
        remark: str | None = None,
        activity_type_id: str | None = None,
        is_billable: bool | None = None,
    ) -> bool:
        """Stop the running track and start another, as one user action (one moment)."""
        at = self._now()
        running = self._expect()
        stopped = True
        if running is not None:
            stopped = await self._execute(cmd.stop(at, StopReason.USER, expect_work_log_id=running))
        started = await self._execute(
            cmd.start(at, tfs_id, remark, activity_type_id, is_billable, expect_work_log_id=None)
        )
        return stopped and started

    async def restart(self, work_log: LatestWorkLog | RestWorkLog) -> bool:
        """Start again what a recent work log tracked (same item, remark, activity)."""
        if isinstance(work_log, LatestWorkLog):
            tfs_id = work_log.work_item.id if work_log.work_item else None
            remark, activity = work_log.remark, work_log.activity_type_id
            billable = None
        else:
            tfs_id, remark = work_log.work_item_id, work_log.comment
            activity = work_log.activity_type.id if work_log.activity_type else None
            billable = work_log.flags.is_billable
        return await self.start(tfs_id, remark, activity, billable)

    async def execute(self, command: Command) -> bool:
        """Carries out a command the user chose now (e.g. `ServerStopped.restart`): sent at
        once or journaled; True when the server has applied it. Its time becomes now: an
        offline start must not book the minutes between the offer and the click."""
        return await self._execute(Command(command.kind, command.args, self._now(), command.id))

    async def _execute(self, command: Command) -> bool:
        before = self.state
        if not self._online or self._rate_limited() or self._journal.count() > 0:
            self._journal_it(command)
            return False
        self._in_flight.append(command)
        try:
            return await self._send_and_settle(command, before)
        finally:
            self._in_flight.remove(command)

    async def _send_and_settle(self, command: Command, before: TrackingState | None) -> bool:
        sent = self._now()
        try:
            state = await self._send(command)
        except RateLimitedError:
            self._journal_it(command)
            return False
        except (ConnectionFailed, RequestTimeout) as exc:
            if not exc.sent:
                self._set_online(False)
                self._journal_it(command)
                return False
            if isinstance(exc, DeadlineExceeded):
                # A whole deadline without an answer: show offline now, not a deadline later
                # when the re-read below gives up too (it turns it back on if it gets through).
                self._set_online(False)
            return await self._settle_unknown(command, before)
        except ServerError:
            return await self._settle_unknown(command, before)
        except (ApiError, CommandError) as exc:
            self._emit(CommandFailed(str(command.kind), exc.message))
            return False
        self._set_online(True)
        if state is None:
            await self._reread()
        else:
            await self._accept(state, "command", sent)
        await self._after_poll()
        return True

    def _journal_it(self, command: Command) -> None:
        self._journal.append(command)
        self._emit(ConnectivityChanged(self._online, self._journal.count()))

    async def _reread(self, source: Source = "command") -> TrackingState | None:
        """GET current after a change (a failure counts as a failed poll)."""
        try:
            async with self._io:
                state = await self._client.current()
        except ApiError as exc:
            self._poll_failed(exc)
            return None
        self._set_online(True)
        await self._accept(state, source)
        return state

    async def _send(self, command: Command, *, answer: bool = False) -> TrackingState | None:
        """One command to the server under the I/O lock; a 429 pauses every call, then
        raises on (the caller decides whether the command is journaled).

        An activity-check `answer` is worthless once the check's countdown has run out: it
        gets a shorter budget, goes over the hub when one is connected (`answerer`), and does
        not queue behind a request that holds the lock (a stalled one may hold it for a whole
        deadline)."""
        try:
            if not answer:
                async with self._io:
                    return await cmd.apply(self._client, command)
            left = self._seconds_left(self.state) or 0
            budget = max(MIN_ANSWER_BUDGET, min(ANSWER_BUDGET, float(left)))
            lock = contextlib.nullcontext() if self._io.locked() else self._io
            async with lock:
                with request_deadline(budget):
                    return await self._send_answer(command)
        except RateLimitedError as exc:
            self._pause(exc)
            raise

    async def _send_answer(self, command: Command) -> TrackingState | None:
        """An activity-check answer: over the hub when one answers checks, else REST."""
        answerer = self._answerer
        if answerer is not None and command.kind is CommandKind.ACTIVITY_CHECK:
            return await answerer.activity_check()
        if answerer is not None and command.kind is CommandKind.IDLE_CHECK:
            return await answerer.idle_check(SnoozeOption(int(command.args["option"])))
        return await cmd.apply(self._client, command)

    async def _settle_unknown(self, command: Command, before: TrackingState | None) -> bool:
        """The answer was lost: did the server apply it? Decide from a fresh `current`."""
        state = await self._reread()
        if state is not None and _took_effect(command, before, state):
            await self._after_poll()
            return True
        # Not visibly applied (or we cannot tell): the journal sends it when the server is
        # healthy again, re-reading `current` first; the expectation guards double effects.
        # Its "conflict" at replay may then be our own lost answer: checked in `_replay`.
        track = before.track if before is not None else None
        if (
            command.kind is CommandKind.STOP
            and track is not None
            and track.work_log_id
            and track.current_track_started_date_time is not None
        ):
            # The lost stop may still reach the server late (a slow request): whoever stops
            # the track, it ends when the user stopped it.
            reason = StopReason(int(command.args.get("reason", 0)))
            stop = cmd.stop(
                command.at, reason, expect_work_log_id=work_log_of(before), only_if_running=True
            )
            trim = cmd.trim_idle(
                command.at,
                track.work_log_id,
                track.current_track_started_date_time,
                command.at,
            )
            self._journal.append(stop)
            self._journal_it(trim)
            return False
        self._maybe_sent[command.id] = before
        self._maybe_sent_commands[command.id] = command
        self._journal_it(command)
        return False

    # --- idle time ---------------------------------------------------------------------------

    def on_activity_event(self, event: Event) -> None:
        """From the ActivityMonitor (on this loop)."""
        if isinstance(event, BecameIdle):
            if is_running(self.state):
                assert self.state is not None
                self._idle_since = event.since
                self._idle_track = self.state.track
                if self.settings.idle_policy is IdlePolicy.STOP_WHEN_IDLE:
                    self._spawn(self._stop_when_idle(self.state.track, event.since))
                    self._idle_since = None
            return
        if isinstance(event, BecameActive):
            self._returned(event.period, slept=False)
        elif isinstance(event, Slept):
            self._returned(event.period, slept=True)
            self.woke()

    def _returned(self, period: IdlePeriod, *, slept: bool) -> None:
        # The idle start is kept even when the track stopped meanwhile (e.g. the server
        # stopped it after an unanswered check): the idle part before the stop was tracked.
        track = self._idle_track if self._idle_since is not None else None
        if track is None and slept and is_running(self.state) and self.state is not None:
            track = self.state.track  # slept while tracking, without an idle period first
        self._idle_since = None
        self._idle_track = None
        if track is None or period.duration < self.settings.idle_threshold:
            return
        policy = self.settings.idle_policy
        if policy is IdlePolicy.ALWAYS_KEEP or policy is IdlePolicy.STOP_WHEN_IDLE:
            return
        if policy is IdlePolicy.ALWAYS_DISCARD:
            self._spawn(self._resolve(IdleChoice.DISCARD, period, track))
            return
        pending = self._idle_prompt
        if pending is not None:  # one prompt at a time: back-to-back periods merge
            period = IdlePeriod(
                min(pending.period.start, period.start),
                max(pending.period.end, period.end),
                pending.period.cause,
            )
            track = self._idle_track_for_prompt or track
        self._idle_track_for_prompt = track
        self._idle_prompt = IdlePrompt(
            period, track.work_item, track.remark, track.activity_type_id
        )
        self._emit(self._idle_prompt)

    async def answer_idle(
        self,
        choice: IdleChoice,
        other_work_item: int | None = None,
        other_remark: str | None = None,
    ) -> bool:
        """The user's answer to the open IdlePrompt (BOOK_TO_OTHER needs the other item)."""
        prompt, track = self._idle_prompt, self._idle_track_for_prompt
        if prompt is None or track is None:
            return False
        self._idle_prompt = None
        self._idle_track_for_prompt = None
        return await self._resolve(choice, prompt.period, track, other_work_item, other_remark)

    async def _resolve(
        self,
        choice: IdleChoice,
        period: IdlePeriod,
        track: Track,
        other_work_item: int | None = None,
        other_remark: str | None = None,
    ) -> bool:
        try:
            plan = plan_idle(
                choice,
                period,
                track,
                at=self._now(),
                other_work_item=other_work_item,
                other_remark=other_remark,
                # stopped meanwhile (e.g. by the server): the booked time ends there, not at
                # the answer, or a slow answer would leave part of the away time booked
                ended_at=idle_track_end(track, self.state),
            )
        except CommandError as exc:
            self._emit(CommandFailed(f"idle:{choice.value}", exc.message))
            return False
        return await self._run_plan(plan)

    async def _stop_when_idle(self, track: Track, since: float) -> bool:
        try:
            plan = plan_stop_when_idle(track, datetime.fromtimestamp(since, UTC), at=self._now())
        except CommandError as exc:
            self._emit(CommandFailed("idle:stop_when_idle", exc.message))
            return False
        return await self._run_plan(plan)

    async def _run_plan(self, plan: list[Command]) -> bool:
        """Multi-step changes (stop, trim, start...) go through the journal: written ahead
        as a whole, then replayed at once when the server is reachable."""
        if not plan:
            return True
        for command in plan:
            self._journal.append(command)
        if self._online and not self._rate_limited():
            await self._replay()
        else:
            self._emit(ConnectivityChanged(self._online, self._journal.count()))
        return all(self._journal.finished(c.id) for c in plan)

    # --- session, network, wake --------------------------------------------------------------

    def on_session_event(self, event: SessionEvent) -> None:
        """Lock/sleep may stop tracking (options, reason machine); wake refreshes."""
        wanted = (event == "lock" and self.settings.stop_on_lock) or (
            event == "sleep" and self.settings.stop_on_sleep
        )
        if wanted and is_running(self.state):
            self._spawn(self.stop(StopReason.MACHINE))
        elif event == "wake":
            self.woke()

    def network_changed(self, online: bool) -> None:
        if online:
            self._poll_failures = 0
            self._wake_loop(poll=True)  # the poll replays the journal
        else:
            self._set_online(False)
            self._wake_loop()

    def woke(self) -> None:
        self._wake_loop(poll=True)


def _took_effect(command: Command, before: TrackingState | None, after: TrackingState) -> bool:
    """Does `after` show the effect of `command` (sent while `before` was the state)?"""
    args = command.args
    old = work_log_of(before)
    match command.kind:
        case CommandKind.START:
            new = work_log_of(after)
            tfs_id = args.get("tfs_id")
            return (
                new is not None and new != old and (tfs_id is None or after.track.tfs_id == tfs_id)
            )
        case CommandKind.STOP:
            return old is not None and work_log_of(after) != old
        case CommandKind.ADJUST:
            remark, activity = args.get("remark"), args.get("activity_type_id")
            track = after.track
            return (remark is None or track.remark == remark) and (
                activity is None or track.activity_type_id == activity
            )
        case CommandKind.ACTIVITY_CHECK | CommandKind.IDLE_CHECK:
            return not check_running(after)
    return False  # select, trims: idempotent, the journal may send them again
