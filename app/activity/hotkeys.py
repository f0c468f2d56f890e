"""Global hotkeys matched on the process's shared pynput keyboard listener (keyboard.py),
changeable while running.

Each combination is a `pynput.keyboard.HotKey` (pynput's own matcher, fed canonical keys as
its `GlobalHotKeys` feeds them). A change swaps the tuple of matchers the listener's thread
reads: no listener is started or stopped for it. Callbacks run on pynput's thread: marshal to
your own thread before doing work.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any

from app.activity import pynput_support as support
from app.activity.base import first_line
from app.activity.keyboard import (
    KeyboardMember,
    KeyboardUnavailable,
    SharedKeyboard,
    shared_keyboard,
)

log = logging.getLogger(__name__)


class HotkeysUnavailable(Exception):
    """Global hotkeys cannot work in this session; the message says why."""


class GlobalHotkeys:
    def __init__(self, keyboard: SharedKeyboard | None = None) -> None:
        self._keyboard = keyboard if keyboard is not None else shared_keyboard()
        self._member = KeyboardMember(key=self._on_key)
        self._joined = False
        self._bindings: dict[str, Callable[[], None]] = {}
        # combo -> (callback, its HotKey); the listener's thread reads `_matchers` only
        self._hotkeys: dict[str, tuple[Callable[[], None], Any]] = {}
        self._matchers: tuple[Any, ...] = ()
        self._lock = threading.Lock()
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
            self.check(combo)
            self._set({**self._bindings, combo: callback})

    def unregister(self, combo: str) -> None:
        with self._lock:
            if combo not in self._bindings:
                return
            self._set({k: v for k, v in self._bindings.items() if k != combo})

    def replace(self, bindings: Mapping[str, Callable[[], None]]) -> None:
        """Bind exactly `bindings` (each already `check`ed); raises HotkeysUnavailable."""
        with self._lock:
            self._set(dict(bindings))

    def check(self, combo: str) -> None:
        """ValueError when pynput cannot parse `combo`; HotkeysUnavailable when no hotkey
        can work in this session."""
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

    def _set(self, bindings: dict[str, Callable[[], None]]) -> None:
        if not bindings:
            self._bindings, self._hotkeys, self._matchers = {}, {}, ()
            self._leave()
            return
        pynput = self._pynput()
        hotkeys: dict[str, tuple[Callable[[], None], Any]] = {}
        for combo, callback in bindings.items():
            kept = self._hotkeys.get(combo)
            if kept is not None and kept[0] is callback:
                hotkeys[combo] = kept  # unchanged: keeps what is held down right now
            else:
                matcher = pynput.keyboard.HotKey(
                    pynput.keyboard.HotKey.parse(combo), self._guard(combo, callback)
                )
                hotkeys[combo] = (callback, matcher)
        try:  # joined already: a no-op, unless the listener died (then a fresh one)
            self._keyboard.join(self._member)
        except KeyboardUnavailable as exc:
            self._bindings, self._hotkeys, self._matchers = {}, {}, ()
            self._leave()
            self.reason = f"unavailable in this session: {exc}"
            raise HotkeysUnavailable(self.reason) from None
        self._joined = True
        self._bindings, self._hotkeys = bindings, hotkeys
        self._matchers = tuple(matcher for _, matcher in hotkeys.values())
        self.reason = ""

    def _leave(self) -> None:
        if self._joined:
            self._joined = False
            self._keyboard.leave(self._member)

    # --- pynput's thread ---------------------------------------------------------------------

    def _on_key(self, key: Any, pressed: bool) -> None:
        for matcher in self._matchers:
            if pressed:
                matcher.press(key)
            else:
                matcher.release(key)

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
        listener = self._keyboard.listener
        return self._joined and listener is not None and bool(listener.is_alive())

    def close(self) -> None:
        with self._lock:
            self._bindings, self._hotkeys, self._matchers = {}, {}, ()
            self._leave()
