"""The offline journal against the real local server on 127.0.0.1: commands taken while the
server is down (stopped for real: connections refused) are written ahead and replayed when it
is back on the same data dir; the work logs are checked through REST GET /api/rest/workLogs.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.api.client import TrackingClient
from app.api.errors import ConnectionFailed, RequestTimeout
from app.api.models import StopReason
from app.tracking import user_commands as c
from app.tracking.journal import Journal, JournalError, ReplayReport
from app.tracking.target import TrackTarget
from app.tracking.user_commands import Command, CommandKind, apply
from tests.tracking.conftest import OTHER_ITEM, WORK_ITEM, RestartableServer

Make = Callable[..., RestartableServer]
MIN = 60


class Conflicts:
    def __init__(self) -> None:
        self.seen: list[tuple[Command, str]] = []

    def __call__(self, command: Command, reason: str) -> None:
        self.seen.append((command, reason))


async def act(client: TrackingClient, journal: Journal, command: Command) -> bool:
    """What the Tracker does with a command: send it; offline (never sent) -> journal it.
    True when it went online."""
    try:
        await apply(client, command)
    except (ConnectionFailed, RequestTimeout) as exc:
        assert not exc.sent, "a refused connection is provably not sent"
        journal.append(command)
        return False
    return True


def at(server: RestartableServer) -> datetime:
    return server.now()


def shape(logs: list[dict[str, Any]]) -> list[tuple[int | None, int, bool]]:
    return [(log["workItemId"], log["length"], log["flags"]["isTracked"]) for log in logs]


def start_time(log: dict[str, Any]) -> datetime:
    """REST times are wall-clock times without offset: tracked logs in the zone the client
    sent at start (UTC: its clock is aware UTC), manual ones in this machine's zone."""
    naive = datetime.fromisoformat(log["timestamp"].rstrip("Z"))
    return naive.replace(tzinfo=UTC) if log["flags"]["isTracked"] else naive.astimezone()


async def replay(
    journal: Journal, client: TrackingClient, server: RestartableServer
) -> tuple[ReplayReport, Conflicts]:
    conflicts = Conflicts()
    report = await journal.replay(client, on_conflict=conflicts, now=server.now)
    return report, conflicts


@pytest.fixture
def make(restartable: Make) -> Make:
    return restartable


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "data" / "journal.sqlite3")


# --- storage ---------------------------------------------------------------------------------


def test_append_is_durable_ordered_and_idempotent_by_id(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    first = Journal(path)
    t = datetime.fromisoformat("2026-09-30T08:00:00+00:00")
    commands = [
        c.start(t, TrackTarget(WORK_ITEM)),
        c.adjust(t, "x"),
        c.stop(t + timedelta(minutes=5)),
    ]
    for command in commands:
        first.append(command)
    first.append(commands[0])  # the same id again: still one entry
    assert first.count() == 3
    first.close()  # a new process would see exactly this
    again = Journal(path)
    assert again.pending() == commands
    assert again.last_sync is None
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_a_failed_append_is_a_clear_error(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    journal.close()  # stands in for a file that can no longer be written
    with pytest.raises(JournalError, match=r"Could not save the stop command .*not recorded"):
        journal.append(c.stop(datetime.fromisoformat("2026-09-30T08:00:00+00:00")))


def test_an_unusable_journal_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(JournalError, match=r"Cannot open the offline journal .*writable"):
        Journal(blocker / "journal.sqlite3")
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(JournalError, match="move it away"):
        Journal(garbage)


# --- replay ----------------------------------------------------------------------------------


async def test_stop_taken_offline_becomes_stop_and_trim(make: Make, journal: Journal) -> None:
    server = make()
    async with server.client() as client:
        state = await client.start_tracking(WORK_ITEM, "offline stop")
        work_log = state.track.work_log_id
        server.clock.advance(30 * MIN)
        server.stop()
        stop = c.stop(at(server), expect_work_log_id=work_log)
        assert not await act(client, journal, stop)
        assert journal.count() == 1
        server.clock.advance(20 * MIN)  # offline for 20 more minutes; the server keeps tracking
        server.start()
        report, conflicts = await replay(journal, client, server)
    assert report.complete and report.applied == [stop] and not conflicts.seen
    assert shape(server.work_logs()) == [(WORK_ITEM, 30 * MIN, True)]
    assert server.current()["track"]["trackingState"] == "idle"
    assert journal.count() == 0 and journal.last_sync == server.now()
    assert [s.kind for s, status in journal.steps_of(stop.id)] == [
        CommandKind.STOP,
        CommandKind.TRIM_IDLE,
    ]


async def test_a_track_started_and_stopped_offline_is_one_manual_work_log(
    make: Make, journal: Journal
) -> None:
    server = make()
    async with server.client() as client:
        server.stop()
        first = c.start(
            at(server), TrackTarget(WORK_ITEM, "written offline"), expect_work_log_id=None
        )
        await act(client, journal, first)
        server.clock.advance(10 * MIN)
        await act(client, journal, c.adjust(at(server), "renamed offline"))
        server.clock.advance(15 * MIN)
        stop = c.stop(at(server))
        await act(client, journal, stop)
        server.clock.advance(5 * MIN)
        server.start()
        report, conflicts = await replay(journal, client, server)
    assert report.complete and not conflicts.seen
    logs = server.work_logs()
    assert shape(logs) == [(WORK_ITEM, 25 * MIN, False)]
    assert logs[0]["comment"] == "renamed offline"
    assert start_time(logs[0]) == first.at
    assert server.current()["track"]["trackingState"] == "idle"
    assert journal.status_of(stop.id) == "folded"


async def test_a_switch_taken_offline_keeps_every_minute_once(make: Make, journal: Journal) -> None:
    """Tracking A; offline: start B (a switch), still running when the server returns."""
    server = make()
    async with server.client() as client:
        state = await client.start_tracking(WORK_ITEM, "A")
        server.clock.advance(20 * MIN)
        server.stop()
        switch = c.start(
            at(server), TrackTarget(OTHER_ITEM, "B"), expect_work_log_id=state.track.work_log_id
        )
        await act(client, journal, switch)
        server.clock.advance(12 * MIN)
        server.start()
        report, conflicts = await replay(journal, client, server)
        assert report.complete and not conflicts.seen
        server.clock.advance(3 * MIN)  # B keeps running live
        logs = server.work_logs()
    assert shape(logs) == [
        (WORK_ITEM, 20 * MIN, True),  # A trimmed to the offline switch
        (OTHER_ITEM, 12 * MIN, False),  # B's offline minutes, booked by hand
        (OTHER_ITEM, 3 * MIN, True),  # B live, since the server came back
    ]
    assert start_time(logs[1]) == switch.at
    assert start_time(logs[2]) == switch.at + timedelta(minutes=12)
    current = server.current()["track"]
    assert current["trackingState"] == "tracking" and current["tfsId"] == OTHER_ITEM


async def test_replaying_twice_applies_nothing_twice(make: Make, journal: Journal) -> None:
    server = make()
    async with server.client() as client:
        server.stop()
        begin = c.start(at(server), TrackTarget(WORK_ITEM), expect_work_log_id=None)
        await act(client, journal, begin)
        server.clock.advance(10 * MIN)
        await act(client, journal, c.stop(at(server)))
        server.start()
        first, _ = await replay(journal, client, server)
        second, _ = await replay(journal, client, server)
        journal.append(begin)  # a duplicate append of an applied id is ignored too
        third, _ = await replay(journal, client, server)
    assert len(first.applied) == 2 and second.applied == [] and third.applied == []
    assert shape(server.work_logs()) == [(WORK_ITEM, 10 * MIN, False)]


# --- conflicts -------------------------------------------------------------------------------


async def test_a_start_elsewhere_is_a_conflict_not_overwritten(
    make: Make, journal: Journal
) -> None:
    server = make()
    async with server.client() as client, server.client() as browser:
        state = await client.start_tracking(WORK_ITEM, "mine")
        server.clock.advance(10 * MIN)
        server.stop()
        stop = c.stop(at(server), expect_work_log_id=state.track.work_log_id)
        await act(client, journal, stop)
        server.start()
        server.clock.advance(5 * MIN)
        await browser.start_tracking(OTHER_ITEM, "started in the browser")
        server.clock.advance(5 * MIN)
        report, conflicts = await replay(journal, client, server)
    assert [command for command, _ in conflicts.seen] == [stop]
    assert "another track" in conflicts.seen[0][1] or "elsewhere" in conflicts.seen[0][1]
    assert report.conflicts == conflicts.seen and report.pending == 0
    assert journal.conflicts() == conflicts.seen  # kept, set aside, with the reason
    # the browser's track was left alone: still running, not stopped, not trimmed
    current = server.current()["track"]
    assert current["trackingState"] == "tracking" and current["tfsId"] == OTHER_ITEM
    assert shape(server.work_logs()) == [(WORK_ITEM, 15 * MIN, True), (OTHER_ITEM, 5 * MIN, True)]


async def test_a_server_stop_while_offline_is_surfaced_and_later_commands_still_apply(
    make: Make, journal: Journal
) -> None:
    server = make(activity_check_interval=15 * MIN, activity_check_wait=60)
    async with server.client() as client:
        state = await client.start_tracking(WORK_ITEM)
        server.clock.advance(5 * MIN)
        server.stop()
        server.clock.advance(25 * MIN)  # the check at 15 min goes unanswered while offline
        stop = c.stop(at(server), expect_work_log_id=state.track.work_log_id)
        await act(client, journal, stop)
        server.clock.advance(MIN)
        later = c.start(at(server), TrackTarget(OTHER_ITEM), expect_work_log_id=None)
        await act(client, journal, later)
        server.clock.advance(4 * MIN)
        server.start()
        report, conflicts = await replay(journal, client, server)
    assert [command for command, _ in conflicts.seen] == [stop]
    assert "activity check" in conflicts.seen[0][1]
    assert report.applied == [later]
    logs = server.work_logs()
    # the server closed the first track at its check (15 min); nobody stretched it silently
    assert shape(logs)[0] == (WORK_ITEM, 15 * MIN, True)
    assert shape(logs)[1:] == [(OTHER_ITEM, 4 * MIN, False), (OTHER_ITEM, 0, True)]


async def test_an_activity_check_answer_that_came_too_late_is_obsolete(
    make: Make, journal: Journal
) -> None:
    server = make(activity_check_interval=10 * MIN, activity_check_wait=60)
    async with server.client() as client:
        await client.start_tracking(WORK_ITEM)
        server.clock.advance(10 * MIN + 10)
        assert (await client.current()).track.activity_check is not None
        server.stop()
        answer = c.activity_check(at(server))
        await act(client, journal, answer)
        server.clock.advance(5 * MIN)
        server.start()
        report, conflicts = await replay(journal, client, server)
    assert report.obsolete == [answer] and not conflicts.seen and report.pending == 0


async def test_a_refused_command_is_set_aside_with_the_servers_reason(
    make: Make, journal: Journal
) -> None:
    server = make()
    async with server.client() as client:
        server.stop()
        bad = c.start(
            at(server), TrackTarget(999_999), expect_work_log_id=None
        )  # no such work item
        await act(client, journal, bad)
        server.start()
        _, conflicts = await replay(journal, client, server)
    assert [command for command, _ in conflicts.seen] == [bad]
    assert "refused" in conflicts.seen[0][1]
    assert server.work_logs() == []


async def test_replay_while_still_offline_keeps_everything(make: Make, journal: Journal) -> None:
    server = make()
    async with server.client() as client:
        server.stop()
        stop = c.stop(at(server), StopReason.MACHINE)
        journal.append(stop)
        report, _ = await replay(journal, client, server)
    assert isinstance(report.error, ConnectionFailed) and not report.complete
    assert journal.pending() == [stop] and report.pending == 1 and journal.last_sync is None


async def test_offline_changes_to_a_running_track_are_applied_to_it(
    make: Make, journal: Journal
) -> None:
    server = make()
    async with server.client() as client:
        state = await client.start_tracking(WORK_ITEM, "before")
        work_log = state.track.work_log_id
        server.clock.advance(10 * MIN)
        server.stop()
        rename = c.adjust(at(server), "renamed offline", expect_work_log_id=work_log)
        await act(client, journal, rename)
        await act(client, journal, c.select(at(server), TrackTarget(OTHER_ITEM, "next")))
        server.clock.advance(5 * MIN)
        server.start()
        report, conflicts = await replay(journal, client, server)
        assert report.complete and len(report.applied) == 2 and not conflicts.seen
        track = (await client.current()).track
    logs = server.work_logs()
    assert shape(logs) == [(WORK_ITEM, 15 * MIN, True)]
    assert logs[0]["comment"] == "renamed offline"
    assert track.work_log_id == work_log  # still the same track, running on


async def test_commands_after_a_conflicting_start_are_set_aside_too(
    make: Make, journal: Journal
) -> None:
    server = make()
    async with server.client() as client, server.client() as browser:
        server.stop()
        mine = c.start(at(server), TrackTarget(WORK_ITEM), expect_work_log_id=None)
        await act(client, journal, mine)
        server.start()
        await browser.start_tracking(OTHER_ITEM, "browser")  # before our replay
        server.stop()
        server.clock.advance(10 * MIN)
        server.start()
        # our stop was journaled after our start (its expectation: our own, unknown track)
        journal.append(c.stop(at(server)))
        report, conflicts = await replay(journal, client, server)
    assert [command.kind for command, _ in conflicts.seen] == [CommandKind.START, CommandKind.STOP]
    assert "elsewhere" in conflicts.seen[0][1]
    assert report.pending == 0 and len(journal.conflicts()) == 2
    current = server.current()["track"]
    assert current["trackingState"] == "tracking" and current["tfsId"] == OTHER_ITEM


# --- journals written before the arguments were typed ------------------------------------------


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def write_old_entries(path: Path, entries: list[dict[str, Any]]) -> None:
    """Pending user entries stored as the code before typed arguments did: the same row, the
    same JSON (`tfs_id`, ISO strings, the expectation inside `args`)."""
    Journal(path).close()  # the schema
    db = sqlite3.connect(path)
    with db:
        for ord_, entry in enumerate(entries, start=1):
            db.execute(
                "INSERT INTO entries (ord, id, parent, command, status, updated) "
                "VALUES (?, ?, NULL, ?, 'pending', ?)",
                (float(ord_), entry["id"], json.dumps(entry), entry["at"]),
            )
    db.close()


async def test_a_journal_written_by_the_earlier_code_replays_as_before(
    make: Make, tmp_path: Path
) -> None:
    """Tracking A; offline: stop A, start B (billable), rename it, stop it, select A, and trim
    A by an idle period. Each entry as the earlier code stored it."""
    server = make()
    async with server.client() as client:
        state = await client.start_tracking(WORK_ITEM, "before the upgrade")
        work_log, started = state.track.work_log_id, state.track.current_track_started_date_time
        assert work_log is not None and started is not None
        t0 = at(server)
        server.clock.advance(60 * MIN)
        server.stop()

        def entry(n: int, kind: str, minutes: int, args: dict[str, Any]) -> dict[str, Any]:
            moment = iso(t0 + timedelta(minutes=minutes))
            return {"id": f"{n:032x}", "kind": kind, "at": moment, "args": args}

        stored = [
            entry(1, "stop", 30, {"reason": 0, "expect_work_log_id": work_log}),
            entry(
                2,
                "start",
                35,
                {
                    "tfs_id": OTHER_ITEM,
                    "remark": "offline B",
                    "activity_type_id": None,
                    "is_billable": True,
                    "expect_work_log_id": None,
                },
            ),
            entry(3, "adjust", 40, {"remark": "B renamed", "activity_type_id": None}),
            entry(4, "stop", 55, {"reason": 0}),
            entry(
                5, "select", 56, {"tfs_id": WORK_ITEM, "remark": "next", "activity_type_id": None}
            ),
            entry(
                6,
                "trim_idle",
                57,
                {
                    "work_log_id": work_log,
                    "track_start": iso(started),
                    "end": iso(t0 + timedelta(minutes=30)),
                    "idle_start": iso(t0 + timedelta(minutes=20)),
                    "idle_end": iso(t0 + timedelta(minutes=30)),
                },
            ),
        ]
        path = tmp_path / "old" / "journal.sqlite3"
        write_old_entries(path, stored)
        journal = Journal(path)
        assert [command.id for command in journal.pending()] == [e["id"] for e in stored]
        server.start()
        report, conflicts = await replay(journal, client, server)
        assert report.complete and not conflicts.seen
        selected = (await client.current()).track
    logs = server.work_logs()
    assert shape(logs) == [
        (WORK_ITEM, 20 * MIN, True),  # stopped at the offline stop, then the idle trimmed off
        (OTHER_ITEM, 20 * MIN, False),  # B began and ended offline: one manual log
    ]
    assert logs[1]["comment"] == "B renamed" and logs[1]["billableLength"] == 20 * MIN
    assert start_time(logs[1]) == t0 + timedelta(minutes=35)
    assert (selected.tfs_id, selected.remark) == (WORK_ITEM, "next")
    assert journal.status_of(stored[3]["id"]) == "folded"
    journal.close()
