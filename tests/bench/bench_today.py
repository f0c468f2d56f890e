"""Figures for the Today window (issue 15), offscreen, in a worker process of its own:

1. Time to first paint: a week of 200 work logs and 2,000 presence periods; from building the
   window and asking for a day (the loader runs `build_day`/`build_week` over those records,
   as the real gatherer will) until the timeline's first paint has finished. Median and max
   of RUNS windows (modules imported beforehand).
2. Repaint while tracking: the running log grows (`TodayWindow.tick`, as the live timer does)
   and only its strip repaints; the duration of those paint events, and for comparison a
   full repaint of the timeline.
3. Max event-loop stall while opening the window and live-updating: a 5 ms PreciseTimer on
   the GUI thread (tests/bench/stall_probe.py's DriftProbe) records how late each tick comes
   while windows open and the running bar is ticked every 20 ms.

Aims: first paint <= 150 ms, repaint while tracking <= 5 ms, stall <= 25 ms.
`python -m tests.bench today` runs it; `python -m tests.bench.bench_today worker` is the
measured worker (internal).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RUNS = 7
LOGS = 200
PERIODS = 2000
TICKS = 100
DAY = date(2026, 3, 11)  # a Wednesday: the week runs Monday 9 to Sunday 15 March
MONDAY = DAY - timedelta(days=DAY.weekday())
NOW = datetime(2026, 3, 11, 15, 0, tzinfo=UTC)


def week_records() -> tuple[list[Any], list[Any], Any]:
    """200 work logs (about 29 a day, 08:00-18:00, some overlapping, the last of DAY
    running) and 2,000 presence periods (present/away in turns, 06:00-22:00 each day)."""
    from app.api.models import (
        RestActivityTypeRef,
        RestWorkLog,
        Track,
        TrackingState,
        TrackingStateKind,
    )
    from app.tracking.presence import AwayCause, Presence, PresencePeriod

    kinds = [RestActivityTypeRef(id=f"a{n}", name=f"Activity {n}") for n in range(5)]
    logs = []
    per_day = -(-LOGS // 7)
    for n in range(LOGS):
        day = MONDAY + timedelta(days=n // per_day)
        slot = n % per_day
        start = datetime(day.year, day.month, day.day, 8, 0) + timedelta(minutes=slot * 20)
        logs.append(
            RestWorkLog(
                id=f"log-{n}",
                timestamp=start,
                length=(25 if n % 7 == 0 else 18) * 60,
                work_item_id=1000 + n % 40,
                activity_type=kinds[n % 5],
            )
        )
    today_logs = [log for log in logs if log.timestamp.date() == DAY]
    running_log = today_logs[len(today_logs) // 2]  # runs until NOW (15:00)
    running = TrackingState(
        track=Track(work_log_id=running_log.id, tracking_state=TrackingStateKind.TRACKING,
                    current_track_started_date_time=running_log.timestamp.replace(tzinfo=UTC))
    )  # fmt: skip
    periods = []
    per_day_periods = PERIODS // 7 + 1
    length = timedelta(hours=16) / per_day_periods
    for n in range(PERIODS):
        day = MONDAY + timedelta(days=n // per_day_periods)
        start = datetime(day.year, day.month, day.day, 6, tzinfo=UTC) + length * (
            n % per_day_periods
        )
        present = n % 3 != 0
        periods.append(
            PresencePeriod(
                start,
                start + length,
                Presence.PRESENT if present else Presence.AWAY,
                None if present else AwayCause.IDLE,
            )
        )
    return logs, periods, running


def run_worker() -> int:
    os.environ.setdefault("QT_API", "pyside6")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtCore import QElapsedTimer
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QApplication

    from app.tracking.day import build_day, build_week
    from app.ui.timeline import Timeline
    from app.ui.today_window import TodayData, TodayWindow
    from tests.bench.stall_probe import DriftProbe

    app = QApplication(sys.argv[:1])
    logs, periods, running = week_records()
    titles = {1000 + n: f"Work item number {n}" for n in range(40)}
    clock = {"now": NOW}

    async def loader(day: date) -> TodayData:
        now = clock["now"]
        built = build_day(day, UTC, logs, running, periods, [], [], now)
        return TodayData(built, build_week(day, UTC, logs, running, [], now), titles)

    paints: list[tuple[float, float, int]] = []  # (end, duration ms, painted width)
    original = Timeline.paintEvent

    def timed_paint(self: Timeline, event: QPaintEvent) -> None:
        watch = QElapsedTimer()
        watch.start()
        original(self, event)
        paints.append((time.perf_counter(), watch.nsecsElapsed() / 1e6, event.rect().width()))

    Timeline.paintEvent = timed_paint  # type: ignore[method-assign]
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    probe = DriftProbe(5)
    firsts: list[float] = []
    partial: list[float] = []
    full: list[float] = []
    marks: dict[str, float] = {}

    async def main() -> None:
        probe.start()
        marks["open"] = time.perf_counter()
        windows = []
        for _ in range(RUNS):
            started = time.perf_counter()
            window = TodayWindow(loader, now=lambda: clock["now"])
            window.resize(1100, 480)
            before = len(paints)
            window.show()
            window.open_day(DAY)
            while len(paints) == before or window.data is None:
                await asyncio.sleep(0.001)
            firsts.append((paints[-1][0] - started) * 1000)
            windows.append(window)
            await asyncio.sleep(0.05)
        window = windows[-1]
        for other in windows[:-1]:
            other.close()
        await asyncio.sleep(0.1)
        marks["live"] = time.perf_counter()
        for n in range(TICKS):
            clock["now"] = NOW + timedelta(seconds=30 * (n + 1))
            before = len(paints)
            window.tick()
            await asyncio.sleep(0.02)
            partial.extend(ms for _, ms, _ in paints[before:])
        marks["end"] = time.perf_counter()
        probe.stop()
        for _ in range(10):
            before = len(paints)
            window.timeline.repaint()
            full.extend(ms for _, ms, _ in paints[before:])
        window.close()

    with loop:
        loop.run_until_complete(main())
    asyncio.set_event_loop(None)
    lates = [late * 1000 for late in probe.lates]
    print(f"Today window, offscreen: a week of {LOGS} work logs and {PERIODS} presence periods")
    print(
        f"  time to first paint ({RUNS} windows): median {statistics.median(firsts):.1f} ms, "
        f"max {max(firsts):.1f} ms, first {firsts[0]:.1f} ms (aim <= 150 ms)"
    )
    print(
        f"  repaint while tracking ({len(partial)} partial paints of the running bar): median "
        f"{statistics.median(partial):.2f} ms, max {max(partial):.2f} ms (aim <= 5 ms); a full "
        f"repaint of the timeline: median {statistics.median(full):.2f} ms"
    )
    opening = [
        late
        for late, at in zip(lates, probe.at, strict=True)
        if marks["open"] < at <= marks["live"]
    ]
    living = [late for late, at in zip(lates, probe.at, strict=True) if at > marks["live"]]
    print(
        f"  event-loop stall (5 ms probe): max {max(opening, default=0):.1f} ms while opening "
        f"{RUNS} windows, max {max(living, default=0):.1f} ms during {TICKS} live ticks "
        f"(aim <= 25 ms); ticks > 25 ms late: {sum(1 for x in lates if x > 25)}"
    )
    sys.stdout.flush()
    # Tearing the windows and the qasync loop down at exit crashes PySide6 6.12 ("shared
    # QObject was deleted directly"): the figures are out, leave without the teardown.
    os._exit(0)


def main() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_API="pyside6")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_today", "worker"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(done.stdout, end="")
    if done.returncode != 0:
        raise RuntimeError(f"the worker failed ({done.returncode}): {done.stderr[-2000:]}")


if __name__ == "__main__":
    if sys.argv[1:] == ["worker"]:
        raise SystemExit(run_worker())
    main()
