"""The GC trap: collection only from the GUI thread's timer, start-up objects frozen."""

from __future__ import annotations

import gc
import threading
import weakref

from app.ui.gc_trap import FULL_EVERY, GuiThreadCollector


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_collector_owns_gc_while_running_and_gives_it_back(qapp) -> None:
    was_enabled = gc.isenabled()
    collector = GuiThreadCollector()
    collector.start()
    try:
        assert not gc.isenabled()
        collector.settle()
        assert gc.get_freeze_count() > 0
        # A cycle made after start-up is found by the timer's passes, on this thread.
        finalized = threading.Event()
        cycle = Cycle()
        weakref.finalize(cycle, finalized.set)
        del cycle
        for _ in range(FULL_EVERY):
            collector.tick()
        assert finalized.is_set()
        assert len(collector.durations) == FULL_EVERY
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0
    assert gc.isenabled() == was_enabled
