"""Figures for activity sensing (issue 3), on a private Xvfb driven by xdotool.

1. CPU seconds of processes that run only a monitor, side by side in the same run, during
   a quiet phase (~10 input events/s) and an xdotool storm (~1,000 events/s), 20 s each:
   - monitor:      PynputSource polled once a second (what the app runs on X11)
   - floor:        a bare pynput keyboard + mouse listener pair whose callbacks do nothing
   - counter:      the same pair counting events (shows how many reached pynput)
   - xscreensaver: XScreenSaverSource polled once a second
   - dbus:         MutterIdleSource polled once a second (a fake compositor answers)
2. Accuracy: over 20 scripted idle periods, the detected idle start (pynput and XScreenSaver
   each feeding an IdleDetector through ActivityMonitor) against the true last input.

`python -m tests.bench activity` runs it; `python -m tests.bench.bench_activity worker KIND`
is one measured process (internal).
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PHASE_SECONDS = 20.0
STORM_RATE = 1000  # events per second
QUIET_RATE = 10
WORKERS = ("monitor", "floor", "counter", "xscreensaver", "dbus")
IDLE_PERIODS = 20
THRESHOLD = 1.0  # the detector's threshold in the accuracy run (the app's is 300 s)
TICK = 0.1


# --- the measured processes -----------------------------------------------------------------
def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _poll_forever(source: Any) -> None:
    next_at = time.monotonic()
    while True:
        source.seconds_since_input()
        next_at += 1.0
        time.sleep(max(0.0, next_at - time.monotonic()))


def worker(kind: str) -> None:
    counted = [0]
    if kind in ("floor", "counter"):
        from pynput import keyboard, mouse

        if kind == "floor":

            def callback(*_args: object) -> None:
                pass
        else:

            def callback(*_args: object) -> None:
                counted[0] += 1

        listeners = [
            keyboard.Listener(on_press=callback, on_release=callback),
            mouse.Listener(on_move=callback, on_click=callback, on_scroll=callback),
        ]
        for listener in listeners:
            listener.start()
            listener.wait()
    else:
        from app.activity.dbus_sources import MutterIdleSource
        from app.activity.pynput_source import PynputSource
        from app.activity.xscreensaver import XScreenSaverSource

        source: Any = {
            "monitor": PynputSource,
            "xscreensaver": XScreenSaverSource,
            "dbus": MutterIdleSource,
        }[kind]()
        if not source.open():
            print(f"error {source.status().reason}", flush=True)
            return
        threading.Thread(target=_poll_forever, args=(source,), daemon=True).start()
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "cpu":
            print(f"{_cpu_seconds():.6f} {counted[0]}", flush=True)


class Worker:
    def __init__(self, kind: str, env: dict[str, str]) -> None:
        self.kind = kind
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.bench.bench_activity", "worker", kind],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"worker {kind} did not start: {line!r}")

    def cpu(self) -> tuple[float, int]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("cpu\n")
        self.proc.stdin.flush()
        seconds, count = self.proc.stdout.readline().split()
        return float(seconds), int(count)

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


# --- input generation -----------------------------------------------------------------------
def drive(env: dict[str, str], rate: int, seconds: float) -> tuple[int, float]:
    """Feed one `xdotool -` process a paced script: mostly mouse moves, some key taps.

    Returns (events sent, seconds taken). A key tap is two events (press and release).
    """
    proc = subprocess.Popen(["xdotool", "-"], stdin=subprocess.PIPE, env=env, text=True)
    assert proc.stdin is not None
    per_line = max(1, rate // 100)  # storm: a line of 10 events every 10 ms
    interval = per_line / rate
    sent = 0
    i = 0
    started = time.monotonic()
    next_at = started
    while next_at - started < seconds:
        commands = []
        events = 0
        while events < per_line:
            i += 1
            if i % 10 == 0 and per_line - events >= 2:
                commands.append("key --delay 0 shift")
                events += 2
            else:
                commands.append(f"mousemove {100 + i % 700} {100 + (i * 7) % 500}")
                events += 1
        proc.stdin.write(" ".join(commands) + "\n")
        proc.stdin.flush()
        sent += events
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    proc.stdin.close()
    proc.wait()
    return sent, time.monotonic() - started


# --- figure 1: CPU --------------------------------------------------------------------------
def cpu_figures(env: dict[str, str]) -> None:
    workers = [Worker(kind, env) for kind in WORKERS]
    try:
        results: dict[str, dict[str, tuple[float, int]]] = {}
        rates: dict[str, float] = {}
        for phase, rate in (("quiet", QUIET_RATE), ("storm", STORM_RATE)):
            before = {w.kind: w.cpu() for w in workers}
            sent, took = drive(env, rate, PHASE_SECONDS)
            time.sleep(0.5)  # let the listeners drain what is still queued
            after = {w.kind: w.cpu() for w in workers}
            rates[phase] = sent / took
            results[phase] = {
                k: (after[k][0] - before[k][0], after[k][1] - before[k][1]) for k in after
            }
        print(f"CPU seconds per {PHASE_SECONDS:.0f} s phase (all processes side by side):")
        header = f"  {'process':<14}" + "".join(
            f"{phase} ({rates[phase]:,.0f} ev/s)".rjust(24) for phase in results
        )
        print(header)
        for kind in WORKERS:
            cells = "".join(f"{results[p][kind][0]:>24.3f}" for p in results)
            print(f"  {kind:<14}{cells}")
        for phase in results:
            floor = results[phase]["floor"][0]
            monitor = results[phase]["monitor"][0]
            delivered = results[phase]["counter"][1]
            ratio = f"{(monitor / floor - 1) * 100:+.1f} %" if floor > 0 else "n/a"
            print(
                f"  {phase}: monitor vs floor {ratio}; events reaching pynput "
                f"{delivered / PHASE_SECONDS:,.0f}/s (sent {rates[phase]:,.0f}/s); "
                f"per event: monitor {monitor / max(delivered, 1) * 1e6:.1f} us, "
                f"floor {floor / max(delivered, 1) * 1e6:.1f} us"
            )
        for kind in ("xscreensaver", "dbus"):
            quiet, storm = results["quiet"][kind][0], results["storm"][kind][0]
            print(
                f"  {kind}: quiet {quiet:.3f} s vs storm {storm:.3f} s "
                f"(difference {storm - quiet:+.3f} s)"
            )
    finally:
        for w in workers:
            w.stop()


# --- figure 2: accuracy ---------------------------------------------------------------------
async def accuracy(env: dict[str, str], xdotool: Any) -> None:
    from app.activity.detector import BecameActive, BecameIdle, Event, IdleDetector
    from app.activity.monitor import ActivityMonitor
    from app.activity.pynput_source import PynputSource
    from app.activity.xscreensaver import XScreenSaverSource

    sources = {"pynput": PynputSource(), "xscreensaver": XScreenSaverSource()}
    xdotool("mousemove", "10", "10")  # so the first samples see a user, not old quiet
    queues: dict[str, asyncio.Queue[Event]] = {}
    tasks = []
    for name, source in sources.items():
        if not source.open():
            raise RuntimeError(f"{name}: {source.status().reason}")
        queues[name] = asyncio.Queue()
        detector = IdleDetector(threshold=THRESHOLD, tick=TICK, sustain_window=1.0)
        monitor = ActivityMonitor(source, detector, queues[name].put_nowait)
        tasks.append(asyncio.create_task(monitor.run()))
    start_errors: dict[str, list[float]] = {name: [] for name in sources}
    end_errors: dict[str, list[float]] = {name: [] for name in sources}
    spreads: list[float] = []

    async def move(i: int) -> tuple[float, float]:
        sent = time.time()
        await asyncio.to_thread(xdotool, "mousemove", str(200 + i * 13 % 600), str(300 + i % 7))
        return sent, time.time()

    try:
        for period in range(IDLE_PERIODS + 1):
            # return to the machine: moves over several ticks (sustained input)
            first_sent, first_done = await move(period * 10)
            for k in range(1, 5):
                await asyncio.sleep(0.12)
                sent, done = await move(period * 10 + k)
            true_end = (first_sent + first_done) / 2
            true_last = (sent + done) / 2
            spreads.append(done - sent)
            for name, q in queues.items():  # each detector: [BecameActive,] BecameIdle
                if period > 0:  # the burst ends the previous idle period
                    event = await asyncio.wait_for(q.get(), 10)
                    assert isinstance(event, BecameActive), (name, event)
                    end_errors[name].append(event.period.end - true_end)
                if period == IDLE_PERIODS:
                    continue  # the last burst only closes the last period
                event = await asyncio.wait_for(q.get(), 10)
                assert isinstance(event, BecameIdle), (name, event)
                start_errors[name].append(event.since - true_last)
    finally:
        for task in tasks:
            task.cancel()
        for source in sources.values():
            source.close()
    print(
        f"Accuracy over {IDLE_PERIODS} idle periods (threshold {THRESHOLD} s, tick {TICK} s; "
        f"true input time known to +-{max(spreads) / 2 * 1000:.1f} ms):"
    )
    for name in sources:
        errs = [abs(e) for e in start_errors[name]]
        ends = [abs(e) for e in end_errors[name]]
        print(
            f"  {name:<13} idle start error: mean {statistics.mean(errs) * 1000:.1f} ms, "
            f"max {max(errs) * 1000:.1f} ms (n={len(errs)}); "
            f"idle end error: mean {statistics.mean(ends) * 1000:.1f} ms, "
            f"max {max(ends) * 1000:.1f} ms (n={len(ends)})"
        )


def main() -> None:
    from app.activity.xscreensaver import XScreenSaverSource
    from tests.support.dbus import DBusDaemon, DBusService
    from tests.support.xserver import XServer

    with XServer() as x, DBusDaemon() as bus:
        env = x.env()
        env["DBUS_SESSION_BUS_ADDRESS"] = bus.address
        env["PYTHONPATH"] = str(ROOT)
        # A fake compositor: answers Mutter's GetIdletime with the X server's idle counter.
        xss = XScreenSaverSource(x.display)
        assert xss.open()
        service = DBusService(bus.address, ["org.gnome.Mutter.IdleMonitor"])
        service.handle(
            "/org/gnome/Mutter/IdleMonitor/Core",
            "org.gnome.Mutter.IdleMonitor",
            "GetIdletime",
            lambda _b: ("t", (int((xss.seconds_since_input() or 0) * 1000),)),
        )
        with service:
            cpu_figures(env)
        xss.close()
        os.environ.update({"DISPLAY": x.display, "XDG_SESSION_TYPE": "x11"})
        asyncio.run(accuracy(env, x.xdotool))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "worker":
        worker(sys.argv[2])
    else:
        main()
