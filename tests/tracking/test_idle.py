"""Idle decisions against the real local server: each choice leaves exactly the right work logs
(count, item, length to the second), checked through REST GET /api/rest/workLogs.

Timeline of every case (hand-driven server clock): tracking starts at 0, the user's last input
is at 20 min, the user is back at 35 min and answers the prompt at 40 min.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.activity.detector import IdlePeriod
from app.api.models import Track
from app.settings import IdlePolicy as SettingsIdlePolicy
from app.tracking import idle
from app.tracking.idle import IdleChoice, IdlePolicy
from app.tracking.journal import Journal
from app.tracking.target import TrackTarget
from app.tracking.user_commands import Command, CommandError, CommandKind
from tests.tracking.conftest import OTHER_ITEM, WORK_ITEM, RestartableServer

Make = Callable[..., RestartableServer]
MIN = 60
DESIGN = "5f8a3c1e-2b4d-4e6f-8a9b-0c1d2e3f4a02"  # a demo activity type, not the default


def shape(logs: list[dict[str, Any]]) -> list[tuple[int | None, int, bool]]:
    return [(log["workItemId"], log["length"], log["flags"]["isTracked"]) for log in logs]


def local_start(log: dict[str, Any]) -> datetime:
    naive = datetime.fromisoformat(log["timestamp"].rstrip("Z"))
    return naive.replace(tzinfo=UTC) if log["flags"]["isTracked"] else naive.astimezone()


def period(t0: datetime, start_min: float, end_min: float) -> IdlePeriod:
    return IdlePeriod(
        (t0 + timedelta(minutes=start_min)).timestamp(),
        (t0 + timedelta(minutes=end_min)).timestamp(),
        "input",
    )


class Conflicts(list[tuple[Command, str]]):
    def __call__(self, command: Command, reason: str) -> None:
        self.append((command, reason))


async def tracked_then_idle(
    server: RestartableServer, **start: Any
) -> tuple[datetime, Track, IdlePeriod]:
    t0 = server.now()
    async with server.client() as client:
        state = await client.start_tracking(WORK_ITEM, "deep work", **start)
    server.clock.advance(40 * MIN)
    return t0, state.track, period(t0, 20, 35)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.sqlite3")


async def test_keep_changes_nothing(restartable: Make, journal: Journal) -> None:
    server = restartable()
    _, track, idle_period = await tracked_then_idle(server)
    async with server.client() as client:
        done = await idle.resolve_idle(
            client, IdleChoice.KEEP, idle_period, track, now=server.now, journal=journal
        )
    assert done == [] and journal.count() == 0
    assert shape(server.work_logs()) == [(WORK_ITEM, 40 * MIN, True)]
    assert server.current()["track"]["trackingState"] == "tracking"


@pytest.mark.parametrize("with_journal", [True, False], ids=["journal", "direct"])
async def test_discard_stops_and_trims_the_idle_length(
    restartable: Make, journal: Journal, with_journal: bool
) -> None:
    server = restartable()
    _, track, idle_period = await tracked_then_idle(server)
    conflicts = Conflicts()
    async with server.client() as client:
        done = await idle.resolve_idle(
            client,
            IdleChoice.DISCARD,
            idle_period,
            track,
            now=server.now,
            journal=journal if with_journal else None,
            on_conflict=conflicts,
        )
    assert [command.kind for command in done] == [CommandKind.STOP, CommandKind.TRIM_IDLE]
    # 40 min tracked minus 15 idle
    assert shape(server.work_logs()) == [(WORK_ITEM, 25 * MIN, True)]
    current = server.current()["track"]
    assert current["trackingState"] == "idle"
    assert not conflicts and journal.count() == 0


async def test_discard_and_continue_restarts_the_same_track(
    restartable: Make, journal: Journal
) -> None:
    server = restartable()
    t0, _, idle_period = await tracked_then_idle(server, activity_type_id=DESIGN, is_billable=True)
    async with server.client() as client:
        await client.adjust("deep work, adjusted", DESIGN)
        track = (await client.current()).track
        await idle.resolve_idle(
            client,
            IdleChoice.DISCARD_AND_CONTINUE,
            idle_period,
            track,
            now=server.now,
            journal=journal,
        )
    server.clock.advance(5 * MIN)
    logs = server.work_logs()
    assert shape(logs) == [(WORK_ITEM, 25 * MIN, True), (WORK_ITEM, 5 * MIN, True)]
    assert local_start(logs[1]) == t0 + timedelta(minutes=40)
    assert [log["activityType"]["id"] for log in logs] == [DESIGN, DESIGN]
    assert [log["flags"]["isBillable"] for log in logs] == [True, True]
    current = server.current()["track"]
    assert current["trackingState"] == "tracking"
    assert (current["tfsId"], current["remark"]) == (WORK_ITEM, "deep work, adjusted")


async def test_book_to_another_item_moves_the_idle_time_there(
    restartable: Make, journal: Journal
) -> None:
    server = restartable()
    t0, track, idle_period = await tracked_then_idle(server)
    async with server.client() as client:
        done = await idle.resolve_idle(
            client,
            IdleChoice.BOOK_TO_OTHER,
            idle_period,
            track,
            TrackTarget(OTHER_ITEM, "meeting"),
            now=server.now,
            journal=journal,
        )
    assert [command.kind for command in done] == [
        CommandKind.STOP,
        CommandKind.TRIM_IDLE,
        CommandKind.ADD_WORK_LOG,
        CommandKind.START,
    ]
    server.clock.advance(5 * MIN)
    logs = server.work_logs()
    assert shape(logs) == [
        (WORK_ITEM, 25 * MIN, True),  # the original, idle time cut out
        (OTHER_ITEM, 15 * MIN, False),  # the idle period, on the other item
        (WORK_ITEM, 5 * MIN, True),  # the original, continued
    ]
    assert local_start(logs[1]) == t0 + timedelta(minutes=20)
    assert logs[1]["comment"] == "meeting"
    assert server.current()["track"]["tfsId"] == WORK_ITEM


async def test_book_needs_a_work_item(restartable: Make) -> None:
    server = restartable()
    _, track, idle_period = await tracked_then_idle(server)
    async with server.client() as client:
        with pytest.raises(CommandError, match="Choose the work item"):
            await idle.resolve_idle(
                client, IdleChoice.BOOK_TO_OTHER, idle_period, track, now=server.now
            )
    assert shape(server.work_logs()) == [(WORK_ITEM, 40 * MIN, True)]  # untouched


async def test_stop_when_idle_stops_at_detection_and_trims_the_threshold(
    restartable: Make, journal: Journal
) -> None:
    server = restartable()
    t0 = server.now()
    async with server.client() as client:
        track = (await client.start_tracking(WORK_ITEM)).track
        server.clock.advance(25 * MIN)  # last input at 20 min, threshold 5 min: detected now
        plan = idle.plan_stop_when_idle(track, t0 + timedelta(minutes=20), at=server.now())
        await idle.run_commands(client, plan, journal=journal, now=server.now)
    assert shape(server.work_logs()) == [(WORK_ITEM, 20 * MIN, True)]
    assert server.current()["track"]["trackingState"] == "idle"


def test_policies_map_to_choices() -> None:
    assert [p.value for p in IdlePolicy] == [p.value for p in SettingsIdlePolicy]
    assert idle.choice_for_policy(IdlePolicy.ALWAYS_KEEP) is IdleChoice.KEEP
    assert idle.choice_for_policy(IdlePolicy.ALWAYS_DISCARD) is IdleChoice.DISCARD
    assert idle.choice_for_policy(IdlePolicy.ASK) is None
    assert idle.choice_for_policy(IdlePolicy.STOP_WHEN_IDLE) is None
    assert [p.value for p in IdlePolicy] == [
        "ask",
        "always_keep",
        "always_discard",
        "stop_when_idle",
    ]


async def test_discard_after_the_server_stopped_the_track_meanwhile(
    restartable: Make, journal: Journal
) -> None:
    """Away long enough for an activity check to expire: the server closed the log at the
    check (30 min); Discard still cuts it back to the last input, and is no conflict."""
    server = restartable(activity_check_interval=30 * MIN, activity_check_wait=60)
    t0 = server.now()
    async with server.client() as client:
        track = (await client.start_tracking(WORK_ITEM)).track
        server.clock.advance(50 * MIN)
        state = await client.current()
        assert state.track.tracking_state.name == "CLIENT_INPUT_REQUIRED"
        conflicts = Conflicts()
        await idle.resolve_idle(
            client,
            IdleChoice.DISCARD_AND_CONTINUE,
            period(t0, 20, 50),
            track,
            now=server.now,
            journal=journal,
            on_conflict=conflicts,
        )
    assert not conflicts
    assert shape(server.work_logs()) == [(WORK_ITEM, 20 * MIN, True), (WORK_ITEM, 0, True)]


async def test_an_idle_decision_taken_offline_lands_the_same_way(
    restartable: Make, journal: Journal
) -> None:
    server = restartable()
    t0, track, idle_period = await tracked_then_idle(server)
    async with server.client() as client:
        server.stop()  # the laptop woke up without network
        report = await idle.run_commands(
            client,
            idle.plan_idle(
                IdleChoice.BOOK_TO_OTHER,
                idle_period,
                track,
                at=server.now(),
                other=TrackTarget(OTHER_ITEM),
            ),
            journal=journal,
            now=server.now,
        )
        assert report is not None and report.error is not None and journal.count() == 4
        server.clock.advance(10 * MIN)  # back online 10 min later
        server.start()
        again = await journal.replay(client, on_conflict=Conflicts(), now=server.now)
    assert again.complete and not again.conflicts
    logs = server.work_logs()
    assert shape(logs) == [
        (WORK_ITEM, 25 * MIN, True),  # stopped at the decision (40), minus the idle 15
        (OTHER_ITEM, 15 * MIN, False),  # the idle period on the other item
        (WORK_ITEM, 10 * MIN, False),  # the continued track's offline minutes
        (WORK_ITEM, 0, True),  # ... and live from now on
    ]
    assert local_start(logs[2]) == t0 + timedelta(minutes=40)


async def test_discard_answered_late_after_the_server_stop_removes_all_the_booked_time(
    restartable: Make, journal: Journal
) -> None:
    """Away from 20 to 50 min; the server closed the log at its check (30 min); the user
    answers Discard at 55 min. Told when the track ended, the log keeps just its 20 min before
    the away time (without `ended_at` the trim would end at the answer: 25 min stay)."""
    server = restartable(activity_check_interval=30 * MIN, activity_check_wait=60)
    t0 = server.now()
    async with server.client() as client:
        track = (await client.start_tracking(WORK_ITEM)).track
        server.clock.advance(55 * MIN)
        state = await client.current()
        ended = idle.idle_track_end(track, state)
        assert track.current_track_started_date_time is not None
        assert ended == track.current_track_started_date_time + timedelta(minutes=30)
        await idle.resolve_idle(
            client,
            IdleChoice.DISCARD,
            period(t0, 20, 50),
            track,
            now=server.now,
            journal=journal,
            ended_at=ended,
        )
    assert shape(server.work_logs()) == [(WORK_ITEM, 20 * MIN, True)]


async def test_idle_track_end_only_for_the_same_stopped_work_log(restartable: Make) -> None:
    server = restartable(activity_check_interval=10 * MIN, activity_check_wait=60)
    async with server.client() as client:
        first = (await client.start_tracking(WORK_ITEM)).track
        server.clock.advance(5 * MIN)
        assert idle.idle_track_end(first, await client.current()) is None  # it runs
        second = (await client.start_tracking(OTHER_ITEM)).track  # replaces `first`
        server.clock.advance(15 * MIN)  # the check at +10 min expires unanswered
        stopped = await client.current()
        assert idle.idle_track_end(first, stopped) is None  # the state is about `second`
        end = idle.idle_track_end(second, stopped)
        assert second.current_track_started_date_time is not None
        assert end == second.current_track_started_date_time + timedelta(minutes=10)
        await client.start_tracking(WORK_ITEM)
        server.clock.advance(MIN)
        by_user = await client.stop_tracking()
    # A user's stop leaves no work log in the state: the track cannot be told, so None.
    assert idle.idle_track_end(second, by_user) is None
