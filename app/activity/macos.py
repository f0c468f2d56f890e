"""macOS: Quartz `CGEventSourceSecondsSinceLastEventType` through ctypes.

Reading the HID system state's "any input" counter needs no Accessibility permission.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import sys
from collections.abc import Callable

from app.activity.base import SourceBase, first_line

HID_SYSTEM_STATE = 1  # kCGEventSourceStateHIDSystemState
ANY_INPUT_EVENT = 0xFFFFFFFF  # kCGAnyInputEventType (~0)

SecondsSince = Callable[[int, int], float]


def _os_call() -> SecondsSince:
    path = ctypes.util.find_library("ApplicationServices") or ctypes.util.find_library(
        "CoreGraphics"
    )
    if not path:
        raise OSError("Quartz (ApplicationServices) not found")
    quartz = ctypes.CDLL(path)
    fn = quartz.CGEventSourceSecondsSinceLastEventType
    fn.argtypes = (ctypes.c_int32, ctypes.c_uint32)
    fn.restype = ctypes.c_double

    def seconds_since(state: int, event_type: int) -> float:
        return float(fn(state, event_type))

    return seconds_since


class MacIdleSource(SourceBase):
    name = "macos"
    sees = "all keyboard, mouse and trackpad input of this macOS session"

    def __init__(self, seconds_since: SecondsSince | None = None) -> None:
        super().__init__()
        self._seconds_since = seconds_since

    def open(self) -> bool:
        if self._seconds_since is None:
            if sys.platform != "darwin":
                return self._fail("only available on macOS")
            try:
                self._seconds_since = _os_call()
            except Exception as exc:
                return self._fail(f"Quartz not usable: {first_line(exc)}")
        if self.seconds_since_input() is None:
            return self._fail("CGEventSourceSecondsSinceLastEventType gave no answer")
        return self._ok()

    def seconds_since_input(self) -> float | None:
        if self._seconds_since is None:
            return None
        value = self._seconds_since(HID_SYSTEM_STATE, ANY_INPUT_EVENT)
        if not math.isfinite(value) or value < 0:
            return None
        return value

    def close(self) -> None:
        if self._available:
            self._fail("closed")
