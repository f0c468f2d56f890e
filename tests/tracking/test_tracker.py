"""The Tracker against the real local server (uvicorn on 127.0.0.1) on a shared accelerated
clock: activity checks answered from activity or prompted, server stops, snooze, stops by
another client, the 429 pause, commands under injected faults, idle prompts.

The server checks every 60 s of its time and waits 30 s (the shortest waiting time the
tracker must handle); the clock runs 20x, so a check comes every ~3 real seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from app.activity.detector import BecameActive, BecameIdle, IdlePeriod
from app.api.client import TrackingClient
from app.api.models import SnoozeOption, StoppedTrackType, TrackingStateKind
from app.api.retry import RetryPolicy
from app.server.app import services_of
from app.tracking.events import (
    ActivityCheckAnswered,
    ActivityCheckPrompt,
    ApiWarning,
    ConnectivityChanged,
    IdlePrompt,
    JournalConflict,
    RateLimited,
    ServerStopped,
    StateChanged,
    StoppedElsewhere,
    TrackerEvent,
)
from app.tracking.idle import IdleChoice, IdlePolicy
from app.tracking.journal import Journal
from app.tracking.options import TrackingSettings
from app.tracking.target import TrackTarget
from app.tracking.tracker import Tracker
from app.tracking.user_commands import StartArgs
from tests.support.wait import wait_until
from tests.tracking.conftest import OTHER_ITEM, WORK_ITEM, LiveServer, ScriptedActivity

E = TypeVar("E", bound=TrackerEvent)
NO_429_RETRY = RetryPolicy(
    max_attempts=2, base_delay=0.01, max_delay=5.0, retry_statuses=frozenset({500, 502, 503})
)


class Activity(ScriptedActivity):
    """The scripted source plus a "busy" mode: input all the time."""

    busy: bool = False

    def seconds_since_input(self) -> float | None:
        if self.busy and self.available:
            self.calls.append(0.0)
            return 0.0
        return super().seconds_since_input()


@dataclass
class Counting(httpx.AsyncBaseTransport):
    """Counts requests as sent (path and virtual time), forwarding to the real transport."""

    now: Callable[[], datetime]
    inner: httpx.AsyncBaseTransport = field(default_factory=httpx.AsyncHTTPTransport)
    sent: list[tuple[datetime, str, str]] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((self.now(), request.method, request.url.path))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Harness:
    server: LiveServer
    tracker: Tracker
    client: TrackingClient
    activity: Activity
    journal: Journal
    transport: Counting
    events: list[TrackerEvent] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def record(self, event: TrackerEvent) -> None:
        self.events.append(event)
        self._changed.set()

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, kind)]

    async def next(
        self,
        kind: type[E],
        where: Callable[[E], bool] = lambda e: True,
        after: int = 0,
        timeout: float = 15.0,
    ) -> E:
        """The first event of `kind` (from index `after` on) matching `where`; awaited."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for event in self.events[after:]:
                if isinstance(event, kind) and where(event):
                    return event
            left = deadline - loop.time()
            if left <= 0:
                seen = [type(e).__name__ for e in self.events[after:]]
                raise AssertionError(f"no {kind.__name__} within {timeout} s; saw {seen}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    def mark(self) -> int:
        return len(self.events)

    def kinds(self) -> list[str]:
        return [type(e).__name__ for e in self.events]


@pytest.fixture
async def harness(server: LiveServer, tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """`await harness(settings, activity=True, live=server, **client_kwargs)`: a running
    Tracker with a scripted source, a journal in tmp_path and a request-counting transport."""
    made: list[tuple[Harness, asyncio.Task[None]]] = []

    async def make(
        settings: TrackingSettings | None = None,
        activity: bool = True,
        live: LiveServer = server,
        **client_kwargs: Any,
    ) -> Harness:
        server = live
        transport = Counting(server.now)
        client_kwargs.setdefault("retry", NO_429_RETRY)
        client = server.client(transport=transport, **client_kwargs)
        source = Activity(server.monotonic)
        journal = Journal(tmp_path / f"journal{len(made)}.sqlite3", now=server.now)
        tracker = Tracker(
            client,
            activity=source if activity else None,
            detector=None,
            journal=journal,
            settings=settings or TrackingSettings(),
            now=server.now,
            monotonic=server.monotonic,
            sleep=server.sleep,
        )
        h = Harness(server, tracker, client, source, journal, transport)
        tracker.subscribe(h.record)
        task = asyncio.create_task(tracker.run())
        made.append((h, task))
        await h.next(StateChanged)
        return h

    yield make
    for h, task in made:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await h.client.aclose()
        h.journal.close()


def engine(server: LiveServer) -> Any:
    return services_of(server.thread.app).engine


async def test_checks_are_answered_without_a_prompt_while_the_user_is_active(harness) -> None:
    h: Harness = await harness()
    h.activity.busy = True
    assert await h.tracker.start(TrackTarget(WORK_ITEM, "card vault"))
    log_id = h.tracker.state.track.work_log_id
    for _ in range(2):
        mark = h.mark()
        answered = await h.next(ActivityCheckAnswered, after=mark)
        assert answered.how == "auto"
    assert not h.of(ActivityCheckPrompt)
    state = await h.client.current()
    assert state.track.tracking_state is TrackingStateKind.TRACKING
    assert state.track.work_log_id == log_id  # the same track kept running
    assert h.tracker.checks_answered >= 2
    # the interval was learned from the checks: 60 s of server time
    learned = h.tracker.learned
    assert learned.interval_lo is not None and learned.interval_hi is not None
    assert learned.interval_lo - 1 <= 40.0 <= learned.interval_hi + 1


async def test_a_check_is_prompted_while_idle_and_continue_answers_it(harness) -> None:
    h: Harness = await harness()
    h.activity.away()
    assert await h.tracker.start(TrackTarget(WORK_ITEM))
    prompt = await h.next(ActivityCheckPrompt)
    assert 0 < prompt.seconds_left <= 30
    assert prompt.work_item is not None and prompt.work_item.id == WORK_ITEM
    assert h.tracker.check_prompt_open
    assert await h.tracker.answer_check("continue")
    assert (await h.next(ActivityCheckAnswered)).how == "continue"
    state = await h.client.current()
    assert state.track.tracking_state is TrackingStateKind.TRACKING


async def test_no_activity_source_always_prompts(harness) -> None:
    h: Harness = await harness(activity=False)
    assert await h.tracker.start(TrackTarget(WORK_ITEM))
    await h.next(ActivityCheckPrompt)
    assert not h.of(ActivityCheckAnswered)


async def test_an_unavailable_source_prompts_instead_of_confirming_blindly(harness) -> None:
    h: Harness = await harness()
    h.activity.busy = True
    h.activity.available = False  # e.g. the X connection went away: answers None
    assert await h.tracker.start(TrackTarget(WORK_ITEM))
    await h.next(ActivityCheckPrompt)
    assert None in h.activity.calls
    assert not h.of(ActivityCheckAnswered)


async def test_nobody_answers_server_stops_with_a_restart(harness) -> None:
    h: Harness = await harness()
    h.activity.away()
    assert await h.tracker.start(TrackTarget(WORK_ITEM, "vault"))
    first_log = h.tracker.state.track.work_log_id
    await h.next(ActivityCheckPrompt)
    stopped = await h.next(ServerStopped)
    assert stopped.stopped_track_type is StoppedTrackType.STOPPED_BY_ACTIVITY_CHECK
    assert (await h.next(ActivityCheckAnswered)).how == "elsewhere"  # the prompt closes
    assert not h.of(StoppedElsewhere)
    restart = stopped.restart
    assert isinstance(restart.args, StartArgs)
    assert restart.args.target.work_item_id == WORK_ITEM
    assert restart.args.target.remark == "vault"
    assert await h.tracker.execute(restart)
    state = h.tracker.state
    assert state.track.tracking_state is TrackingStateKind.TRACKING
    assert state.track.work_log_id != first_log
    assert state.track.tfs_id == WORK_ITEM


async def test_snooze_postpones_the_next_check(harness, server: LiveServer) -> None:
    h: Harness = await harness()
    h.activity.away()
    assert await h.tracker.start(TrackTarget(WORK_ITEM))
    await h.next(ActivityCheckPrompt)
    before = server.now()
    assert await h.tracker.answer_check(SnoozeOption.ONE_HOUR)
    after = server.now()
    assert (await h.next(ActivityCheckAnswered)).how == "snooze"
    next_check = engine(server).next_check_at()
    assert before + timedelta(hours=1) <= next_check <= after + timedelta(hours=1)
    # the tracker knows it too: it polls slowly until the snooze ends
    expected = h.tracker.learned.earliest_next_check()
    assert expected is not None and abs((expected - next_check).total_seconds()) < 5
    assert h.tracker.next_delay() > 60


async def test_a_stop_by_another_client_is_reported_without_a_prompt(
    harness, other_client: TrackingClient
) -> None:
    h: Harness = await harness()
    h.activity.busy = True
    assert await h.tracker.start(TrackTarget(WORK_ITEM))
    await other_client.stop_tracking()
    elsewhere = await h.next(StoppedElsewhere)
    assert elsewhere.state.track.tracking_state is TrackingStateKind.IDLE
    assert not h.of(ServerStopped) and not h.of(ActivityCheckPrompt)


async def test_own_stop_is_not_reported_as_elsewhere(harness) -> None:
    h: Harness = await harness()
    assert await h.tracker.start(TrackTarget(WORK_ITEM))
    assert await h.tracker.stop()
    assert not h.tracker.state.track.is_tracking
    await h.tracker.refresh()
    assert not h.of(StoppedElsewhere)


async def test_a_429_pauses_every_call_until_retry_after(harness, server: LiveServer) -> None:
    h: Harness = await harness()
    assert await h.tracker.start(TrackTarget(WORK_ITEM))
    server.set_faults(rate_limit_rate=1.0, retry_after=60)
    await h.tracker.refresh()
    limited = await h.next(RateLimited)
    assert limited.until > server.now()
    server.set_faults()
    first_429 = len(h.transport.sent)
    # a command during the pause is written ahead, not sent
    assert not await h.tracker.stop()
    assert h.journal.count() == 1
    assert h.tracker.state.track.is_tracking
    await wait_until(lambda: h.journal.count() == 0, timeout=15, what="replay after the pause")
    later = h.transport.sent[first_429:]
    assert later, "nothing was sent after the pause"
    assert all(at >= limited.until for at, _, _ in later), later[:3]
    state = await h.client.current()
    assert state.track.tracking_state is TrackingStateKind.IDLE


FAULTS = {
    "500": {"error_rate": 1.0},
    "429": {"rate_limit_rate": 1.0, "retry_after": 30},
    "timeout": {"latency": 0.6},  # the client gives up after 0.4 s; the server still acts
    "dropped": {"drop_rate": 1.0},
}
COMMANDS = ["start", "stop", "switch", "adjust", "select"]


async def run_command(tracker: Tracker, name: str) -> None:
    if name == "start":
        await tracker.start(TrackTarget(OTHER_ITEM, "second"))
    elif name == "switch":
        await tracker.switch(TrackTarget(OTHER_ITEM, "second"))
    elif name == "stop":
        await tracker.stop()
    elif name == "adjust":
        await tracker.adjust(remark="during the fault")
    else:
        await tracker.select(TrackTarget(OTHER_ITEM, "next"))


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("fault", FAULTS)
async def test_commands_under_faults_converge_and_nothing_is_lost(
    harness, server: LiveServer, fault: str, command: str
) -> None:
    h: Harness = await harness(timeout=0.4)
    h.activity.busy = True
    assert await h.tracker.start(TrackTarget(WORK_ITEM, "first"))
    first_log = h.tracker.state.track.work_log_id
    server.set_faults(**FAULTS[fault])
    started = h.tracker.state.track.current_track_started_date_time
    asked = server.now()
    await run_command(h.tracker, command)
    if command in ("start", "switch", "adjust"):
        # a second command behind it must keep its place in the order
        await h.tracker.adjust(remark="last word")
    server.set_faults()
    h.tracker.network_changed(True)  # e.g. the OS reports the network back

    async def converged() -> bool:
        mine, theirs = h.tracker.state, await h.client.current()
        return h.journal.count() == 0 and mine is not None and mine.timestamp == theirs.timestamp

    await wait_until(converged, timeout=20, what=f"convergence after {fault}")
    assert not h.of(JournalConflict), h.of(JournalConflict)
    assert not h.of(StoppedElsewhere)  # our own stop, even when its answer was lost
    state = await h.client.current()
    logs = await h.client.work_logs(count=50)
    first = [w for w in logs if w.id == first_log]
    assert len(first) == 1
    assert [w.work_item_id for w in logs].count(WORK_ITEM) == 1  # never started twice
    tracked_other = [w for w in logs if w.work_item_id == OTHER_ITEM and w.flags.is_tracked]
    if command in ("start", "switch"):
        assert state.track.tfs_id == OTHER_ITEM and state.track.is_tracking
        assert len(tracked_other) == 1, logs  # started exactly once
        assert state.track.remark == "last word"
        # nothing lost: WORK_ITEM's log ends where OTHER_ITEM's time begins (gap log included)
        others = sorted(w.timestamp for w in logs if w.work_item_id == OTHER_ITEM)
        # (a start that reached the server late begins late: by the latency, at clock speed)
        slack = 2 + (0.6 * server.speed if fault == "timeout" else 0)
        first_end = first[0].timestamp + timedelta(seconds=first[0].length)
        assert abs((others[0] - first_end).total_seconds()) <= slack
    elif command == "stop":
        assert state.track.tracking_state is TrackingStateKind.IDLE
        # the log ends when the user stopped, not when the server heard of it
        assert abs(first[0].length - (asked - started).total_seconds()) <= 2
        assert not tracked_other
    elif command == "adjust":
        assert state.track.tfs_id == WORK_ITEM and state.track.remark == "last word"
        assert first[0].comment == "last word" and state.track.work_log_id == first_log
    else:
        assert state.track.work_log_id == first_log  # select does not touch the running track
        stopped = await h.client.stop_tracking()
        assert (stopped.track.tfs_id, stopped.track.remark) == (OTHER_ITEM, "next")
    if fault != "500":  # a 500 is an answer: the server stays reachable
        assert h.of(ConnectivityChanged) or h.of(RateLimited)


async def test_a_flaky_server_never_costs_a_check(harness, server: LiveServer) -> None:
    """Three in ten requests fail (500 or dropped): every check is still answered in time."""
    h: Harness = await harness(timeout=0.4)
    h.activity.busy = True
    assert await h.tracker.start(TrackTarget(WORK_ITEM))
    server.set_faults(error_rate=0.2, drop_rate=0.1, seed=7)
    for _ in range(3):
        mark = h.mark()
        await h.next(ActivityCheckAnswered, after=mark, timeout=20)
    server.set_faults()
    assert not h.of(ServerStopped) and not h.of(ActivityCheckPrompt)


async def test_user_answer_stop_stops(harness) -> None:
    h: Harness = await harness()
    h.activity.away()
    assert await h.tracker.start(TrackTarget(WORK_ITEM))
    await h.next(ActivityCheckPrompt)
    assert await h.tracker.answer_check("stop")
    assert (await h.next(ActivityCheckAnswered)).how == "stop"
    assert h.tracker.state.track.tracking_state is TrackingStateKind.IDLE
    assert not h.of(StoppedElsewhere)


async def test_idle_return_prompts_once_and_merges_back_to_back_periods(
    harness, server: LiveServer
) -> None:
    h: Harness = await harness(settings=TrackingSettings(idle_threshold=60))
    h.activity.busy = True
    assert await h.tracker.start(TrackTarget(WORK_ITEM, "idle test"))
    t0 = server.now().timestamp()
    h.tracker.on_activity_event(BecameIdle(t0, "input"))
    h.tracker.on_activity_event(BecameActive(IdlePeriod(t0, t0 + 30, "input")))
    assert not h.of(IdlePrompt)  # shorter than the threshold
    h.tracker.on_activity_event(BecameIdle(t0 + 40, "input"))
    h.tracker.on_activity_event(BecameActive(IdlePeriod(t0 + 40, t0 + 140, "input")))
    h.tracker.on_activity_event(BecameIdle(t0 + 150, "input"))
    h.tracker.on_activity_event(BecameActive(IdlePeriod(t0 + 150, t0 + 300, "input")))
    prompts = h.of(IdlePrompt)
    assert len(prompts) == 2  # the second replaces the first: one open prompt, merged
    assert h.tracker.idle_prompt == prompts[-1]
    assert (prompts[-1].period.start, prompts[-1].period.end) == (t0 + 40, t0 + 300)
    assert prompts[-1].work_item is not None and prompts[-1].work_item.id == WORK_ITEM
    assert prompts[-1].remark == "idle test"


@pytest.fixture
def fast(server_factory) -> LiveServer:
    """No activity checks, clock at 200x: for idle time, which needs minutes to pass."""
    return server_factory(speed=200.0, activity_check_interval=0.0)


async def test_idle_discard_and_continue_trims_and_restarts(harness, fast: LiveServer) -> None:
    server = fast
    h: Harness = await harness(settings=TrackingSettings(idle_threshold=60), live=fast)
    assert await h.tracker.start(TrackTarget(WORK_ITEM, "trim me"))
    first_log = h.tracker.state.track.work_log_id
    started = h.tracker.state.track.current_track_started_date_time
    await wait_until(lambda: server.now() > started + timedelta(seconds=400), timeout=30)
    idle_from = started + timedelta(seconds=100)
    idle_to = started + timedelta(seconds=300)
    h.tracker.on_activity_event(BecameIdle(idle_from.timestamp(), "input"))
    h.tracker.on_activity_event(
        BecameActive(IdlePeriod(idle_from.timestamp(), idle_to.timestamp(), "input"))
    )
    await h.next(IdlePrompt)
    decided_lo = server.now()
    assert await h.tracker.answer_idle(IdleChoice.DISCARD_AND_CONTINUE)
    decided_hi = server.now()
    logs = {w.id: w for w in await h.client.work_logs(count=50)}
    first = logs[first_log]
    state = await h.client.current()
    assert state.track.tracking_state is TrackingStateKind.TRACKING
    assert state.track.work_log_id != first_log and state.track.tfs_id == WORK_ITEM
    # the first log: from its start to the user's decision, minus the 200 idle seconds
    lo = (decided_lo - started).total_seconds() - 200
    hi = (decided_hi - started).total_seconds() - 200
    assert lo - 1 <= first.length <= hi + 1


async def test_stop_when_idle_stops_at_detection(harness, fast: LiveServer) -> None:
    server = fast
    policy = TrackingSettings(idle_threshold=60, idle_policy=IdlePolicy.STOP_WHEN_IDLE)
    h: Harness = await harness(settings=policy, live=fast)
    assert await h.tracker.start(TrackTarget(WORK_ITEM, "stop when idle"))
    first_log = h.tracker.state.track.work_log_id
    started = h.tracker.state.track.current_track_started_date_time
    await wait_until(lambda: server.now() > started + timedelta(seconds=200), timeout=30)
    since = server.now() - timedelta(seconds=60)  # back-dated to the last input
    h.tracker.on_activity_event(BecameIdle(since.timestamp(), "input"))
    await wait_until(
        lambda: h.tracker.state is not None and not h.tracker.state.track.is_tracking,
        timeout=10,
    )
    await wait_until(lambda: h.journal.count() == 0, timeout=10)
    logs = {w.id: w for w in await h.client.work_logs(count=50)}
    assert abs(logs[first_log].length - (since - started).total_seconds()) <= 2
    # the user comes back: nothing more to ask
    h.tracker.on_activity_event(
        BecameActive(IdlePeriod(since.timestamp(), server.now().timestamp(), "input"))
    )
    assert not h.of(IdlePrompt)


async def test_stop_on_lock_option(harness) -> None:
    h: Harness = await harness(settings=TrackingSettings(stop_on_lock=True))
    assert await h.tracker.start(TrackTarget(WORK_ITEM))
    h.tracker.on_session_event("lock")
    await wait_until(lambda: not h.tracker.state.track.is_tracking, timeout=10)
    state = await h.client.current()
    assert state.track.tracking_state is TrackingStateKind.IDLE


async def test_lock_does_not_stop_by_default(harness) -> None:
    h: Harness = await harness()
    assert await h.tracker.start(TrackTarget(WORK_ITEM))
    h.tracker.on_session_event("lock")
    h.tracker.on_session_event("sleep")
    # a full round trip after the events: a stop they caused would have gone out first
    await h.tracker.refresh()
    assert not [p for _, m, p in h.transport.sent if p.endswith("stopTracking")]
    assert h.tracker.state.track.is_tracking


async def test_switch_and_restart_of_a_recent_work_log(harness) -> None:
    h: Harness = await harness()
    assert await h.tracker.start(TrackTarget(WORK_ITEM, "first"))
    first_log = h.tracker.state.track.work_log_id
    assert await h.tracker.switch(TrackTarget(OTHER_ITEM, "second"))
    assert h.tracker.state.track.tfs_id == OTHER_ITEM
    latest = await h.client.latest(5)
    recent = next(w for w in latest.work_logs if w.id == first_log)
    assert await h.tracker.restart(recent)
    track = h.tracker.state.track
    assert (track.tfs_id, track.remark) == (WORK_ITEM, "first")
    assert not h.of(StoppedElsewhere)


async def test_wake_and_network_regain_refresh_at_once(harness, other_client) -> None:
    h: Harness = await harness()
    await other_client.start_tracking(work_item_id=WORK_ITEM)
    # not tracking: the tracker would poll only in minutes; a wake-up reads the state now
    h.tracker.woke()
    await wait_until(lambda: h.tracker.state.track.is_tracking, timeout=3)
    await other_client.stop_tracking()
    h.tracker.network_changed(True)
    await wait_until(lambda: not h.tracker.state.track.is_tracking, timeout=3)


async def test_push_replaces_polling(harness, other_client) -> None:
    h: Harness = await harness()
    h.tracker.set_push_connected(True)
    assert h.tracker.next_delay() == float("inf")
    state = await other_client.start_tracking(work_item_id=WORK_ITEM)
    h.tracker.push(state)
    await wait_until(lambda: h.tracker.state.track.is_tracking, timeout=3)
    older = replace(state, timestamp=state.timestamp - 5)
    h.tracker.push(replace(older, track=replace(older.track, tfs_id=1)))
    marker = replace(
        state, timestamp=state.timestamp + 1, track=replace(state.track, remark="marker")
    )
    h.tracker.push(marker)
    await wait_until(lambda: h.tracker.state.track.remark == "marker", timeout=3)
    assert all(e.state.track.tfs_id == WORK_ITEM for e in h.of(StateChanged)[1:])
    assert h.tracker.state.track.tfs_id == WORK_ITEM  # the older state was dropped


async def idle_until_the_server_stops(h: Harness, remark: str) -> tuple[str, datetime]:
    """Tracking, then idle from 10 s in, until the server stops the track after its
    unanswered check; (the work log's id, when idle began)."""
    h.activity.away()
    assert await h.tracker.start(TrackTarget(WORK_ITEM, remark))
    work_log = h.tracker.state.track.work_log_id
    idle_from = h.tracker.state.track.current_track_started_date_time + timedelta(seconds=10)
    h.tracker.on_activity_event(BecameIdle(idle_from.timestamp(), "input"))
    await h.next(ServerStopped)
    return work_log, idle_from


async def test_idle_time_before_a_server_stop_can_still_be_discarded(
    harness, server: LiveServer
) -> None:
    """Away so long that the server stopped the track after an unanswered check: the idle
    part before the stop was tracked, and the user may still discard it."""
    h: Harness = await harness(settings=TrackingSettings(idle_threshold=20))
    first_log, idle_from = await idle_until_the_server_stops(h, "away")
    h.tracker.on_activity_event(
        BecameActive(IdlePeriod(idle_from.timestamp(), server.now().timestamp(), "input"))
    )
    prompt = await h.next(IdlePrompt)
    assert prompt.work_item is not None and prompt.work_item.id == WORK_ITEM
    assert await h.tracker.answer_idle(IdleChoice.DISCARD)
    logs = {w.id: w for w in await h.client.work_logs(count=50)}
    # the server closed the log when the check started (40 s); the idle part from 10 s is gone
    assert abs(logs[first_log].length - 10) <= 2
    assert not h.of(JournalConflict)


async def test_a_late_answer_after_a_server_stop_still_discards_all_the_booked_away_time(
    harness, server: LiveServer
) -> None:
    """As above, but the user reads the prompt for a while before answering: the booked
    part ended at the server's stop, so the wait after coming back changes nothing."""
    h: Harness = await harness(settings=TrackingSettings(idle_threshold=20))
    first_log, idle_from = await idle_until_the_server_stops(h, "away, answered late")
    back = server.now()
    h.tracker.on_activity_event(
        BecameActive(IdlePeriod(idle_from.timestamp(), back.timestamp(), "input"))
    )
    await h.next(IdlePrompt)
    await server.sleep(45)  # server time: longer than the whole booked track
    assert await h.tracker.answer_idle(IdleChoice.DISCARD)
    logs = {w.id: w for w in await h.client.work_logs(count=50)}
    assert abs(logs[first_log].length - 10) <= 2
    assert not h.of(JournalConflict)


async def test_a_refused_token_is_reported_once(harness, server: LiveServer) -> None:
    h: Harness = await harness()
    bad = TrackingClient(server.url, token="revoked-token-0123456789", retry=NO_429_RETRY)
    tracker = Tracker(
        bad,
        activity=None,
        detector=None,
        journal=h.journal,
        now=server.now,
        monotonic=server.monotonic,
        sleep=server.sleep,
    )
    events: list[TrackerEvent] = []
    tracker.subscribe(events.append)
    try:
        assert await tracker.refresh() is None
        assert await tracker.refresh() is None
    finally:
        await bad.aclose()
    warnings = [e for e in events if isinstance(e, ApiWarning)]
    assert len(warnings) == 1 and "token" in warnings[0].message.lower()
    assert tracker.state is None and tracker.next_delay() > 1


async def test_max_track_length_stop_offers_a_restart(harness, server_factory) -> None:
    live = server_factory(speed=60.0, activity_check_interval=0.0, max_track=120.0)
    h: Harness = await harness(live=live)
    assert await h.tracker.start(TrackTarget(WORK_ITEM, "long one"))
    stopped = await h.next(ServerStopped)
    kind = StoppedTrackType.STOPPED_BY_MAX_SINGLE_TRACK_LENGTH_EXCEEDED
    assert stopped.stopped_track_type is kind
    assert isinstance(stopped.restart.args, StartArgs)
    assert stopped.restart.args.target.remark == "long one"
    assert not h.of(StoppedElsewhere)


async def test_stop_on_sleep_option(harness) -> None:
    h: Harness = await harness(settings=TrackingSettings(stop_on_sleep=True))
    assert await h.tracker.start(TrackTarget(WORK_ITEM))
    h.tracker.on_session_event("sleep")
    await wait_until(lambda: not h.tracker.state.track.is_tracking, timeout=10)
    stops = [p for _, m, p in h.transport.sent if p.endswith("stopTracking")]
    assert len(stops) == 1


async def test_offline_stop_is_journaled_and_replayed_to_the_offline_time(
    restartable, tmp_path: Path
) -> None:
    """The server really goes away (connections refused), then comes back on the same port."""
    server = restartable()
    journal = Journal(tmp_path / "offline.sqlite3", now=server.now)
    client = server.client(retry=NO_429_RETRY)
    tracker = Tracker(
        client,
        activity=None,
        detector=None,
        journal=journal,
        now=server.now,
        monotonic=lambda: server.now().timestamp(),
        sleep=asyncio.sleep,
    )
    events: list[TrackerEvent] = []
    tracker.subscribe(events.append)
    try:
        assert await tracker.start(TrackTarget(WORK_ITEM, "offline stop"))
        log_id = tracker.state.track.work_log_id
        server.clock.advance(600)
        server.stop()
        assert not await tracker.stop()  # refused: written ahead
        assert not tracker.online and journal.count() == 1
        assert ConnectivityChanged(False, 1) in events  # the UI shows one pending change
        server.clock.advance(300)  # still offline; then the server is back
        server.start()
        tracker.network_changed(True)
        assert await tracker.refresh() is not None
        assert tracker.online and journal.count() == 0
        assert not tracker.state.track.is_tracking
        assert events[-1] == ConnectivityChanged(True, 0)
        logs = {w["id"]: w for w in server.work_logs()}
        assert logs[log_id]["length"] == 600  # ends when the user stopped, not at the replay
        assert not [e for e in events if isinstance(e, StoppedElsewhere | JournalConflict)]
    finally:
        await client.aclose()
        journal.close()
