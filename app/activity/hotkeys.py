"""Global hotkeys on pynput's `GlobalHotKeys`, changeable while running.

`GlobalHotKeys` takes its bindings when built, so a change builds a fresh listener with the
new set and retires the old one without waiting (its stop can block on X11 until the next
input event). Callbacks run on pynput's thread: marshal to your own thread before doing work.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from app.activity import pynput_support as support
from app.activity.base import first_line

log = logging.getLogger(__name__)


class HotkeysUnavailable(Exception):
    """Global hotkeys cannot work in this session; the message says why."""


class GlobalHotkeys:
    def __init__(self) -> None:
        self._bindings: dict[str, Callable[[], None]] = {}
        self._listener: Any = None
        self._lock = threading.Lock()
        self._death: BaseException | None = None
        self.reason = ""  # set when unavailable

    @staticmethod
    def session_problem() -> str | None:
        if sys.platform.startswith("linux") and (
            os.environ.get("XDG_SESSION_TYPE", "").lower() == "wayland"
            or (os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY"))
        ):
            return (
                "Wayland does not let applications grab global keys; "
                "use the desktop's shortcut settings"
            )
        return support.display_problem()

    @property
    def bindings(self) -> list[str]:
        return sorted(self._bindings)

    def register(self, combo: str, callback: Callable[[], None]) -> None:
        """Bind `combo` (pynput syntax, e.g. "<ctrl>+<alt>+t"); raises HotkeysUnavailable."""
        with self._lock:
            self._validate(combo)
            bindings = {**self._bindings, combo: callback}
            self._rebuild(bindings)

    def unregister(self, combo: str) -> None:
        with self._lock:
            if combo not in self._bindings:
                return
            bindings = {k: v for k, v in self._bindings.items() if k != combo}
            self._rebuild(bindings)

    def _validate(self, combo: str) -> None:
        pynput = self._pynput()
        try:
            pynput.keyboard.HotKey.parse(combo)
        except ValueError as exc:
            raise ValueError(f"not a valid hotkey: {combo!r} ({first_line(exc)})") from None

    def _pynput(self) -> Any:
        problem = self.session_problem()
        if problem is not None:
            self.reason = f"unavailable in this session: {problem}"
            raise HotkeysUnavailable(self.reason)
        pynput, reason = support.import_pynput()
        if pynput is None:
            self.reason = f"unavailable in this session: {reason}"
            raise HotkeysUnavailable(self.reason)
        return pynput

    def _record_death(self, exc: BaseException) -> None:
        self._death = exc

    def _rebuild(self, bindings: dict[str, Callable[[], None]]) -> None:
        old = self._listener
        self._listener = None
        if old is not None:
            support.stop_soon(old)
        self._bindings = bindings
        if not bindings:
            return
        pynput = self._pynput()
        self._death = None
        listener = pynput.keyboard.GlobalHotKeys(
            {combo: self._guard(combo, cb) for combo, cb in bindings.items()}
        )
        support.watch_thread(listener, self._record_death)
        listener.start()
        if not support.wait_ready(listener):
            support.stop_soon(listener)
            why = first_line(self._death) if self._death is not None else "listener did not start"
            self.reason = f"unavailable in this session: {why}"
            raise HotkeysUnavailable(self.reason)
        untrusted = support.untrusted_reason(listener)
        if untrusted is not None:
            support.stop_soon(listener)
            self.reason = f"unavailable in this session: {untrusted}"
            raise HotkeysUnavailable(self.reason)
        self._listener = listener
        self.reason = ""

    @staticmethod
    def _guard(combo: str, callback: Callable[[], None]) -> Callable[[], None]:
        # An exception escaping a pynput callback silently stops the listener for good.
        def fire() -> None:
            try:
                callback()
            except Exception:
                log.exception("hotkey %s handler failed", combo)

        return fire

    @property
    def alive(self) -> bool:
        return self._listener is not None and bool(self._listener.is_alive())

    def close(self) -> None:
        with self._lock:
            if self._listener is not None:
                support.stop_soon(self._listener)
            self._listener = None
            self._bindings = {}
