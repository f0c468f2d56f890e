"""A private Xvfb for tests, plus xdotool.

Usage::

    with XServer() as x:                 # RECORD (and XTEST) on
        x.xdotool("mousemove", "10", "10")
        env = x.env()                    # os.environ with DISPLAY set to this server

    with XServer(record=False) as x:     # RECORD off; note: this also turns XTEST off in Xvfb,
        ...                              # so xdotool does nothing on this server

The display number is chosen by Xvfb itself (`-displayfd`), so parallel runs never collide,
and the server is ready when that number has been written. `stop()` terminates it and waits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from types import TracebackType

from tests.support.procs import spawn_reporting, terminate


class XServerError(RuntimeError):
    """Xvfb could not be started."""


def have_xvfb() -> bool:
    return shutil.which("Xvfb") is not None and shutil.which("xdotool") is not None


class XServer:
    def __init__(
        self, *, record: bool = True, screen: str = "1280x800x24", extra_args: tuple[str, ...] = ()
    ) -> None:
        self.record = record
        self.screen = screen
        self.extra_args = extra_args
        self.display = ""
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> XServer:
        def args_for(fd: int) -> list[str]:
            return [
                "Xvfb",
                "-displayfd",
                str(fd),
                "-screen",
                "0",
                self.screen,
                "-nolisten",
                "tcp",
                "-noreset",
                "+extension" if self.record else "-extension",
                "RECORD",
                *self.extra_args,
            ]

        self._proc, number = spawn_reporting(args_for, what="Xvfb", error=XServerError)
        self.display = ":" + number
        return self

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """A copy of `base` (default: os.environ) talking to this server only."""
        env = dict(os.environ if base is None else base)
        env["DISPLAY"] = self.display
        env.pop("WAYLAND_DISPLAY", None)
        env["XDG_SESSION_TYPE"] = "x11"
        return env

    def xdotool(self, *args: str, timeout: float = 10.0) -> subprocess.CompletedProcess[str]:
        """Run xdotool against this server; raises if it fails."""
        return subprocess.run(
            ["xdotool", *args],
            env=self.env(),
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        terminate(proc)

    def __enter__(self) -> XServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
