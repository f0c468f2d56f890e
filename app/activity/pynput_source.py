"""Keyboard and mouse listeners through pynput (X11, Windows, macOS).

The keyboard listener is the process's shared one (keyboard.py: the global hotkeys use it too);
it calls this source with no argument at all. The mouse listener is this source's own. The
callbacks run on pynput's threads and do O(1) work: they store `time.monotonic()` and nothing
else — never a key, a character or a position. Everything else (is a listener alive? why did
it die? start a fresh one?) happens when the source is polled.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from app.activity import pynput_support as support
from app.activity.base import SourceBase, SourceStatus, first_line
from app.activity.keyboard import (
    KeyboardMember,
    KeyboardUnavailable,
    SharedKeyboard,
    shared_keyboard,
)

RESTART_LIMIT = 3  # transient deaths tolerated per RESTART_WINDOW before giving up
RESTART_WINDOW = 60.0


class PynputSource(SourceBase):
    name = "pynput"
    sees = "keyboard and mouse input (on Linux: of X11 and XWayland windows only)"

    def __init__(
        self,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        check_display: bool = True,
        keyboard: SharedKeyboard | None = None,
    ) -> None:
        super().__init__()
        # The display pre-check gives precise reasons up front; without it, the same problems
        # surface as a failed import or a listener that dies (also reported, less precisely).
        self._check_display = check_display
        self.restart_reasons: list[str] = []  # why listeners were replaced, oldest first
        self._monotonic = monotonic
        self._last_input = 0.0  # written by the callbacks, read by the poller
        self._started = 0.0
        self._listeners: list[Any] = []  # the shared keyboard listener, then the mouse's
        self._keyboard = keyboard if keyboard is not None else shared_keyboard()
        # Joins the keyboard listener with `touch` only: it is never handed a key.
        self._member = KeyboardMember(touch=self._touch, death=self._record_death)
        self._death: BaseException | None = None
        self._restarts: deque[float] = deque()
        self._lock = threading.Lock()
        self._closed = False

    # --- the callbacks: pynput's threads ------------------------------------------------------
    def _touch(self, *_event: object) -> None:
        # The event arguments (key, position, button) are dropped unread, on purpose.
        self._last_input = self._monotonic()

    def _record_death(self, exc: BaseException) -> None:
        self._death = exc

    # --- life cycle ----------------------------------------------------------------------------
    def open(self) -> bool:
        with self._lock:
            self._closed = False
            if self._listeners:
                return self._available
            problem = support.display_problem() if self._check_display else None
            if problem is not None:
                return self._fail(problem)
            pynput, reason = support.import_pynput()
            if pynput is None:
                return self._fail(reason)
            return self._start(pynput)

    def _start(self, pynput: Any) -> bool:
        self._death = None
        try:
            keyboard = self._keyboard.join(self._member)
        except KeyboardUnavailable as exc:
            return self._fail(str(exc))
        try:
            mouse = pynput.mouse.Listener(
                on_move=self._touch, on_click=self._touch, on_scroll=self._touch
            )
            support.watch_thread(mouse, self._record_death)
            mouse.start()
        except Exception as exc:
            self._keyboard.leave(self._member)
            return self._fail(f"pynput listener could not start: {first_line(exc)}")
        self._listeners = [keyboard, mouse]
        if not support.wait_ready(mouse):
            self._drop_listeners()
            return self._fail(f"pynput listener failed to start: {self._death_reason()}")
        untrusted = support.untrusted_reason(mouse)
        if untrusted is not None:
            self._drop_listeners()
            return self._fail(untrusted)
        if not self._started:
            # A lower bound: nothing is known from before; status() says so until input comes.
            # A replacement listener keeps the last input seen by the one it replaces.
            self._started = self._last_input = self._monotonic()
        return self._ok()

    def _death_reason(self) -> str:
        return support.death_reason(self._death)

    def _drop_listeners(self) -> None:
        if self._listeners:
            # The keyboard listener goes on for the hotkeys, if they use it.
            self._keyboard.leave(self._member)
            support.stop_soon(self._listeners[1])
        self._listeners = []

    def _check_health(self) -> None:
        """Notice a dead listener; start fresh ones if it had been working (transient)."""
        if all(listener.is_alive() for listener in self._listeners):
            return
        reason = self._death_reason()
        self._drop_listeners()
        now = self._monotonic()
        while self._restarts and now - self._restarts[0] > RESTART_WINDOW:
            self._restarts.popleft()
        if len(self._restarts) >= RESTART_LIMIT:
            self._fail(f"pynput listener keeps dying ({reason}); gave up")
            return
        self._restarts.append(now)
        self.restart_reasons.append(reason)
        pynput = sys.modules.get("pynput")
        if pynput is None or not self._start(pynput):
            self._fail(
                f"pynput listener died ({reason}) and could not be restarted: {self._reason}"
            )

    def seconds_since_input(self) -> float | None:
        with self._lock:
            if not self._listeners or self._closed:
                return None
            self._check_health()
            if not self._listeners:
                return None
            return max(0.0, self._monotonic() - self._last_input)

    def status(self) -> SourceStatus:
        status = super().status()
        if status.available and self._last_input == self._started:
            return replace(status, reason="no input yet: counting from when listening started")
        return status

    @property
    def last_input(self) -> float:
        """Monotonic time of the last input seen (or of listening start)."""
        return self._last_input

    @property
    def listener_threads(self) -> list[threading.Thread]:
        return list(self._listeners)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop_listeners()
            if self._available:
                self._fail("closed")
