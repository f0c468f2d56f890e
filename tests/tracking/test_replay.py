"""Offline -> online replay of a whole offline day against the real local server: killed
(SIGKILL, in a child process) at every request, under injected faults (500, 429 with
Retry-After, dropped connections, timeouts): it converges to exactly the expected work logs,
nothing lost, nothing doubled. Work logs are read through REST GET /api/rest/workLogs.

Run as a module (`python -m tests.tracking.test_replay`), this file is the child process that
replays a journal and kills itself at a chosen request.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.api.client import TrackingClient
from app.api.retry import RetryPolicy
from app.tracking import user_commands as c
from app.tracking.journal import Journal, ReplayReport, Settling
from app.tracking.target import TrackTarget
from app.tracking.user_commands import Command
from tests.tracking.conftest import OTHER_ITEM, TOKEN, WORK_ITEM, RestartableServer
from tests.tracking.test_journal import act

Make = Callable[..., RestartableServer]
MIN = 60
SENDS = 5  # requests that change something in the offline day below
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Day:
    t0: datetime
    journal: Path


async def offline_day(server: RestartableServer, path: Path) -> Day:
    """Tracking A from 0; offline from 30 min: stop (30), start B (40), rename B (45), stop
    (60), start A again (70); the server is back at 80 min."""
    journal = Journal(path)
    t0 = server.now()
    clock = server.clock
    async with server.client() as client:
        state = await client.start_tracking(WORK_ITEM, "A")
        clock.advance(30 * MIN)
        server.stop()
        await act(client, journal, c.stop(clock.now(), expect_work_log_id=state.track.work_log_id))
        clock.advance(10 * MIN)
        await act(
            client,
            journal,
            c.start(clock.now(), TrackTarget(OTHER_ITEM, "B"), expect_work_log_id=None),
        )
        clock.advance(5 * MIN)
        await act(client, journal, c.adjust(clock.now(), "B renamed"))
        clock.advance(15 * MIN)
        await act(client, journal, c.stop(clock.now()))
        clock.advance(10 * MIN)
        await act(client, journal, c.start(clock.now(), TrackTarget(WORK_ITEM, "A again")))
        clock.advance(10 * MIN)
    assert journal.count() == 5
    journal.close()
    server.start()
    return Day(t0, path)


def local_start(log: dict[str, Any]) -> datetime:
    naive = datetime.fromisoformat(log["timestamp"].rstrip("Z"))
    return naive.replace(tzinfo=UTC) if log["flags"]["isTracked"] else naive.astimezone()


def assert_day(server: RestartableServer, day: Day) -> None:
    """Exactly the day's work logs: nothing lost, nothing doubled."""
    logs = server.work_logs()
    at = [local_start(log) - day.t0 for log in logs]
    shape = [(log["workItemId"], log["comment"], log["flags"]["isTracked"]) for log in logs]
    assert shape == [
        (WORK_ITEM, "A", True),
        (OTHER_ITEM, "B renamed", False),
        (WORK_ITEM, "A again", False),  # the offline minutes of the last start
        (WORK_ITEM, "A again", True),  # live since the server came back
    ], logs
    assert at[:3] == [timedelta(0), timedelta(minutes=40), timedelta(minutes=70)]
    assert [log["length"] for log in logs[:2]] == [30 * MIN, 20 * MIN]
    # the gap log ends exactly where the live track starts: not a second lost or doubled
    assert at[2] + timedelta(seconds=logs[2]["length"]) == at[3]
    assert at[3] >= timedelta(minutes=80)
    current = server.current()["track"]
    assert current["trackingState"] == "tracking"
    assert (current["tfsId"], current["workLogId"]) == (WORK_ITEM, logs[3]["id"])
    journal = Journal(day.journal)
    assert journal.count() == 0 and journal.conflicts() == []
    journal.close()


class Conflicts(list[tuple[Command, str]]):
    def __call__(self, command: Command, reason: str) -> None:
        self.append((command, reason))


# --- killed at every request, in a child process ------------------------------------------


def run_child(day: Day, server: RestartableServer, kill: str = "", at: int = 0) -> Any:
    env = {
        **os.environ,
        "JOURNAL": str(day.journal),
        "URL": server.url,
        "NOW": server.now().isoformat(),
        "KILL": kill,
        "KILL_AT": str(at),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.tracking.test_replay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done


@pytest.mark.parametrize("at", range(1, SENDS + 1))
@pytest.mark.parametrize("kill", ["before_send", "after_send"])
async def test_killed_at_any_request_then_replayed_again_applies_everything_once(
    restartable: Make, tmp_path: Path, kill: str, at: int
) -> None:
    server = restartable()
    day = await offline_day(server, tmp_path / "journal.sqlite3")
    killed = run_child(day, server, kill, at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    again = run_child(day, server)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["complete"] and report["conflicts"] == []
    assert_day(server, day)


async def test_the_day_needs_exactly_this_many_requests(restartable: Make, tmp_path: Path) -> None:
    """Guards the kill test: killing after the last request still lets the child finish."""
    server = restartable()
    day = await offline_day(server, tmp_path / "journal.sqlite3")
    done = run_child(day, server, "after_send", SENDS + 1)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sends"] == SENDS
    assert_day(server, day)


def child_main() -> None:
    now = datetime.fromisoformat(os.environ["NOW"])
    kill, kill_at = os.environ["KILL"], int(os.environ["KILL_AT"])
    counts = {"before_send": 0, "after_send": 0}

    def hook(which: str) -> Callable[[Command], None]:
        def count(command: Command) -> None:
            counts[which] += 1
            if which == kill and counts[which] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

        return count

    async def main() -> ReplayReport:
        journal = Journal(Path(os.environ["JOURNAL"]), now=lambda: now)
        async with TrackingClient(
            os.environ["URL"], token=TOKEN, now=lambda: now, retry=RetryPolicy.none()
        ) as client:
            return await journal.replay(
                client,
                on_conflict=lambda command, reason: None,
                before_send=hook("before_send"),
                after_send=hook("after_send"),
            )

    report = asyncio.run(main())
    print(
        json.dumps(
            {
                "complete": report.complete,
                "conflicts": [reason for _, reason in report.conflicts],
                "sends": counts["after_send"],
            }
        )
    )


# --- injected faults -------------------------------------------------------------------------


async def replay_until_done(
    server: RestartableServer, journal: Journal, client: TrackingClient, rounds: int = 80
) -> list[ReplayReport]:
    """Replays like the Tracker would: again after each failure, honouring Retry-After and the
    journal's settle time (on the hand-driven clock)."""
    reports: list[ReplayReport] = []
    conflicts = Conflicts()
    for _ in range(rounds):
        report = await journal.replay(client, on_conflict=conflicts, now=server.now)
        reports.append(report)
        if report.complete:
            assert not conflicts, conflicts
            return reports
        if report.retry_after:
            await asyncio.sleep(report.retry_after)  # the server asked for this pause
        if isinstance(report.error, Settling):
            server.clock.set(max(server.now(), report.error.until))
    raise AssertionError(f"no convergence in {rounds} rounds: {[r.error for r in reports]}")


async def test_faults_during_replay_converge_to_the_same_day(
    restartable: Make, tmp_path: Path
) -> None:
    server = restartable()
    day = await offline_day(server, tmp_path / "journal.sqlite3")
    server.set_faults(error_rate=0.2, rate_limit_rate=0.15, retry_after=0, drop_rate=0.15, seed=4)
    journal = Journal(day.journal, now=server.now)
    async with server.client(retry=RetryPolicy(max_attempts=2, base_delay=0.0)) as client:
        reports = await replay_until_done(server, journal, client)
    server.set_faults()
    kinds = {type(report.error).__name__ for report in reports if report.error is not None}
    # the seed makes the run reproducible; it has to hit every kind of fault on the way
    assert {"ServerError", "RateLimitedError", "ConnectionFailed"} <= kinds, kinds
    journal.close()
    assert_day(server, day)


async def test_a_retry_after_pause_is_reported(restartable: Make, tmp_path: Path) -> None:
    server = restartable()
    day = await offline_day(server, tmp_path / "journal.sqlite3")
    server.set_faults(rate_limit_rate=1.0, retry_after=1)
    journal = Journal(day.journal, now=server.now)
    async with server.client(retry=RetryPolicy.none()) as client:
        report = await journal.replay(client, on_conflict=Conflicts(), now=server.now)
        assert report.retry_after == 1 and journal.count() == 5
        server.set_faults()
        await replay_until_done(server, journal, client)
    journal.close()
    assert_day(server, day)


class LosingTransport(httpx.AsyncBaseTransport):
    """Real HTTP to the real server, except that the first time each write goes out, the
    answer (`lose="answer"`: the server did it) or the request (`lose="request"`: it never got
    there) is lost as a read timeout. The server cannot produce the first case on purpose
    (a slowed request with a body is abandoned when the client gives up), so it is made here."""

    def __init__(self, lose: str) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.lose = lose
        self.seen: set[tuple[str, str, bytes]] = set()
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        key = (request.method, request.url.path, body)
        first_write = request.method in ("POST", "PATCH") and key not in self.seen
        self.seen.add(key)
        if first_write and self.lose == "request":
            self.lost += 1
            raise httpx.ReadTimeout("injected: the request was lost", request=request)
        response = await self.inner.handle_async_request(request)
        if first_write:
            await response.aread()
            self.lost += 1
            raise httpx.ReadTimeout("injected: the answer was lost", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.mark.parametrize("lose", ["answer", "request"])
async def test_every_write_timing_out_once_is_verified_not_resent(
    restartable: Make, tmp_path: Path, lose: str
) -> None:
    """Each write times out once, either after the server carried it out or before: the
    journal must find out which (not resend blindly), and converge to the same day."""
    server = restartable()
    day = await offline_day(server, tmp_path / "journal.sqlite3")
    journal = Journal(day.journal, now=server.now)
    transport = LosingTransport(lose)
    async with server.client(transport=transport, retry=RetryPolicy.none()) as client:
        reports = await replay_until_done(server, journal, client)
    assert transport.lost == SENDS
    errors = [type(report.error).__name__ for report in reports if report.error is not None]
    assert errors.count("RequestTimeout") == SENDS and "Settling" in errors
    journal.close()
    assert_day(server, day)


async def test_a_server_too_slow_to_answer_changes_nothing(
    restartable: Make, tmp_path: Path
) -> None:
    server = restartable()
    day = await offline_day(server, tmp_path / "journal.sqlite3")
    before = server.work_logs()
    server.set_faults(latency=0.5)
    journal = Journal(day.journal, now=server.now)
    async with server.client(timeout=0.1, retry=RetryPolicy.none()) as client:
        report = await journal.replay(client, on_conflict=Conflicts(), now=server.now)
        assert type(report.error).__name__ == "RequestTimeout" and journal.count() == 5
        server.set_faults()
        assert server.work_logs() == before
        await replay_until_done(server, journal, client)
    journal.close()
    assert_day(server, day)


if __name__ == "__main__":
    child_main()
