"""Await a condition with a deadline instead of sleeping and hoping: `wait_for` in plain
(threaded) tests, `wait_until` inside the event loop. The one home for both; conftests import
them from here."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


def _timed_out(timeout: float, what: str, probe: object, last: object) -> AssertionError:
    # the last value says how far it got (`False` or the state it was stuck in)
    shown = repr(last)
    shown = shown if len(shown) <= 200 else shown[:200] + "…"
    return AssertionError(
        f"timed out after {timeout} s waiting for {what or probe} (last: {shown})"
    )


def wait_for(
    probe: Callable[[], T | None], timeout: float = 5.0, interval: float = 0.005, what: str = ""
) -> T:
    """Call `probe` until it returns something truthy; return it, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise _timed_out(timeout, what, probe, value)
        time.sleep(interval)


async def wait_until(
    probe: Callable[[], Any | Awaitable[Any]],
    timeout: float = 10.0,
    what: str = "",
    interval: float = 0.01,
) -> Any:
    """Await (real seconds) until `probe()` is truthy; return its value or fail. `probe` may be
    a plain function or a coroutine function (e.g. one that reads the server)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = probe()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if loop.time() > deadline:
            raise _timed_out(timeout, what, probe, value)
        await asyncio.sleep(interval)
