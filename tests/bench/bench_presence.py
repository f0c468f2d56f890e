"""The presence log's cost (issue 15): bytes on disk per day and CPU per recorded period.

A simulated working day of 200 switches between at the machine and away (idle, a lock, a
lunch break), plus a dozen activity checks, fed through the real `PresenceRecorder` into the
real SQLite `PresenceLog` on a fake clock. Bytes per day: the file (after a WAL checkpoint)
after 14 such days, divided by 14; retention (14 days) then keeps it at that size. CPU per
recorded period: process time of the recorder's event handling and the write, per period.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.activity.detector import BecameActive, BecameIdle, IdlePeriod
from app.tracking.events import ActivityCheckAnswered
from app.tracking.presence_log import PresenceLog, PresenceRecorder

SWITCHES = 200  # per day: 100 away periods, 100 present ones
CHECKS = 12
DAYS = 14


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def simulate_day(recorder: PresenceRecorder, clock: Clock, rng: random.Random) -> int:
    """One day from 08:00: 200 switches over ~9 hours; returns the periods recorded."""
    day_start = clock.now
    recorder.start()
    periods = 0
    for index in range(SWITCHES // 2):
        clock.now += timedelta(seconds=rng.uniform(60, 400))  # at the machine
        since = clock.now
        cause = "locked" if index % 25 == 0 else "input"
        recorder.on_activity_event(BecameIdle(since.timestamp(), cause))  # type: ignore[arg-type]
        clock.now += timedelta(seconds=rng.uniform(30, 200))  # away
        period = IdlePeriod(since.timestamp(), clock.now.timestamp(), cause)  # type: ignore[arg-type]
        recorder.on_activity_event(BecameActive(period))
        periods += 2
        if index % (SWITCHES // 2 // CHECKS) == 0:
            recorder.on_tracker_event(ActivityCheckAnswered("auto"))
    recorder.close()
    clock.now = day_start + timedelta(days=1)
    return periods


def main() -> None:
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "presence.sqlite"
        clock = Clock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
        store = PresenceLog(path, now=clock)
        recorder = PresenceRecorder(store, now=clock)
        periods = 0
        cpu_started = time.process_time()
        wall_started = time.perf_counter()
        for _ in range(DAYS):
            periods += simulate_day(recorder, clock, rng)
        cpu = time.process_time() - cpu_started
        wall = time.perf_counter() - wall_started
        store.close()
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = path.stat().st_size
        # Retention at work: two more weeks keep the file at its size.
        store = PresenceLog(path, now=clock)
        recorder = PresenceRecorder(store, now=clock)
        for _ in range(DAYS):
            simulate_day(recorder, clock, rng)
        store.close()
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            rows = db.execute("SELECT COUNT(*) FROM periods").fetchone()[0]
        steady = path.stat().st_size
    print(f"switches per day: {SWITCHES}, checks per day: {CHECKS}, days: {DAYS}")
    print(f"periods recorded: {periods} (plus {DAYS} quit gaps)")
    print(f"file after {DAYS} days: {size} bytes = {size / DAYS:.0f} bytes per day")
    print(f"after {2 * DAYS} days with {DAYS}-day retention: {steady} bytes, {rows} periods kept")
    per_cpu, per_wall = cpu / periods * 1e6, wall / periods * 1e6
    print(f"CPU per recorded period: {per_cpu:.1f} µs (wall {per_wall:.1f} µs)")


if __name__ == "__main__":
    main()
