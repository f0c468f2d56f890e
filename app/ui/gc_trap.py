"""Cyclic garbage collection only on the GUI thread, in short slices.

Why: GC that happens to run in pynput's or uvicorn's thread can destroy QObjects there and
crash Qt (desktop-testing.md), so automatic GC is off and a QTimer collects on the GUI thread.
A full collection over everything the app has imported (Qt, httpx, the client) took 70 to 270 ms,
which stalls the event loop (bench_tray). So: once start-up is done, `settle()` collects and
freezes what is alive (those objects live as long as the app); the timer then collects the
young generation every tick and the older ones now and then, each pass walking only objects
made since start-up.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QTimer

GC_INTERVAL_MS = 1000
MIDDLE_EVERY = 10  # ticks between collections of generation 1
FULL_EVERY = 60  # ticks between full collections


class GuiThreadCollector:
    def __init__(self, interval_ms: int = GC_INTERVAL_MS) -> None:
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.tick)
        self._ticks = 0
        self._was_enabled = gc.isenabled()
        self.durations: list[float] = []  # seconds per pass, for the stall benchmark

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def settle(self) -> None:
        """Start-up is over: what is alive now stays, so later passes need not walk it."""
        gc.collect()
        gc.freeze()

    def tick(self) -> None:
        began = time.perf_counter()
        self._ticks += 1
        if self._ticks % FULL_EVERY == 0:
            gc.collect()
        elif self._ticks % MIDDLE_EVERY == 0:
            gc.collect(1)
        else:
            gc.collect(0)
        self.durations.append(time.perf_counter() - began)

    def stop(self) -> None:
        self._timer.stop()
        gc.unfreeze()
        gc.collect()
        if self._was_enabled:
            gc.enable()
