"""`CommandSender`: the `Tracker`'s one way to the server.

- All server calls are serialised (one I/O lock: ordering, and a 429 pause covers them all);
  a 429 pauses every call until its Retry-After.
- A command that cannot reach the server (not sent, offline, rate limited, or anything queued
  before it) goes to the journal and is replayed, in order, when a poll succeeds again. A write
  whose answer was lost (timeout, dropped connection, 5xx) is verified against a fresh
  `current` before anything is sent again.
- An activity-check answer has its own budget, may bypass the lock, and goes over the hub when
  one answers checks (`answerer`).
- It knows whether the server is reachable (`online`).

What it learns from the server goes back to the tracker through the callbacks it is built with
(the tracker keeps the state, the polling pace and the activity checks).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Literal, Protocol

from app.api.client import TrackingClient
from app.api.errors import (
    ApiError,
    ConnectionFailed,
    DeadlineExceeded,
    RateLimitedError,
    RequestTimeout,
    ServerError,
)
from app.api.models import SnoozeOption, TrackingState
from app.api.session import deadline as request_deadline
from app.tracking import user_commands as cmd
from app.tracking.events import (
    CommandFailed,
    ConnectivityChanged,
    JournalConflict,
    RateLimited,
    TrackerEvent,
)
from app.tracking.journal import Journal
from app.tracking.replay import Reason
from app.tracking.state import check_running, check_seconds_left, work_log_of
from app.tracking.user_commands import (
    ActivityCheckArgs,
    AdjustArgs,
    Command,
    CommandError,
    CommandKind,
    IdleCheckArgs,
    StartArgs,
    StopArgs,
)

log = logging.getLogger(__name__)

Source = Literal["poll", "command", "push", "replay"]
DEFAULT_RATE_PAUSE = 60.0  # a 429 without a usable Retry-After pauses this long
# An activity-check answer gets at most this long (and no longer than the check's seconds
# left, but never under the floor), whatever the client's deadline for other requests.
ANSWER_BUDGET = 10.0
MIN_ANSWER_BUDGET = 2.0


class CheckAnswerer(Protocol):
    """Another way to answer activity checks (the hub); it falls back to REST by itself."""

    async def activity_check(self) -> TrackingState: ...

    async def idle_check(self, option: SnoozeOption) -> TrackingState: ...


class CommandSender:
    """Sends, journals, replays and verifies commands for one tracker.

    `state`: the tracker's newest state. `accept`: hands a state read or answered to the
    tracker. `after`: lets the tracker act on its (new) state (a running activity check).
    `poll_failed`: a failed read counts as a failed poll. `wake`: the loop plans again (with
    True: polls at its next turn).
    """

    def __init__(
        self,
        client: TrackingClient,
        journal: Journal,
        *,
        now: Callable[[], datetime],
        emit: Callable[[TrackerEvent], None],
        state: Callable[[], TrackingState | None],
        accept: Callable[[TrackingState, Source, datetime | None], Awaitable[object]],
        after: Callable[[], Awaitable[None]],
        poll_failed: Callable[[ApiError], None],
        wake: Callable[[bool], None],
    ) -> None:
        self._client = client
        self._journal = journal
        self._now = now
        self._emit = emit
        self._state = state
        self._accept = accept
        self._after = after
        self._poll_failed = poll_failed
        self._wake = wake
        self._io = asyncio.Lock()  # one server call at a time: ordering and the 429 pause
        self.online = True
        self.rate_until: datetime | None = None
        self.answerer: CheckAnswerer | None = None
        # commands sent and not yet answered: a push of their effect is ours, not another's
        self._in_flight: list[Command] = []
        # journaled commands whose first sending may have reached the server (answer lost)
        self._maybe_sent: dict[str, TrackingState | None] = {}
        self._maybe_sent_commands: dict[str, Command] = {}

    # --- reachability ------------------------------------------------------------------------

    def rate_limited(self) -> bool:
        return self.rate_until is not None and self._now() < self.rate_until

    def pause(self, exc: RateLimitedError) -> None:
        seconds = exc.retry_after if exc.retry_after is not None else DEFAULT_RATE_PAUSE
        self.rate_until = self._now() + timedelta(seconds=seconds)
        self._wake(True)  # poll as soon as the pause ends
        self._emit(RateLimited(self.rate_until))

    def set_online(self, online: bool) -> None:
        if online == self.online:
            return
        self.online = online
        self._emit(ConnectivityChanged(online, self._journal.count()))

    def can_send(self) -> bool:
        """Sent at once, or journaled behind what waits there already."""
        return self.online and not self.rate_limited() and self._journal.count() == 0

    # --- reading -----------------------------------------------------------------------------

    async def read_current(self) -> TrackingState:
        """GET current under the I/O lock (errors raise on: a poll decides what they mean)."""
        async with self._io:
            return await self._client.current()

    async def reread(self, source: Source = "command") -> TrackingState | None:
        """GET current after a change (a failure counts as a failed poll)."""
        try:
            state = await self.read_current()
        except ApiError as exc:
            self._poll_failed(exc)
            return None
        self.set_online(True)
        await self._accept(state, source, None)
        return state

    # --- sending -----------------------------------------------------------------------------

    async def execute(self, command: Command) -> bool:
        """Sent at once, or journaled; True when the server has applied it."""
        before = self._state()
        if not self.can_send():
            self.journal_it(command)
            return False
        self._in_flight.append(command)
        try:
            return await self._send_and_settle(command, before)
        finally:
            self._in_flight.remove(command)

    async def _send_and_settle(self, command: Command, before: TrackingState | None) -> bool:
        sent = self._now()
        try:
            state = await self.send(command)
        except RateLimitedError:
            self.journal_it(command)
            return False
        except (ConnectionFailed, RequestTimeout) as exc:
            if not exc.sent:
                self.set_online(False)
                self.journal_it(command)
                return False
            if isinstance(exc, DeadlineExceeded):
                # A whole deadline without an answer: show offline now, not a deadline later
                # when the re-read below gives up too (it turns it back on if it gets through).
                self.set_online(False)
            return await self._settle_unknown(command, before)
        except ServerError:
            return await self._settle_unknown(command, before)
        except (ApiError, CommandError) as exc:
            self._emit(CommandFailed(str(command.kind), exc.message, exc.template, exc.params))
            return False
        self.set_online(True)
        if state is None:
            await self.reread()
        else:
            await self._accept(state, "command", sent)
        await self._after()
        return True

    def journal_it(self, command: Command) -> None:
        self._journal.append(command)
        self._emit(ConnectivityChanged(self.online, self._journal.count()))

    async def send(self, command: Command, *, answer: bool = False) -> TrackingState | None:
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
            left = check_seconds_left(self._state()) or 0
            budget = max(MIN_ANSWER_BUDGET, min(ANSWER_BUDGET, float(left)))
            lock = contextlib.nullcontext() if self._io.locked() else self._io
            async with lock:
                with request_deadline(budget):
                    return await self._send_answer(command)
        except RateLimitedError as exc:
            self.pause(exc)
            raise

    async def _send_answer(self, command: Command) -> TrackingState | None:
        """An activity-check answer: over the hub when one answers checks, else REST."""
        answerer = self.answerer
        if answerer is not None and isinstance(command.args, ActivityCheckArgs):
            return await answerer.activity_check()
        if answerer is not None and isinstance(command.args, IdleCheckArgs):
            return await answerer.idle_check(command.args.option)
        return await cmd.apply(self._client, command)

    async def _settle_unknown(self, command: Command, before: TrackingState | None) -> bool:
        """The answer was lost: did the server apply it? Decide from a fresh `current`."""
        state = await self.reread()
        if state is not None and took_effect(command, before, state):
            await self._after()
            return True
        # Not visibly applied (or we cannot tell): the journal sends it when the server is
        # healthy again, re-reading `current` first; the expectation guards double effects.
        # Its "conflict" at replay may then be our own lost answer: checked in `replay`.
        track = before.track if before is not None else None
        if (
            isinstance(command.args, StopArgs)
            and track is not None
            and track.work_log_id
            and track.current_track_started_date_time is not None
        ):
            # The lost stop may still reach the server late (a slow request): whoever stops
            # the track, it ends when the user stopped it.
            stop = cmd.stop(
                command.at,
                command.args.reason,
                expect_work_log_id=work_log_of(before),
                only_if_running=True,
            )
            trim = cmd.trim_idle(
                command.at,
                track.work_log_id,
                track.current_track_started_date_time,
                command.at,
            )
            self._journal.append(stop)
            self.journal_it(trim)
            return False
        self._maybe_sent[command.id] = before
        self._maybe_sent_commands[command.id] = command
        self.journal_it(command)
        return False

    def own_stop_outstanding(self) -> bool:
        """A stop of ours on its way (its push may come before its answer), whose answer was
        lost (it may arrive late) or that waits to be sent."""
        if any(c.kind is CommandKind.STOP for c in self._in_flight):
            return True
        if any(c.kind is CommandKind.STOP for c in self._maybe_sent_commands.values()):
            return True
        return any(c.kind is CommandKind.STOP for c in self._journal.pending())

    # --- the journal -------------------------------------------------------------------------

    async def replay(self) -> None:
        """Sends what the journal holds, in order; then re-reads `current`."""
        if self.rate_limited():
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
            self.pause(error)
        elif isinstance(error, ConnectionFailed | RequestTimeout):
            self.set_online(False)
        elif error is not None:
            log.info("journal replay stopped: %s", error.message)
        state = await self.reread("replay")
        for command, reason in conflicts:
            self._maybe_sent_commands.pop(command.id, None)
            before = self._maybe_sent.pop(command.id, None)
            if before is not None and state is not None and took_effect(command, before, state):
                # Not a conflict: our own request whose answer was lost did arrive.
                log.info("journaled %s had reached the server after all", command.kind)
                continue
            self._emit(JournalConflict(command, reason, *_translatable(reason)))
        if self._journal.count() == 0:
            self._maybe_sent.clear()
            self._maybe_sent_commands.clear()
        self._emit(ConnectivityChanged(self.online, self._journal.count()))

    async def run_plan(self, plan: list[Command]) -> bool:
        """Multi-step changes (stop, trim, start...) go through the journal: written ahead
        as a whole, then replayed at once when the server is reachable."""
        if not plan:
            return True
        for command in plan:
            self._journal.append(command)
        if self.online and not self.rate_limited():
            await self.replay()
        else:
            self._emit(ConnectivityChanged(self.online, self._journal.count()))
        return all(self._journal.finished(c.id) for c in plan)


def _translatable(reason: str) -> tuple[str | None, Mapping[str, object]]:
    """A conflict reason's marked template and params (a `Reason` from the replay has them)."""
    if isinstance(reason, Reason):
        return reason.template, reason.params
    return None, {}


def took_effect(command: Command, before: TrackingState | None, after: TrackingState) -> bool:
    """Does `after` show the effect of `command` (sent while `before` was the state)?"""
    args = command.args
    old = work_log_of(before)
    match args:
        case StartArgs(target=target):
            new = work_log_of(after)
            wanted = target.work_item_id
            return (
                new is not None and new != old and (wanted is None or after.track.tfs_id == wanted)
            )
        case StopArgs():
            return old is not None and work_log_of(after) != old
        case AdjustArgs(remark=remark, activity_type_id=activity):
            track = after.track
            return (remark is None or track.remark == remark) and (
                activity is None or track.activity_type_id == activity
            )
        case ActivityCheckArgs() | IdleCheckArgs():
            return not check_running(after)
    return False  # select, trims: idempotent, the journal may send them again
