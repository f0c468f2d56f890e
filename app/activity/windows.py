"""Windows: `GetLastInputInfo` through ctypes.

Both counters are 32-bit milliseconds since boot that wrap after 49.7 days, so the
difference is taken modulo 2**32.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

from app.activity.base import SourceBase, first_line

TICK_MODULO = 2**32


class _LastInputInfo(ctypes.Structure):
    _fields_ = (("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint))


def _os_calls() -> tuple[Callable[[], int | None], Callable[[], int]]:
    windll = ctypes.windll  # type: ignore[attr-defined]  # only exists on Windows
    user32, kernel32 = windll.user32, windll.kernel32
    kernel32.GetTickCount.restype = ctypes.c_uint

    def last_input_tick() -> int | None:
        info = _LastInputInfo()
        info.cbSize = ctypes.sizeof(info)
        return int(info.dwTime) if user32.GetLastInputInfo(ctypes.byref(info)) else None

    def tick_count() -> int:
        return int(kernel32.GetTickCount())

    return last_input_tick, tick_count


class WindowsIdleSource(SourceBase):
    name = "windows"
    sees = "all keyboard and mouse input of this Windows session"

    def __init__(
        self,
        last_input_tick: Callable[[], int | None] | None = None,
        tick_count: Callable[[], int] | None = None,
    ) -> None:
        super().__init__()
        self._last_input_tick = last_input_tick
        self._tick_count = tick_count

    def open(self) -> bool:
        if self._last_input_tick is None or self._tick_count is None:
            if sys.platform != "win32":
                return self._fail("only available on Windows")
            try:
                self._last_input_tick, self._tick_count = _os_calls()
            except Exception as exc:
                return self._fail(f"user32/kernel32 not usable: {first_line(exc)}")
        if self.seconds_since_input() is None:
            return self._fail("GetLastInputInfo failed")
        return self._ok()

    def seconds_since_input(self) -> float | None:
        if self._last_input_tick is None or self._tick_count is None:
            return None
        last = self._last_input_tick()
        if last is None:
            return None
        return ((self._tick_count() - last) % TICK_MODULO) / 1000.0

    def close(self) -> None:
        if self._available:
            self._fail("closed")
