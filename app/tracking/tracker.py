"""`Tracker`: the newest server state, refreshed sparingly; user commands; activity checks
answered from real activity; idle time turned into the user's decision; offline journaling.

Pure asyncio, no Qt. Every clock is injected (`now`, `monotonic`, `sleep`) so tests and the
benchmark run it on the local server's accelerated clock.

- State: kept by `StateHolder` (older timestamps dropped). Refreshed by polling on the pace
  `schedule.next_poll_at` sets, at once from every command's answer, on network regain and on
  wake; while a push source is connected (`set_push_connected(True)`) pushes replace polling
  (`app.tracking.live` is that source: the SignalR hub), and activity checks are answered
  through the `CheckAnswerer` it lends (`answer_checks_with`).
- Server calls, the 429 pause, commands, the journal and lost answers: `CommandSender`
  (`app.tracking.sender`). Give the Tracker a client whose RetryPolicy does not retry 429
  itself, so the pause is visible and covers commands too; a client that waits out short
  Retry-Afters still pauses everything, since calls are serialised, but silently.
- Activity checks, answered from real activity or by the user: `CheckAnswering`
  (`app.tracking.checks`).
- Here: the state and what it teaches the schedule, the poll loop, the public commands, idle
  time, session and network events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from app.activity.base import ActivitySource
from app.activity.detector import BecameActive, BecameIdle, Event, IdleDetector, IdlePeriod, Slept
from app.activity.logind import SessionEvent
from app.api.client import TrackingClient, warning_of
from app.api.errors import (
    ApiError,
    ConnectionFailed,
    RateLimitedError,
    RequestTimeout,
    ServerError,
)
from app.api.models import (
    LatestWorkLog,
    RestWorkLog,
    StopReason,
    Track,
    TrackingState,
)
from app.texts import QT_TRANSLATE_NOOP
from app.tracking import user_commands as cmd
from app.tracking.checks import CheckAnswer, CheckAnswering
from app.tracking.events import (
    ApiWarning,
    CommandFailed,
    IdlePrompt,
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
)
from app.tracking.sender import CheckAnswerer, CommandSender, Source
from app.tracking.state import (
    StateHolder,
    Transition,
    check_running,
    check_seconds_left,
    is_running,
    work_log_of,
)
from app.tracking.target import TrackTarget
from app.tracking.user_commands import Command, CommandError

__all__ = ["CheckAnswer", "CheckAnswerer", "Tracker", "utc_now"]

log = logging.getLogger(__name__)

# With pushes: one safety read this long after a running check must have ended, in case the
# push that ends it was lost (normally the push comes first and no read happens).
PUSH_CHECK_GRACE = 5.0


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
        self._journal = journal
        self.settings = settings or TrackingSettings()
        self._now = now
        self._monotonic = monotonic
        self._sleep = sleep
        self._holder = StateHolder()
        self._subscribers: list[Callable[[TrackerEvent], None]] = []
        self._kick = asyncio.Event()
        self._poll_now = True
        self._tasks: set[asyncio.Task[Any]] = set()
        # polling
        self.learned = Learned()
        self._last_seen: datetime | None = None  # last time a state was read or answered
        self._poll_failures = 0
        self._push_connected = False
        # idle time
        self._idle_since: float | None = None
        self._idle_track: Track | None = None
        self._idle_prompt: IdlePrompt | None = None
        self._idle_track_for_prompt: Track | None = None
        # counters for the benchmark and the UI
        self.checks_seen = 0
        # The two parts call back into what stays here: the state, its learning and the loop.
        self._sender = CommandSender(
            client,
            journal,
            now=now,
            emit=self._emit,
            state=lambda: self.state,
            accept=self._accept,
            after=self._after_poll,
            poll_failed=self._poll_failed,
            wake=self._wake_loop,
        )
        self._checks = CheckAnswering(
            self,
            self._sender,
            activity=activity,
            detector=detector,
            now=now,
            emit=self._emit,
            accept=self._accept,
            seen=self._seen_now,
        )

    # --- observing ---------------------------------------------------------------------------

    @property
    def state(self) -> TrackingState | None:
        return self._holder.state

    @property
    def online(self) -> bool:
        return self._sender.online

    @property
    def rate_limited_until(self) -> datetime | None:
        return self._sender.rate_until

    @property
    def idle_prompt(self) -> IdlePrompt | None:
        return self._idle_prompt

    @property
    def check_prompt_open(self) -> bool:
        return self._checks.prompt_open

    @property
    def checks_answered(self) -> int:
        return self._checks.answered

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
                recheck = self._checks.presence_recheck_delay()
                if recheck < delay:
                    await self._wait(recheck)
                    await self._checks.recheck_presence()
                    continue
                await self._wait(delay)
        finally:
            for task in list(self._tasks):
                task.cancel()

    def next_delay(self) -> float:
        """Seconds until the next poll (while a push source is connected: `_push_delay`)."""
        rate_limited = self._sender.rate_limited()
        if self._poll_now and not rate_limited:
            return 0.0
        if self._push_connected and self.online and self._journal.count() == 0:
            return self._push_delay()
        state = self.state
        return next_delay(
            PollInputs(
                now=self._now(),
                last_poll=self._last_seen,
                tracking=is_running(state),
                check_running=check_running(state),
                seconds_left=check_seconds_left(state),
                answer_pending=self._checks.answer_pending,
                learned=self.learned,
                online=self.online and self._poll_failures == 0,
                offline_failures=self._poll_failures,
                rate_limited_until=self._sender.rate_until if rate_limited else None,
            )
        )

    def _push_delay(self) -> float:
        """While pushes arrive, the server tells us every change: no polling. Except: an
        answer to a running check that failed is retried soon; a running check gets one read
        once it must have ended (its end's push may be lost); a 429 pause ends with a read."""
        now = self._now()
        rate_until = self._sender.rate_until
        if self._poll_now:  # only while rate limited (see next_delay)
            assert rate_until is not None
            return max(0.0, (rate_until - now).total_seconds())
        state = self.state
        if not check_running(state) or self._last_seen is None:
            return float("inf")
        if self._checks.answer_pending:
            wait = ANSWER_RETRY
        else:
            left = check_seconds_left(state)
            wait = (float(left) if left is not None else CHECK_RUNNING) + PUSH_CHECK_GRACE
        due = self._last_seen + timedelta(seconds=wait)
        if rate_until is not None and due < rate_until:
            due = rate_until
        return max(0.0, (due - now).total_seconds())

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
        if self._sender.rate_limited():
            return None
        self._poll_now = False
        try:
            state = await self._sender.read_current()
        except ApiError as exc:
            self._poll_failed(exc)
            return None
        self._poll_failures = 0
        self._sender.set_online(True)
        await self._accept(state, "poll")
        if self._journal.count() > 0:
            await self._sender.replay()
        await self._after_poll()
        return self.state

    def _poll_failed(self, exc: ApiError) -> None:
        self._last_seen = self._now()  # failed polls pace the backoff too
        if isinstance(exc, RateLimitedError):
            self._sender.pause(exc)
            return
        self._poll_failures += 1
        if isinstance(exc, ConnectionFailed | RequestTimeout):
            self._sender.set_online(False)
            return
        log.warning("polling the server failed: %s", exc.message)
        if self._poll_failures == 1 and not isinstance(exc, ServerError):
            self._emit(
                ApiWarning(exc.message, exc.template, exc.params)
            )  # e.g. a revoked token: the user must act

    def _seen_now(self) -> None:
        """A failed activity-check answer: the next poll is paced from now."""
        self._last_seen = self._now()

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
        self._sender.answerer = answerer

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
        if transition.check_gone:
            self._checks.check_gone()
        if transition.server_stopped:
            self._checks.server_stopped()
            track = after.track
            restart = cmd.start(self._now(), TrackTarget.of_track(track), expect_work_log_id=None)
            self._emit(ServerStopped(track.stopped_track_type, after, restart))
        elif (
            transition.stopped_elsewhere_candidate
            and source in ("poll", "push")
            and not self._sender.own_stop_outstanding()
        ):
            self._emit(StoppedElsewhere(after))
        return transition

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

    # --- activity checks (CheckAnswering) ----------------------------------------------------

    async def _after_poll(self) -> None:
        await self._checks.after_poll()

    async def answer_check(self, answer: CheckAnswer) -> bool:
        """The user's answer to an ActivityCheckPrompt: Continue, Stop or a snooze option."""
        return await self._checks.answer_check(answer)

    # --- commands (sent by CommandSender) ----------------------------------------------------

    def _expect(self) -> str | None:
        return work_log_of(self.state)

    async def start(self, target: TrackTarget) -> bool:
        if target.is_empty:
            text = QT_TRANSLATE_NOOP("messages", "Choose a work item or type a remark to start.")
            self._emit(CommandFailed("start", text, template=text))
            return False
        command = cmd.start(self._now(), target, expect_work_log_id=self._expect())
        return await self._sender.execute(command)

    async def stop(self, reason: StopReason = StopReason.USER) -> bool:
        return await self._sender.execute(
            cmd.stop(self._now(), reason, expect_work_log_id=self._expect())
        )

    async def select(self, target: TrackTarget) -> bool:
        """What the next start tracks (`target.is_billable` is not part of a selection)."""
        return await self._sender.execute(cmd.select(self._now(), target))

    async def adjust(self, remark: str | None = None, activity_type_id: str | None = None) -> bool:
        command = cmd.adjust(
            self._now(), remark, activity_type_id, expect_work_log_id=self._expect()
        )
        return await self._sender.execute(command)

    async def switch(self, target: TrackTarget) -> bool:
        """Stop the running track and start another, as one user action (one moment)."""
        at = self._now()
        running = self._expect()
        stopped = True
        if running is not None:
            stopped = await self._sender.execute(
                cmd.stop(at, StopReason.USER, expect_work_log_id=running)
            )
        started = await self._sender.execute(cmd.start(at, target, expect_work_log_id=None))
        return stopped and started

    async def restart(self, work_log: LatestWorkLog | RestWorkLog) -> bool:
        """Start again what a recent work log tracked (same item, remark, activity)."""
        return await self.start(TrackTarget.of_work_log(work_log))

    async def execute(self, command: Command) -> bool:
        """Carries out a command the user chose now (e.g. `ServerStopped.restart`): sent at
        once or journaled; True when the server has applied it. Its time becomes now: an
        offline start must not book the minutes between the offer and the click."""
        return await self._sender.execute(replace(command, at=self._now()))

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

    async def answer_idle(self, choice: IdleChoice, other: TrackTarget | None = None) -> bool:
        """The user's answer to the open IdlePrompt (BOOK_TO_OTHER needs `other`: what the
        idle time is booked to)."""
        prompt, track = self._idle_prompt, self._idle_track_for_prompt
        if prompt is None or track is None:
            return False
        self._idle_prompt = None
        self._idle_track_for_prompt = None
        return await self._resolve(choice, prompt.period, track, other)

    async def _resolve(
        self,
        choice: IdleChoice,
        period: IdlePeriod,
        track: Track,
        other: TrackTarget | None = None,
    ) -> bool:
        try:
            plan = plan_idle(
                choice,
                period,
                track,
                at=self._now(),
                other=other,
                # stopped meanwhile (e.g. by the server): the booked time ends there, not at
                # the answer, or a slow answer would leave part of the away time booked
                ended_at=idle_track_end(track, self.state),
            )
        except CommandError as exc:
            self._emit(CommandFailed(f"idle:{choice.value}", exc.message, exc.template, exc.params))
            return False
        return await self._sender.run_plan(plan)

    async def _stop_when_idle(self, track: Track, since: float) -> bool:
        try:
            plan = plan_stop_when_idle(track, datetime.fromtimestamp(since, UTC), at=self._now())
        except CommandError as exc:
            self._emit(CommandFailed("idle:stop_when_idle", exc.message, exc.template, exc.params))
            return False
        return await self._sender.run_plan(plan)

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
            self._sender.set_online(False)
            self._wake_loop()

    def woke(self) -> None:
        self._wake_loop(poll=True)
