"""The tasks one window runs on the qasync loop: each goes through the bridge (which keeps it
alive and reports its failure), the window keeps them to know whether it is busy."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from app.ui.bridge import TrackerBridge

T = TypeVar("T")


class TaskSet:
    """`run(coro)` starts a task; `busy` while any runs. `on_busy(True)` follows every start,
    `on_busy(False)` the end of the last one."""

    def __init__(
        self, bridge: TrackerBridge, on_busy: Callable[[bool], None] | None = None
    ) -> None:
        self._bridge = bridge
        self._on_busy = on_busy
        self._tasks: set[asyncio.Task[Any]] = set()

    def run(self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = self._bridge.run(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        if self._on_busy is not None:
            self._on_busy(True)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not self._tasks and self._on_busy is not None:
            with contextlib.suppress(RuntimeError):  # the widget may be gone at shutdown
                self._on_busy(False)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)
