"""One pynput keyboard listener for the whole process, shared by the activity source and the
global hotkeys.

Why: each pynput keyboard listener is a thread with two X connections of its own (one of them
recording) and its own copy of the keyboard mapping — about 4 MiB in the tray. Activity and
hotkeys both want key events, so they take them from one listener.

Who joins says what it wants to hear:
- `touch`: called on every key event with no argument at all. The activity source joins this
  way, so no key ever reaches it (it stores a timestamp, nothing else).
- `key`: called with the canonical key (pynput's `Listener.canonical`: lower case, left/right
  modifiers folded) and True on press, False on release; events injected by pynput's own
  controllers are not passed on (as pynput's `GlobalHotKeys` does). The hotkey matcher.
- `death`: the exception that ended the listener's thread, if it died of one.

Callbacks run on pynput's thread: they must be O(1) and must not raise (the dispatcher catches
anyway: an exception escaping a pynput callback stops the listener for good). The set of
members is a tuple replaced whole under the lock, so the dispatcher reads it without one.

The listener starts with the first member and is stopped (without waiting, see
`pynput_support.stop_soon`) when the last one leaves. A member joining while the listener is
dead gets a fresh one, which the other members then share too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.activity import pynput_support as support
from app.activity.base import first_line

log = logging.getLogger(__name__)


class KeyboardUnavailable(Exception):
    """The shared keyboard listener cannot run here; the message says why."""


@dataclass(frozen=True, eq=False)
class KeyboardMember:
    """One user of the shared listener (compared by identity)."""

    touch: Callable[[], None] | None = None
    key: Callable[[Any, bool], None] | None = None
    death: Callable[[BaseException], None] | None = None


class SharedKeyboard:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._members: tuple[KeyboardMember, ...] = ()
        self._listener: Any = None
        self._canonical: Callable[[Any], Any] = lambda key: key

    @property
    def listener(self) -> Any:
        """The running pynput listener (a thread), or None."""
        return self._listener

    @property
    def members(self) -> int:
        return len(self._members)

    def join(self, member: KeyboardMember) -> Any:
        """Add `member`, starting a listener if none runs; returns the listener. Raises
        KeyboardUnavailable (with a one-line reason) when no listener can run."""
        with self._lock:
            listener = self._listener
            if listener is None or not listener.is_alive():
                if listener is not None:
                    support.stop_soon(listener)
                self._listener = None
                listener = self._start()
                self._listener = listener
            if member not in self._members:
                self._members = (*self._members, member)
            return listener

    def leave(self, member: KeyboardMember) -> None:
        """Remove `member`; the last one out stops the listener."""
        with self._lock:
            self._members = tuple(m for m in self._members if m is not member)
            if not self._members and self._listener is not None:
                support.stop_soon(self._listener)
                self._listener = None

    # --- the listener ------------------------------------------------------------------------

    def _start(self) -> Any:
        pynput, reason = support.import_pynput()
        if pynput is None:
            raise KeyboardUnavailable(reason)
        deaths: list[BaseException] = []

        def died(exc: BaseException) -> None:  # the dying thread
            deaths.append(exc)
            for member in self._members:
                if member.death is not None:
                    member.death(exc)

        try:
            listener = pynput.keyboard.Listener(on_press=self._press, on_release=self._release)
            self._canonical = listener.canonical
            support.watch_thread(listener, died)
            listener.start()
        except Exception as exc:
            raise KeyboardUnavailable(
                f"pynput listener could not start: {first_line(exc)}"
            ) from None
        if not support.wait_ready(listener):
            support.stop_soon(listener)
            why = support.death_reason(deaths[0] if deaths else None)
            raise KeyboardUnavailable(f"pynput listener failed to start: {why}")
        untrusted = support.untrusted_reason(listener)
        if untrusted is not None:
            support.stop_soon(listener)
            raise KeyboardUnavailable(untrusted)
        return listener

    # --- pynput's thread ---------------------------------------------------------------------

    def _press(self, key: Any, injected: bool = False) -> None:
        self._dispatch(key, True, injected)

    def _release(self, key: Any, injected: bool = False) -> None:
        self._dispatch(key, False, injected)

    def _dispatch(self, key: Any, pressed: bool, injected: bool) -> None:
        try:
            canonical: Any = None
            for member in self._members:
                if member.touch is not None:
                    member.touch()
                if member.key is not None and not injected and key is not None:
                    if canonical is None:
                        canonical = self._canonical(key)
                    member.key(canonical, pressed)
        except Exception:  # never out of a pynput callback: it would stop the listener
            log.exception("a keyboard listener callback failed")


_shared: SharedKeyboard | None = None
_shared_lock = threading.Lock()


def shared_keyboard() -> SharedKeyboard:
    """The process's one keyboard listener (started when someone joins)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SharedKeyboard()
        return _shared
