"""Shared pynput plumbing: a lazy import, readiness checks, exception capture, non-blocking stop.

pynput connects to X when imported, so it is imported here, lazily, and every failure becomes
a one-line reason instead of an exception.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable
from types import ModuleType
from typing import Any

from app.activity.base import first_line

READY_TIMEOUT = 3.0


def display_problem() -> str | None:
    """Why pynput cannot work in this session before trying, or None if it may."""
    if not sys.platform.startswith("linux"):
        return None
    display = os.environ.get("DISPLAY", "")
    if not display:
        if os.environ.get("WAYLAND_DISPLAY"):
            return "no display: a Wayland session without XWayland (DISPLAY is not set)"
        return "no display: DISPLAY is not set"
    try:
        import Xlib.display
        import Xlib.error
    except ImportError as exc:
        return f"python-xlib is missing: {first_line(exc)}"
    try:
        conn = Xlib.display.Display(display)
    except Exception as exc:  # Xlib raises a zoo of errors for a bad or dead display
        return f"no display: cannot connect to the X display {display} ({first_line(exc)})"
    try:
        if not conn.has_extension("RECORD"):
            return f"the X server {display} has no RECORD extension, which pynput needs"
    finally:
        conn.close()
    return None


def import_pynput() -> tuple[ModuleType | None, str]:
    """`(pynput, "")`, or `(None, reason)` when it cannot be imported here."""
    try:
        module = importlib.import_module("pynput")
        importlib.import_module("pynput.keyboard")
        importlib.import_module("pynput.mouse")
    except ImportError as exc:
        return None, f"no display: {first_line(exc)}"
    except Exception as exc:  # pynput's backends raise odd things on odd platforms
        return None, f"pynput cannot be loaded: {first_line(exc)}"
    return module, ""


# Exceptions that kill listener threads, captured so the reason can be reported (and so
# threading's default hook does not print a traceback at the user).
_watched: weakref.WeakKeyDictionary[threading.Thread, Callable[[BaseException], None]] = (
    weakref.WeakKeyDictionary()
)
_hook_lock = threading.Lock()
_previous_hook: Callable[[Any], object] | None = None


def _excepthook(args: Any) -> None:
    sink = _watched.get(args.thread) if args.thread is not None else None
    if sink is not None and args.exc_value is not None:
        sink(args.exc_value)
        return
    if _previous_hook is not None:
        _previous_hook(args)


def watch_thread(thread: threading.Thread, sink: Callable[[BaseException], None]) -> None:
    """Send the exception that ends `thread` to `sink` instead of stderr."""
    global _previous_hook
    with _hook_lock:
        if threading.excepthook is not _excepthook:
            _previous_hook = threading.excepthook
            threading.excepthook = _excepthook
        _watched[thread] = sink


def wait_ready(listener: Any, timeout: float = READY_TIMEOUT) -> bool:
    """Like `listener.wait()` but gives up when the listener dies or `timeout` passes.

    pynput's own `wait()` blocks forever if the thread died during set-up (no RECORD), so this
    polls the flag `wait()` itself waits on.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if getattr(listener, "_ready", False):
            return bool(listener.is_alive())
        if not listener.is_alive():
            return False
        time.sleep(0.005)
    return False


def stop_soon(listener: Any) -> None:
    """Stop a listener without waiting: on X11 `stop()` can block until the next input event."""
    threading.Thread(
        target=_stop_quietly, args=(listener,), name="pynput-stop", daemon=True
    ).start()


def _stop_quietly(listener: Any) -> None:
    # A listener that is already dead may fail to stop; there is nothing left to do then.
    with contextlib.suppress(Exception):
        listener.stop()


def death_reason(exc: BaseException | None) -> str:
    """Why a listener thread ended, in one line."""
    if exc is None:
        return "its thread ended without an error"
    if isinstance(exc, AttributeError) and "record" in str(exc):
        return "the X server has no RECORD extension"
    return f"{type(exc).__name__}: {first_line(exc)}"


def untrusted_reason(listener: Any) -> str | None:
    """macOS: a listener without Accessibility permission runs but sees nothing."""
    if sys.platform == "darwin" and getattr(listener, "IS_TRUSTED", True) is False:
        return (
            "macOS has not allowed this app to monitor input: grant it Accessibility and "
            "Input Monitoring in System Settings > Privacy & Security"
        )
    return None
