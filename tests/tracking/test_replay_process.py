"""The tray's core killed mid-replay, as a real process: an offline day is journaled, then a
child process runs what `pacetray tray` runs below Qt — a TrackingClient, the Journal and a
Tracker polling with `run()`, built as app/ui/tray_session.py builds them (no QApplication: the
Qt layer adds no journal or network step of its own) — and SIGKILLs itself at a chosen point
of the tracker's replay: after a journaled command was sent and answered but before the journal
recorded it (`after_send`), or after it was marked as being sent but before it left
(`before_send`). A second process (the tray started again) finishes the replay. Every command
is then applied exactly once: the server's work logs (REST GET /api/rest/workLogs) show no
second work log and no lost stop.

Run as a module (`python -m tests.tracking.test_replay_process`), this file is the child.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from app.api.client import TrackingClient
from app.tracking.events import JournalConflict, TrackerEvent
from app.tracking.journal import Journal, ReplayReport
from app.tracking.options import TrackingSettings
from app.tracking.tracker import Tracker
from app.tracking.user_commands import Command
from tests.tracking.conftest import TOKEN, RestartableServer
from tests.tracking.test_replay import SENDS, assert_day, offline_day

ROOT = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT = 60
POINTS = [("after_send", n) for n in range(1, SENDS + 1)] + [
    ("before_send", 1),
    ("before_send", SENDS),
]


def run_tray_core(journal: Path, server: RestartableServer, kill: str = "", at: int = 0) -> Any:
    env = {
        **os.environ,
        "JOURNAL": str(journal),
        "URL": server.url,
        "NOW": server.now().isoformat(),
        "KILL": kill,
        "KILL_AT": str(at),
    }
    return subprocess.run(
        [sys.executable, "-m", "tests.tracking.test_replay_process"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=False,
    )


@pytest.mark.parametrize(("kill", "at"), POINTS, ids=[f"{k}-{n}" for k, n in POINTS])
async def test_the_tray_killed_mid_replay_applies_every_command_once(
    restartable: Callable[..., RestartableServer], tmp_path: Path, kill: str, at: int
) -> None:
    server = restartable()
    day = await offline_day(server, tmp_path / "journal.sqlite3")
    killed = run_tray_core(day.journal, server, kill, at)
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stderr[-2000:])
    again = run_tray_core(day.journal, server)
    assert again.returncode == 0, again.stderr[-2000:]
    report = json.loads(again.stdout)
    assert report == {"pending": 0, "conflicts": []}, report
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

    class KillingJournal(Journal):
        """The tray's journal, with the test's kill point in the tracker's replay."""

        async def replay(self, client: TrackingClient, **kwargs: Any) -> ReplayReport:
            return await super().replay(
                client, before_send=hook("before_send"), after_send=hook("after_send"), **kwargs
            )

    async def main() -> dict[str, Any]:
        journal = KillingJournal(Path(os.environ["JOURNAL"]), now=lambda: now)
        conflicts: list[str] = []

        def record(event: TrackerEvent) -> None:
            if isinstance(event, JournalConflict):
                conflicts.append(event.reason)

        async with TrackingClient(os.environ["URL"], token=TOKEN, now=lambda: now) as client:
            tracker = Tracker(
                client,
                activity=None,
                detector=None,
                journal=journal,
                settings=TrackingSettings(),
                now=lambda: now,
            )
            tracker.subscribe(record)
            runner = asyncio.create_task(tracker.run())
            try:
                for _ in range(CHILD_TIMEOUT * 20):
                    if tracker.state is not None and journal.count() == 0:
                        break
                    if runner.done():
                        runner.result()
                    await asyncio.sleep(0.05)
            finally:
                runner.cancel()
                await asyncio.gather(runner, return_exceptions=True)
            pending = journal.count()
            journal.close()
        return {"pending": pending, "conflicts": conflicts}

    print(json.dumps(asyncio.run(main())))


if __name__ == "__main__":
    child_main()
