"""X11's own idle counter (MIT-SCREEN-SAVER extension) through libXss and ctypes.

The X server counts milliseconds since the last input of any client, so polling it costs one
round-trip per poll and nothing per input event.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading

from app.activity.base import SourceBase


class _XScreenSaverInfo(ctypes.Structure):
    _fields_ = (
        ("window", ctypes.c_ulong),
        ("state", ctypes.c_int),
        ("kind", ctypes.c_int),
        ("til_or_since", ctypes.c_ulong),
        ("idle", ctypes.c_ulong),
        ("event_mask", ctypes.c_ulong),
    )


# void (*)(Display *, void *): called instead of exit() when the X connection breaks.
_IOErrorExitHandler = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
# int (*)(Display *): the process-wide I/O error handler; libX11's default one calls exit().
_IOErrorHandler = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)


def _quiet_io_error(_dpy: int | None) -> int:
    return 0  # returning hands over to the display's exit handler (ours: mark it broken)


_QUIET_IO_ERROR = _IOErrorHandler(_quiet_io_error)


class _Libs:
    """libX11 and libXss with their prototypes declared (wrong widths corrupt 64-bit calls)."""

    def __init__(self) -> None:
        x11_name = ctypes.util.find_library("X11")
        xss_name = ctypes.util.find_library("Xss")
        if not x11_name or not xss_name:
            missing = "libX11" if not x11_name else "libXss (Debian: libxss1)"
            raise OSError(f"{missing} is not installed")
        x11 = ctypes.CDLL(x11_name)
        xss = ctypes.CDLL(xss_name)
        x11.XOpenDisplay.argtypes = (ctypes.c_char_p,)
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XDefaultRootWindow.argtypes = (ctypes.c_void_p,)
        x11.XDefaultRootWindow.restype = ctypes.c_ulong
        x11.XCloseDisplay.argtypes = (ctypes.c_void_p,)
        x11.XCloseDisplay.restype = ctypes.c_int
        x11.XFree.argtypes = (ctypes.c_void_p,)
        x11.XFree.restype = ctypes.c_int
        # libX11 >= 1.7: lets a broken connection not exit() the whole process.
        self.set_exit_handler = getattr(x11, "XSetIOErrorExitHandler", None)
        if self.set_exit_handler is not None:
            self.set_exit_handler.argtypes = (ctypes.c_void_p, _IOErrorExitHandler, ctypes.c_void_p)
            self.set_exit_handler.restype = None
            x11.XSetIOErrorHandler.argtypes = (_IOErrorHandler,)
            x11.XSetIOErrorHandler.restype = ctypes.c_void_p
            # Displays without an exit handler of their own still exit() as before.
            x11.XSetIOErrorHandler(_QUIET_IO_ERROR)
        xss.XScreenSaverQueryExtension.argtypes = (
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_int),
            ctypes.POINTER(ctypes.c_int),
        )
        xss.XScreenSaverQueryExtension.restype = ctypes.c_int
        xss.XScreenSaverAllocInfo.argtypes = ()
        xss.XScreenSaverAllocInfo.restype = ctypes.POINTER(_XScreenSaverInfo)
        xss.XScreenSaverQueryInfo.argtypes = (
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.POINTER(_XScreenSaverInfo),
        )
        xss.XScreenSaverQueryInfo.restype = ctypes.c_int
        self.x11 = x11
        self.xss = xss


class XScreenSaverSource(SourceBase):
    name = "xscreensaver"
    sees = "all keyboard and mouse input the X server receives"

    def __init__(self, display: str | None = None) -> None:
        super().__init__()
        self._display_name = display
        self._libs: _Libs | None = None
        self._dpy: int | None = None
        self._root = 0
        self._info: ctypes._Pointer[_XScreenSaverInfo] | None = None
        self._broken = False
        self._lock = threading.Lock()

        def on_io_error(_dpy: int | None, _data: int | None) -> None:
            self._broken = True

        self._on_io_error = _IOErrorExitHandler(on_io_error)  # kept alive as long as we are

    def open(self) -> bool:
        with self._lock:
            if self._dpy is not None:
                return self._available
            name = self._display_name or os.environ.get("DISPLAY", "")
            if not name:
                return self._fail("no display: DISPLAY is not set")
            try:
                libs = self._libs = _Libs()
            except OSError as exc:
                return self._fail(f"cannot load the X libraries: {exc}")
            dpy = libs.x11.XOpenDisplay(name.encode())
            if not dpy:
                return self._fail(f"no display: cannot connect to the X display {name}")
            if libs.set_exit_handler is not None:
                libs.set_exit_handler(dpy, self._on_io_error, None)
            event_base, error_base = ctypes.c_int(), ctypes.c_int()
            if not libs.xss.XScreenSaverQueryExtension(
                dpy, ctypes.byref(event_base), ctypes.byref(error_base)
            ):
                libs.x11.XCloseDisplay(dpy)
                return self._fail(f"the X server {name} has no MIT-SCREEN-SAVER extension")
            self._dpy = dpy
            self._root = libs.x11.XDefaultRootWindow(dpy)
            self._info = libs.xss.XScreenSaverAllocInfo()
            self._broken = False
            return self._ok()

    def seconds_since_input(self) -> float | None:
        with self._lock:
            if self._dpy is None or self._libs is None or self._info is None:
                return None
            if self._broken:
                return None
            ok = self._libs.xss.XScreenSaverQueryInfo(self._dpy, self._root, self._info)
            if not ok or self._broken:
                self._broken = True
                self._fail("lost the connection to the X server")
                return None
            return float(self._info.contents.idle) / 1000.0

    def close(self) -> None:
        with self._lock:
            libs, dpy, info = self._libs, self._dpy, self._info
            self._dpy = self._info = None
            if libs is None:
                return
            if info:
                libs.x11.XFree(info)
            if dpy is not None and not self._broken:
                libs.x11.XCloseDisplay(dpy)
            # A broken display is leaked on purpose: closing it would touch the dead socket.
        if self._available:
            self._fail("closed")
