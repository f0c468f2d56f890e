"""CommandSender on its own: a scripted client, a real journal, no server, no loop.

The end-to-end behaviour (real server, faults on every command, replay) is in test_tracker.py
and test_replay.py; these pin what the part decides by itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.api.errors import ConnectionFailed, RateLimitedError, ServerError
from app.api.models import SnoozeOption, StopReason, TrackingState
from app.tracking import user_commands as cmd
from app.tracking.events import ConnectivityChanged, RateLimited
from app.tracking.journal import Journal
from app.tracking.sender import CommandSender, took_effect
from app.tracking.target import TrackTarget

T0 = datetime(2026, 9, 30, 9, 0, tzinfo=UTC)


def state(ts: int, kind: str = "tracking", log: str | None = "a", left: int | None = None) -> Any:
    track: dict[str, Any] = {"trackingState": kind, "workLogId": log}
    if kind == "tracking":
        track["currentTrackStartedDateTime"] = "2026-09-30T08:00:00"
    if left is not None:
        track["activityCheck"] = {"isRunning": True, "secondsLeft": left}
    return TrackingState.from_wire({"track": track, "timestamp": ts})


@dataclass
class Client:
    """`answers[name]`: a state to return or an exception to raise, per call in turn."""

    answers: dict[str, list[Any]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    gate: asyncio.Event | None = None  # current() waits for it (a stalled request)

    async def _answer(self, name: str) -> Any:
        self.calls.append(name)
        answer = self.answers[name].pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def current(self) -> TrackingState:
        if self.gate is not None:
            await self.gate.wait()
        return await self._answer("current")

    async def stop_tracking(self, reason: StopReason) -> TrackingState:
        return await self._answer("stop")

    async def activity_check(self) -> TrackingState:
        return await self._answer("activity_check")

    async def idle_check(self, option: SnoozeOption) -> TrackingState:
        return await self._answer("idle_check")


@dataclass
class Part:
    sender: CommandSender
    client: Client
    journal: Journal
    events: list[object]
    accepted: list[tuple[TrackingState, str]]
    failed: list[Exception]
    wakes: list[bool]
    holder: dict[str, Any]


def make(tmp_path: Path, current: Any = None) -> Part:
    client = Client()
    journal = Journal(tmp_path / "journal.sqlite", now=lambda: T0)
    events: list[object] = []
    accepted: list[tuple[TrackingState, str]] = []
    failed: list[Exception] = []
    wakes: list[bool] = []
    holder: dict[str, Any] = {"state": current}

    async def accept(s: TrackingState, source: str, sent: datetime | None) -> None:
        accepted.append((s, source))
        holder["state"] = s

    async def after() -> None:
        pass

    sender = CommandSender(
        client,  # type: ignore[arg-type]
        journal,
        now=lambda: T0,
        emit=events.append,
        state=lambda: holder["state"],
        accept=accept,
        after=after,
        poll_failed=failed.append,
        wake=wakes.append,
    )
    return Part(sender, client, journal, events, accepted, failed, wakes, holder)


async def test_offline_commands_are_journaled(tmp_path: Path) -> None:
    p = make(tmp_path, state(1))
    p.sender.set_online(False)
    assert not await p.sender.execute(cmd.stop(T0, StopReason.USER, expect_work_log_id="a"))
    assert p.journal.count() == 1 and not p.client.calls
    assert p.events == [ConnectivityChanged(False, 0), ConnectivityChanged(False, 1)]
    assert p.sender.own_stop_outstanding()  # a push of the stop is ours, not another's


async def test_a_429_pauses_everything_and_journals_the_command(tmp_path: Path) -> None:
    p = make(tmp_path, state(1))
    p.client.answers["stop"] = [RateLimitedError(429, None, "slow down", retry_after=30)]
    assert not await p.sender.execute(cmd.stop(T0, StopReason.USER, expect_work_log_id="a"))
    assert p.sender.rate_until == T0 + timedelta(seconds=30) and p.sender.rate_limited()
    assert p.wakes == [True]  # the loop polls when the pause ends
    assert RateLimited(T0 + timedelta(seconds=30)) in p.events
    assert p.journal.count() == 1 and not p.sender.can_send()


async def test_a_lost_answer_is_verified_by_a_fresh_read(tmp_path: Path) -> None:
    p = make(tmp_path, state(1))
    p.client.answers["stop"] = [ServerError(502, None, "bad gateway")]
    p.client.answers["current"] = [state(2, "idle", None)]
    assert await p.sender.execute(cmd.stop(T0, StopReason.USER, expect_work_log_id="a"))
    assert p.journal.count() == 0 and p.accepted == [(state(2, "idle", None), "command")]


async def test_a_lost_stop_not_visible_yet_is_journaled_with_its_trim(tmp_path: Path) -> None:
    p = make(tmp_path, state(1))
    p.client.answers["stop"] = [ConnectionFailed("reset", sent=True)]
    p.client.answers["current"] = [ConnectionFailed("reset")]
    assert not await p.sender.execute(cmd.stop(T0, StopReason.USER, expect_work_log_id="a"))
    kinds = [c.kind for c in p.journal.pending()]
    assert kinds == [cmd.CommandKind.STOP, cmd.CommandKind.TRIM_IDLE]
    assert len(p.failed) == 1  # the failed re-read counts as a failed poll


async def test_an_answer_does_not_queue_behind_a_stalled_request(tmp_path: Path) -> None:
    p = make(tmp_path, state(1, "activityCheck", left=30))
    p.client.gate = asyncio.Event()
    p.client.answers["current"] = [state(1)]
    stalled = asyncio.ensure_future(p.sender.read_current())
    await asyncio.sleep(0)  # it holds the I/O lock now
    p.client.answers["activity_check"] = [state(2)]
    answered = await asyncio.wait_for(p.sender.send(cmd.activity_check(T0), answer=True), 1)
    assert answered == state(2) and not stalled.done()
    p.client.gate.set()
    await stalled


async def test_answers_go_over_the_hub_when_one_answers_checks(tmp_path: Path) -> None:
    p = make(tmp_path, state(1, "activityCheck", left=30))

    class Hub:
        async def activity_check(self) -> TrackingState:
            return state(3)

        async def idle_check(self, option: SnoozeOption) -> TrackingState:
            return state(4)

    p.sender.answerer = Hub()
    assert await p.sender.send(cmd.activity_check(T0), answer=True) == state(3)
    snooze = cmd.idle_check(T0, SnoozeOption.TOMORROW)
    assert await p.sender.send(snooze, answer=True) == state(4)
    assert not p.client.calls
    # a command that is not an answer never goes over the hub
    p.client.answers["stop"] = [state(5, "idle", None)]
    assert await p.sender.send(cmd.stop(T0, StopReason.USER)) == state(5, "idle", None)


def test_took_effect() -> None:
    running, stopped = state(1), state(2, "idle", None)
    assert took_effect(cmd.stop(T0, StopReason.USER), running, stopped)
    assert not took_effect(cmd.stop(T0, StopReason.USER), running, state(2))
    assert took_effect(cmd.start(T0, TrackTarget(None, "r")), stopped, state(3, log="b"))
    # a start of item 7 shows as a new log of item 7, not of another item
    assert not took_effect(cmd.start(T0, TrackTarget(7)), stopped, state(3, log="b"))
    assert took_effect(cmd.activity_check(T0), state(1, left=30), state(2))
    assert not took_effect(cmd.activity_check(T0), state(1, left=30), state(2, left=20))
