"""`CheckAnswering`: the `Tracker`'s activity checks, answered from real activity.

A running check is answered at once (no prompt) when the activity source saw input within
`activity_window` and the detector does not say idle; otherwise the UI is asked
(`ActivityCheckPrompt`). No source, or a source that cannot tell: always ask. While a prompt
is open the source is asked again (by every poll; with pushes and no polls, every
`PRESENCE_RECHECK` seconds), so a user back at work answers it.

An answer is not journaled: it only means something while the check runs. One that failed is
sent again at the next turn (soon), as long as the check still runs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Literal, Protocol

from app.activity.base import ActivitySource
from app.activity.detector import IdleDetector
from app.api.errors import ApiError, ConnectionFailed, RateLimitedError, RequestTimeout
from app.api.models import SnoozeOption, StopReason, TrackingState
from app.tracking import user_commands as cmd
from app.tracking.events import (
    ActivityCheckAnswered,
    ActivityCheckPrompt,
    AnsweredHow,
    TrackerEvent,
)
from app.tracking.options import TrackingSettings
from app.tracking.schedule import Bounds, Learned, snooze_until
from app.tracking.sender import CommandSender, Source
from app.tracking.state import check_running, check_seconds_left, work_log_of

log = logging.getLogger(__name__)

CheckAnswer = Literal["continue", "stop"] | SnoozeOption
PRESENCE_RECHECK = 5.0  # seconds between activity-source reads while a prompt is open


class CheckHost(Protocol):
    """What answering checks needs of the tracker (all of it its public face)."""

    settings: TrackingSettings
    learned: Learned

    @property
    def state(self) -> TrackingState | None: ...

    @property
    def push_connected(self) -> bool: ...

    async def stop(self, reason: StopReason = ...) -> bool: ...


class CheckAnswering:
    """Decides, for the tracker's newest state, whether a running check is answered or the
    user asked; keeps the prompt's bookkeeping and the answer still to be sent.

    `accept`: hands the answer's state to the tracker. `seen`: a failed answer paces the
    polls like a failed poll.
    """

    def __init__(
        self,
        host: CheckHost,
        sender: CommandSender,
        *,
        activity: ActivitySource | None,
        detector: IdleDetector | None,
        now: Callable[[], datetime],
        emit: Callable[[TrackerEvent], None],
        accept: Callable[[TrackingState, Source, datetime | None], Awaitable[object]],
        seen: Callable[[], None],
    ) -> None:
        self._host = host
        self._sender = sender
        self._activity = activity
        self._detector = detector
        self._now = now
        self._emit = emit
        self._accept = accept
        self._seen = seen
        self._check_key: str | None = None  # the running check already handled
        self._prompt_open = False
        self._answer_due: CheckAnswer | Literal["auto"] | None = None  # to retry while it runs
        # an answer on its way: the check's end it brings is ours, not another client's
        self._answering = False
        self.answered = 0  # checks that ended with our answer (benchmark, UI)

    @property
    def prompt_open(self) -> bool:
        return self._prompt_open

    @property
    def answer_pending(self) -> bool:
        """An answer failed and is sent again while the check runs (polls come sooner)."""
        return self._answer_due is not None

    # --- the tracker's state changed ---------------------------------------------------------

    def check_gone(self) -> None:
        """The running check ended: unless by our answer, another client answered it."""
        if self._prompt_open and not self._answering:
            self._prompt_open = False
            self._answer_due = None
            self._emit(ActivityCheckAnswered("elsewhere"))

    def server_stopped(self) -> None:
        """The server stopped the track: no answer is due any more."""
        self._answer_due = None

    async def after_poll(self) -> None:
        """Acts on the newest state: answers a running check, or asks the user once."""
        state = self._host.state
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
                ActivityCheckPrompt(check_seconds_left(state) or 0, track.work_item, track.remark)
            )

    # --- presence ----------------------------------------------------------------------------

    def presence_recheck_delay(self) -> float:
        """Polls re-ask the activity source while a check's prompt is open (a user back at
        work answers it); with pushes and no polls, the loop re-asks it this often instead."""
        if self._host.push_connected and self._prompt_open and check_running(self._host.state):
            return PRESENCE_RECHECK
        return float("inf")

    async def recheck_presence(self) -> None:
        """The loop's re-ask (no read): the user may be back at work."""
        if self._prompt_open and check_running(self._host.state):
            await self.after_poll()

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
        return seconds is not None and seconds <= self._host.settings.activity_window

    # --- answering ---------------------------------------------------------------------------

    async def answer_check(self, answer: CheckAnswer) -> bool:
        """The user's answer to an ActivityCheckPrompt: Continue, Stop or a snooze option."""
        if answer == "stop":
            self._prompt_open = False
            self._answer_due = None
            self._emit(ActivityCheckAnswered("stop"))
            return await self._host.stop(StopReason.USER)
        how: AnsweredHow = "continue" if answer == "continue" else "snooze"
        return await self._answer(answer, how)

    async def _answer(self, answer: CheckAnswer, how: AnsweredHow) -> bool:
        if not check_running(self._host.state):
            return False
        now = self._now()
        option = answer if isinstance(answer, SnoozeOption) else None
        command = cmd.activity_check(now) if option is None else cmd.idle_check(now, option)
        self._answer_due = answer if how != "auto" else "auto"
        if self._sender.rate_limited():
            return False
        sent = self._now()
        self._answering = True
        try:
            state = await self._sender.send(command, answer=True)
        except RateLimitedError:
            return False
        except ApiError as exc:
            # Not journaled: an answer only means something while the check runs. It is
            # sent again on the next poll (soon), as long as the check still runs.
            if isinstance(exc, ConnectionFailed | RequestTimeout) and not exc.sent:
                self._sender.set_online(False)
            log.info("answering the activity check failed: %s", exc.message)
            self._seen()
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
            self.answered += 1
            self._host.learned = self._host.learned.check_answered(answered, snoozed)
        await self._accept(state, "command", sent)
        self._emit(ActivityCheckAnswered(how))
        return True
